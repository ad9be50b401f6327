import { Testing } from 'cdktf';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { DEFAULT_SHARD_LEVEL_METRICS, IngestStream, IngestStreamProps } from '../../stacks/ingest-stream';
import { PipelineKey } from '../../stacks/pipeline-key';
import { AwsContext } from '../../stacks/aws-context';
import './helpers';

const env: AwsContext = { account: '123456789012', partition: 'aws', region: 'eu-west-1', dnsSuffix: 'amazonaws.com' };

function synthStream(props: Omit<IngestStreamProps, 'encryptionKey'>): string {
  return Testing.synthScope((scope) => {
    const key = new PipelineKey(scope, 'key', { env, alias: 'kpufit-test', description: 'test key' });
    new IngestStream(scope, 'ingest', { ...props, encryptionKey: key });
  });
}

describe('IngestStream', () => {
  const provisioned = synthStream({ streamName: 'taxi-trips', mode: 'PROVISIONED', shardCount: 4, retentionHours: 48 });

  it('creates a PROVISIONED stream with the configured shards and retention', () => {
    expect(provisioned).toHaveResourceWithProperties(KinesisStream, {
      name: 'taxi-trips', stream_mode_details: { stream_mode: 'PROVISIONED' }, shard_count: 4, retention_period: 48,
    });
  });

  it('encrypts records with the customer-managed key', () => {
    expect(provisioned).toHaveResourceWithProperties(KinesisStream, {
      encryption_type: 'KMS', kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.key_[0-9A-F]+\.arn\}$/),
    });
  });

  it('enables the five shard-level metrics that show hot shards, throttles and lag', () => {
    expect(DEFAULT_SHARD_LEVEL_METRICS).toEqual([
      'IncomingRecords', 'OutgoingRecords', 'WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded',
      'IteratorAgeMilliseconds',
    ]);
    expect(provisioned).toHaveResourceWithProperties(KinesisStream, { shard_level_metrics: DEFAULT_SHARD_LEVEL_METRICS });
  });

  it('creates an ON_DEMAND stream without a shard count', () => {
    const onDemand = JSON.parse(synthStream({ streamName: 'alerts', mode: 'ON_DEMAND' }));
    const stream = Object.values(onDemand.resource.aws_kinesis_stream)[0] as Record<string, unknown>;
    expect(stream.stream_mode_details).toEqual({ stream_mode: 'ON_DEMAND' });
    expect(stream).not.toHaveProperty('shard_count');
    expect(stream.retention_period).toBe(24);
  });

  it.each([
    [{ streamName: 's', mode: 'PROVISIONED' as const }, 'IngestStream s: a PROVISIONED stream needs shardCount >= 1'],
    [{ streamName: 's', mode: 'ON_DEMAND' as const, shardCount: 2 }, 'IngestStream s: an ON_DEMAND stream takes no shardCount'],
    [{ streamName: 's', shardCount: 1, retentionHours: 23 }, 'IngestStream s: retentionHours must be 24..8760'],
    [{ streamName: 's', shardCount: 1, retentionHours: 8761 }, 'IngestStream s: retentionHours must be 24..8760'],
  ])('rejects invalid props %j', (props, message) => {
    expect(() => synthStream(props)).toThrow(message);
  });

  it('offers typed stream metrics with their statistic', () => {
    Testing.synthScope((scope) => {
      const key = new PipelineKey(scope, 'key', { env, alias: 'k', description: 'k' });
      const s = new IngestStream(scope, 'ingest', { streamName: 'taxi-trips', shardCount: 1, encryptionKey: key });
      const dims = { StreamName: 'taxi-trips' };
      expect(s.metricIncomingRecords()).toMatchObject({ namespace: 'AWS/Kinesis', metricName: 'IncomingRecords', dimensions: dims, statistic: 'Sum' });
      expect(s.metricIncomingBytes()).toMatchObject({ metricName: 'IncomingBytes', statistic: 'Sum' });
      expect(s.metricWriteThrottles()).toMatchObject({ metricName: 'WriteProvisionedThroughputExceeded', statistic: 'Sum' });
      expect(s.metricReadThrottles()).toMatchObject({ metricName: 'ReadProvisionedThroughputExceeded', statistic: 'Sum' });
      expect(s.metricIteratorAge()).toMatchObject({ metricName: 'GetRecords.IteratorAgeMilliseconds', statistic: 'Maximum', dimensions: dims });
    });
  });
});

describe('PipelineKey', () => {
  const synth = Testing.synthScope((scope) => {
    new PipelineKey(scope, 'key', { env, alias: 'kpufit-test', description: 'test key' });
  });

  it('is a customer-managed key with yearly rotation and a 30-day deletion window', () => {
    expect(synth).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true, rotation_period_in_days: 365, deletion_window_in_days: 30, description: 'test key',
    });
  });

  it('has an alias named after the environment', () => {
    expect(synth).toHaveResourceWithProperties(KmsAlias, { name: 'alias/kpufit-test' });
  });

  it('lets the account administer it without a wildcard action', () => {
    const key = Object.values(JSON.parse(synth).resource.aws_kms_key)[0] as { policy: string };
    const [root] = JSON.parse(key.policy).Statement;
    expect(root.Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
    expect(root.Action).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:Decrypt', 'kms:ScheduleKeyDeletion']));
    expect(root.Action.filter((a: string) => a.includes('*'))).toEqual([]);
  });
});
