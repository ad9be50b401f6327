/**
 * Least privilege, checked on every policy document of both environments' stacks (and a config with every
 * optional grant on): no Allow with a wildcard action, no unscoped Allow, and "*" resources only where AWS
 * requires them.
 */
import { loadConfig } from '../../stacks/config';
import { FoundPolicy, asArray, minimalConfig, policyDocuments, projectRoot, synthPipeline, withPatch } from './helpers';

type Statement = Record<string, any>;

/** X-Ray's trace writes (the alerts Lambda's active tracing) have no resource-level permissions either. */
const XRAY_WRITES = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

/** Where AWS requires Resource "*": in key policies it means "this key"; PutMetricData has no resource-level permissions. */
function starIsRequired(policy: FoundPolicy, s: Statement): boolean {
  if (policy.kind === 'key') return true;
  const actions = asArray<string>(s.Action);
  if (actions.length > 0 && actions.every((a) => XRAY_WRITES.includes(a))) return true;
  // GetMetricData has no resource-level permissions (the autoscaler reads its metrics with it).
  if (actions.length === 1 && actions[0] === 'cloudwatch:GetMetricData') return true;
  return actions.length === 1 && actions[0] === 'cloudwatch:PutMetricData' && s.Condition?.StringEquals?.['cloudwatch:namespace'] !== undefined;
}

const stacks = {
  dev: synthPipeline(loadConfig('dev', projectRoot) as unknown as Record<string, any>, { environment: 'dev' }).tf,
  prod: synthPipeline(loadConfig('prod', projectRoot) as unknown as Record<string, any>, { environment: 'prod' }).tf,
  'alarm e-mail and job cost on': synthPipeline(withPatch(minimalConfig(), {
    monitoring: { alarmEmail: 'oncall@example.com' }, job: { cost: { ioMode: 'async' } },
  })).tf,
};

describe.each(Object.entries(stacks))('IAM in the %s stack', (_name, tf) => {
  const policies = policyDocuments(tf);
  const all = policies.flatMap((p) => p.doc.Statement.map((s: Statement) => ({ p, s })));
  const allows = all.filter(({ s }) => s.Effect === 'Allow');

  it('checks at least the role trust, the role policy, the key policy, three bucket policies and the topic policy', () => {
    // Consumers attached to the stack add their own documents; every one of them is checked below too.
    expect(policies.map((p) => p.where.split('.')[0])).toEqual(expect.arrayContaining([
      'aws_iam_role', 'aws_iam_role_policy', 'aws_kms_key', 'aws_s3_bucket_policy', 'aws_s3_bucket_policy', 'aws_s3_bucket_policy',
      'aws_sns_topic_policy',
    ]));
  });

  it('every document is version 2012-10-17 with named statements', () => {
    for (const { p, s } of all) {
      expect(p.doc.Version).toBe('2012-10-17');
      expect(typeof s.Sid).toBe('string');
    }
  });

  it('no Allow has a wildcard action', () => {
    const wild = allows.filter(({ s }) => asArray<string>(s.Action).some((a) => a.includes('*')) || s.NotAction !== undefined);
    expect(wild.map(({ p, s }) => `${p.where}#${s.Sid}`)).toEqual([]);
  });

  it('no Allow is unscoped: "*" resource only where AWS requires it', () => {
    const unscoped = allows.filter(({ p, s }) => p.kind !== 'trust'
      && (s.Resource === undefined || asArray<string>(s.Resource).includes('*') || s.NotResource !== undefined)
      && !starIsRequired(p, s));
    expect(unscoped.map(({ p, s }) => `${p.where}#${s.Sid}`)).toEqual([]);
  });

  it('no resource ARN is a bare service-wide wildcard', () => {
    const broad = allows.flatMap(({ p, s }) => asArray<string>(s.Resource).map((r) => ({ where: `${p.where}#${s.Sid}`, r })))
      .filter(({ r }) => /^arn:[^:]+:[^:]+:[^:]*:[^:]*:\*$/.test(r));
    expect(broad).toEqual([]);
  });

  it('every Allow to a service principal is conditioned on this account or a specific source', () => {
    const open = allows.filter(({ s }) => s.Principal?.Service !== undefined && s.Condition === undefined);
    expect(open.map(({ p, s }) => `${p.where}#${s.Sid}`)).toEqual([]);
  });

  it('only Deny statements name the anonymous principal "*"', () => {
    expect(all.filter(({ s }) => s.Principal === '*' || s.Principal?.AWS === '*').every(({ s }) => s.Effect === 'Deny')).toBe(true);
  });

  it('every resource policy refuses requests without TLS', () => {
    // Enforced by the resource itself instead: the OpenSearch domain takes HTTPS only (enforce_https, tested in
    // opensearch-domain.test.ts), and a CloudWatch Logs resource policy admits only an AWS service principal.
    const tlsByResource = ['aws_opensearch_domain.', 'aws_cloudwatch_log_resource_policy.'];
    for (const p of policies.filter((x) => x.kind === 'resource' && !tlsByResource.some((t) => x.where.startsWith(t)))) {
      expect(p.doc.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
  });

  it('trust policies name no Resource (IAM forbids it)', () => {
    const trust = policies.filter((x) => x.kind === 'trust').flatMap((p) => p.doc.Statement);
    expect(trust.filter((s: Statement) => s.Resource !== undefined)).toEqual([]);
  });

  it('the Managed Flink trust pins the source account and application', () => {
    const flinkTrust = policies.filter((x) => x.kind === 'trust').flatMap((p) => p.doc.Statement)
      .filter((s: Statement) => String(s.Principal?.Service ?? '').startsWith('kinesisanalytics.'));
    expect(flinkTrust).toHaveLength(1);
    expect(Object.keys(flinkTrust[0].Condition).sort()).toEqual(['ArnEquals', 'StringEquals']);
  });
});
