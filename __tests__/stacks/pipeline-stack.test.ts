import * as path from 'node:path';
import { DefaultTokenResolver, StringConcat, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { OUTPUT_NAMES } from '../../calibration/aws/stack-outputs';
import { bucketRef, minimalConfig, projectRoot, refOf, synthPipeline, withPatch } from './helpers';

/** A token as the synthesized JSON writes it, e.g. `${aws_kms_key.key_1A2B.arn}`. */
const resolved = (token: string, scope: IConstruct): string =>
  Tokenization.resolve(token, { scope, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });

describe('PipelineStack', () => {
  const { text, tf, stack } = synthPipeline(withPatch(minimalConfig(), { tags: { Team: 'data' } }));

  it('configures the AWS provider for the region with default tags on every resource', () => {
    expect(text).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      default_tags: [{ tags: { Project: 'kpufit', Environment: 'dev', ManagedBy: 'cdktf', Team: 'data' } }],
    });
  });

  it('imports provider resources by deep path only (the package root costs seconds and hundreds of MB)', () => {
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const sources = fs.readdirSync(path.join(projectRoot, 'stacks')).filter((f) => f.endsWith('.ts')).concat('../main.ts');
    for (const f of sources) {
      const source = fs.readFileSync(path.join(projectRoot, 'stacks', f), 'utf8');
      expect(source).not.toMatch(/from '@cdktf\/provider-aws'/);
    }
  });

  it('keeps local state unless an S3 backend is configured', () => {
    expect(tf.terraform.backend?.s3).toBeUndefined();
  });

  it('uses an encrypted S3 backend when configured', () => {
    const { tf: remote } = synthPipeline(withPatch(minimalConfig(), {
      backend: { s3: { bucket: 'acme-tfstate', key: 'kpufit/test.tfstate', dynamodbTable: 'tf-locks' } },
    }));
    expect(remote.terraform.backend.s3).toEqual({
      bucket: 'acme-tfstate', key: 'kpufit/test.tfstate', region: 'eu-west-1', encrypt: true, dynamodb_table: 'tf-locks',
    });
  });

  it('declares the outputs `kpufit calibrate --from-outputs` reads, by these exact names', () => {
    const stream = (name: string, attr: string) => refOf(tf, 'aws_kinesis_stream', (s) => s.name === name, attr);
    const appRef = (attr: string) => refOf(tf, 'aws_kinesisanalyticsv2_application', () => true, attr);
    const values = Object.fromEntries(Object.entries(tf.output as Record<string, { value: string }>).map(([k, v]) => [k, v.value]));
    // toMatchObject: consumers may add outputs; these names and values are fixed.
    expect(values).toMatchObject({
      region: 'eu-west-1',
      stream_name: stream('kpufit-test-input', 'name'),
      stream_arn: stream('kpufit-test-input', 'arn'),
      alerts_stream_name: stream('kpufit-test-alerts', 'name'),
      alerts_stream_arn: stream('kpufit-test-alerts', 'arn'),
      application_name: appRef('name'),
      application_arn: appRef('arn'),
      results_bucket: bucketRef(tf, 'results', 'bucket'),
      artifacts_bucket: bucketRef(tf, 'artifacts', 'bucket'),
      alerts_topic_arn: refOf(tf, 'aws_sns_topic', () => true, 'arn'),
      dashboard_url: expect.stringMatching(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#dashboards:name=/),
      max_kpus: '8',
    });
  });

  it('declares every output the calibrator reads (calibration/aws/stack-outputs.ts)', () => {
    expect(Object.keys(tf.output)).toEqual(expect.arrayContaining([...OUTPUT_NAMES]));
  });

  it('outputs an empty alerts stream name when the alerts stream is disabled', () => {
    const { tf: off } = synthPipeline(withPatch(minimalConfig(), { alertsStream: { enabled: false } }));
    expect(off.output.alerts_stream_name.value).toBe('');
  });

  it('exposes its pieces for consumers to attach to', () => {
    // The attributes are tokens; resolved, each is the reference to its resource's attribute.
    expect(resolved(stack.kmsKey.arn, stack)).toBe(refOf(tf, 'aws_kms_key', () => true, 'arn'));
    expect(stack.ingestStream.streamName).toBe('kpufit-test-input');
    expect(stack.alertsStream?.streamName).toBe('kpufit-test-alerts');
    expect([stack.buckets.resultsBucket, stack.buckets.artifactsBucket, stack.buckets.logBucket].map((b) => resolved(b.bucketArn, stack)))
      .toEqual([bucketRef(tf, 'results', 'arn'), bucketRef(tf, 'artifacts', 'arn'), bucketRef(tf, 'logs', 'arn')]);
    expect(stack.topic.nameInput).toBe('kpufit-test-alarms');
    expect(stack.dashboard.dashboardNameInput).toBe('kpufit-test-pipeline');
    expect(resolved(stack.application.applicationArn, stack)).toBe(refOf(tf, 'aws_kinesisanalyticsv2_application', () => true, 'arn'));
    expect(resolved(stack.role.roleArn, stack)).toBe(refOf(tf, 'aws_iam_role', () => true, 'arn'));
  });
});
