/**
 * Every policy document the consumers create, parsed back: no wildcard action anywhere, no "*" resource
 * in an Allow except the X-Ray grant (X-Ray has no resource-level permissions), every Allow of a resource
 * policy scoped by principal, and trust policies without resources.
 */
import { AlertsConsumer } from '../../../stacks/alerts-consumer';
import { AnalyticsCatalog } from '../../../stacks/analytics-catalog';
import { RawArchive } from '../../../stacks/raw-archive';
import { ARNS, env, FoundPolicy, policyDocuments, synth } from './consumer-stack';

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The only Allow statements that may name "*" as resource, and why. */
const AWS_REQUIRES_STAR: Record<string, string> = { WriteTraces: 'xray:PutTraceSegments has no resource-level permissions' };

const { tf } = synth((scope) => {
  new AlertsConsumer(scope, 'alerts', { env, namePrefix: 'kpufit-test', alertsStreamArn: ARNS.alertsStream, streamKeyArn: ARNS.key,
    topicArn: ARNS.topic, topicKeyArn: ARNS.key, encryptionKeyArn: ARNS.key });
  new RawArchive(scope, 'archive', { env, namePrefix: 'kpufit-test', sourceStreamArn: ARNS.inputStream, sourceStreamKeyArn: ARNS.key,
    bucketArn: ARNS.bucket, bucketKeyArn: ARNS.key, encryptionKeyArn: ARNS.key });
  new AnalyticsCatalog(scope, 'catalog', { env, namePrefix: 'kpufit-test', resultsBucketName: ARNS.bucketName, encryptionKeyArn: ARNS.key });
});
const docs = policyDocuments(tf);
const statements = (kind?: FoundPolicy['kind']) => docs.filter((d) => !kind || d.kind === kind)
  .flatMap((d) => d.doc.Statement.map((s) => ({ where: d.where, s })));

describe('consumer IAM: least privilege', () => {
  it('finds the policy documents of both roles and the queue', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(['identity', 'identity', 'resource', 'trust', 'trust']);
    for (const d of docs) expect(d.doc.Version).toBe('2012-10-17');
  });

  it('grants no wildcard action in any Allow', () => {
    const offending = statements().filter(({ s }) => s.Effect === 'Allow')
      .flatMap(({ where, s }) => asArray<string>(s.Action).filter((a) => a.includes('*')).map((a) => `${where} ${s.Sid}: ${a}`));
    expect(offending).toEqual([]);
  });

  it('names a resource in every identity Allow; "*" only where AWS requires it', () => {
    const offending = statements('identity').filter(({ s }) => s.Effect === 'Allow')
      .filter(({ s }) => asArray<string>(s.Resource).length === 0
        || (asArray<string>(s.Resource).includes('*') && !(s.Sid in AWS_REQUIRES_STAR)))
      .map(({ where, s }) => `${where} ${s.Sid}`);
    expect(offending).toEqual([]);
  });

  it('keeps the one "*" resource to the X-Ray write actions', () => {
    const star = statements('identity').filter(({ s }) => asArray<string>(s.Resource).includes('*'));
    expect(star.map(({ s }) => [s.Sid, s.Action])).toEqual([['WriteTraces', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']]]);
  });

  it('uses no resource pattern broader than one log group or one bucket prefix', () => {
    const wildcards = statements('identity').flatMap(({ s }) => asArray<string>(s.Resource).filter((r) => r !== '*' && r.includes('*')));
    expect(wildcards.sort()).toEqual([
      'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/kpufit-test-alerts:log-stream:*',
      `${ARNS.bucket}/errors/raw-data/*`, `${ARNS.bucket}/raw-data/*`,
    ].sort());
  });

  it('has trust policies that name one service principal, pin this account and name no resource', () => {
    for (const { s } of statements('trust')) {
      expect(s).not.toHaveProperty('Resource');
      expect(JSON.stringify(s.Condition)).toContain('123456789012');
      expect(s.Action).toBe('sts:AssumeRole');
      expect(Object.keys(s.Principal)).toEqual(['Service']);
      expect(typeof s.Principal.Service).toBe('string');
    }
  });

  it('has resource policies whose only "*" principal is in a Deny', () => {
    for (const { s } of statements('resource')) if (s.Principal === '*') expect(s.Effect).toBe('Deny');
  });
});
