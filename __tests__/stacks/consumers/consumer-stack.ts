/**
 * Test scaffolding for the consumer constructs: each synthesized alone in a scope with literal ARNs, parsed
 * back to Terraform JSON, with accessors for resources and every IAM/resource policy document.
 */
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsContext } from '../../../stacks/aws-context';
import { policyDocuments, type FoundPolicy } from '../helpers';

Testing.setupJest();

type Json = Record<string, any>;

export const env: AwsContext = { account: '123456789012', partition: 'aws', region: 'eu-west-1', dnsSuffix: 'amazonaws.com' };

export const ARNS = {
  alertsStream: 'arn:aws:kinesis:eu-west-1:123456789012:stream/kpufit-test-alerts',
  inputStream: 'arn:aws:kinesis:eu-west-1:123456789012:stream/kpufit-test-input',
  key: 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  otherKey: 'arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555',
  topic: 'arn:aws:sns:eu-west-1:123456789012:kpufit-test-alarms',
  bucket: 'arn:aws:s3:::kpufit-test-results-123456789012-eu-west-1',
  bucketName: 'kpufit-test-results-123456789012-eu-west-1',
} as const;

export interface Synth { readonly text: string; readonly tf: Json }

export function synth(build: (scope: Construct) => void): Synth {
  const text = Testing.synthScope(build);
  return { text, tf: JSON.parse(text) };
}

export function resourcesOf(tf: Json, type: string): Record<string, Json> {
  return tf.resource?.[type] ?? {};
}

export function single(tf: Json, type: string): Json {
  const all = Object.values(resourcesOf(tf, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** `${type.<id>.attr}` of the one resource of that type. */
export function ref(tf: Json, type: string, attr: string): string {
  const ids = Object.keys(resourcesOf(tf, type));
  if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}`);
  return `\${${type}.${ids[0]}.${attr}}`;
}

// Policy parsing is the stack tests' own: one list of policy-bearing resource types for every IAM test.
export { policyDocuments, statement, type FoundPolicy } from '../helpers';

export function identityPolicy(tf: Json): FoundPolicy['doc'] {
  const docs = policyDocuments(tf).filter((p) => p.kind === 'identity');
  if (docs.length !== 1) throw new Error(`expected one identity policy, found ${docs.length}`);
  return docs[0].doc;
}
