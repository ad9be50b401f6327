/**
 * Shared test scaffolding for the stack tests: a minimal valid config, a synthesized stack parsed back
 * into JSON, and accessors for its resources and policy documents.
 */
import 'cdktf/lib/testing/adapters/jest';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { EnvironmentName, parseConfig } from '../../stacks/config';
import { PipelineStack } from '../../stacks/pipeline-stack';

Testing.setupJest();

export const projectRoot = path.resolve(__dirname, '..', '..');
export const fixtureJar = path.join(projectRoot, '__tests__', 'fixtures', 'flink-app-fixture.jar');

type Json = Record<string, any>;

/** The smallest valid config: every other field takes its schema default. */
export function minimalConfig(): Json {
  return {
    name: 'kpufit-test',
    region: 'eu-west-1',
    stream: { shards: 2 },
    application: { name: 'kpufit-test-analytics' },
    job: { workload: 'iot' },
  };
}

/** `base` with `patch` merged in, objects recursively; a `undefined` value deletes the key. */
export function withPatch(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object') out[k] = withPatch(out[k], v);
    else out[k] = v;
  }
  return out;
}

export interface Synthesized {
  readonly stack: PipelineStack;
  /** The stack's Terraform JSON as text (what the cdktf jest matchers take). */
  readonly text: string;
  readonly tf: Json;
}

export function synthPipeline(raw: Json = minimalConfig(), opts: { environment?: EnvironmentName; jar?: string } = {}): Synthesized {
  const config = parseConfig(raw, 'test config');
  const app = Testing.app();
  const stack = new PipelineStack(app, config.name, {
    environment: opts.environment ?? 'dev', config, flinkJarPath: opts.jar ?? fixtureJar,
  });
  const text = Testing.synth(stack);
  return { stack, text, tf: JSON.parse(text) };
}

/** Every resource of a Terraform type, keyed by logical id. */
export function resourcesOf(tf: Json, type: string): Record<string, Json> {
  return tf.resource?.[type] ?? {};
}

/** The one resource of a type; fails when there is not exactly one. */
export function single(tf: Json, type: string): Json {
  const all = Object.values(resourcesOf(tf, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** `${type.id.attr}` of the one resource of `type` whose config matches `pick`. */
export function refOf(tf: Json, type: string, pick: (r: Json) => boolean, attr: string): string {
  const found = Object.entries(resourcesOf(tf, type)).filter(([, r]) => pick(r));
  if (found.length !== 1) throw new Error(`expected exactly one matching ${type}, found ${found.length}`);
  return `\${${type}.${found[0][0]}.${attr}}`;
}

/** The bucket whose name starts with `<prefix>-<role>-`. */
export function bucketRef(tf: Json, role: 'artifacts' | 'results' | 'logs', attr = 'id'): string {
  return refOf(tf, 'aws_s3_bucket', (b) => String(b.bucket).includes(`-${role}-`), attr);
}

export interface FoundPolicy {
  /** `<resource type>.<logical id>.<attribute>` */
  readonly where: string;
  readonly kind: 'trust' | 'identity' | 'key' | 'resource';
  readonly doc: { Version: string; Statement: Json[] };
}

/** Every IAM policy document in the stack, parsed: trust, inline, key and resource policies. */
export function policyDocuments(tf: Json): FoundPolicy[] {
  const sources: Array<[string, string, FoundPolicy['kind']]> = [
    ['aws_iam_role', 'assume_role_policy', 'trust'],
    ['aws_iam_role_policy', 'policy', 'identity'],
    ['aws_iam_policy', 'policy', 'identity'],
    ['aws_kms_key', 'policy', 'key'],
    ['aws_s3_bucket_policy', 'policy', 'resource'],
    ['aws_sqs_queue_policy', 'policy', 'resource'],
    ['aws_sns_topic_policy', 'policy', 'resource'],
    ['aws_kinesis_resource_policy', 'policy', 'resource'],
    ['aws_lambda_permission', 'policy', 'resource'],
    ['aws_opensearch_domain', 'access_policies', 'resource'],
    ['aws_cloudwatch_log_resource_policy', 'policy_document', 'resource'],
  ];
  const found: FoundPolicy[] = [];
  for (const [type, attr, kind] of sources) {
    for (const [id, r] of Object.entries(resourcesOf(tf, type))) {
      if (typeof r[attr] !== 'string') continue;
      found.push({ where: `${type}.${id}.${attr}`, kind, doc: JSON.parse(r[attr]) });
    }
  }
  return found;
}

export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The statement with this Sid in the document; fails when absent. */
export function statement(doc: FoundPolicy['doc'], sid: string): Json {
  const s = doc.Statement.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}; have ${doc.Statement.map((x) => x.Sid).join(', ')}`);
  return s;
}
