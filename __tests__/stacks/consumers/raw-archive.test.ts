import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogStream } from '@cdktf/provider-aws/lib/cloudwatch-log-stream';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';
import { RawArchive, RawArchiveMetrics, RawArchiveProps } from '../../../stacks/raw-archive';
import { ARNS, env, identityPolicy, policyDocuments, ref, resourcesOf, single, statement, synth } from './consumer-stack';

const base: RawArchiveProps = {
  env, namePrefix: 'kpufit-test', sourceStreamArn: ARNS.inputStream, sourceStreamKeyArn: ARNS.key,
  bucketArn: ARNS.bucket, bucketKeyArn: ARNS.otherKey, encryptionKeyArn: ARNS.key,
};
const synthArchive = (props: Partial<RawArchiveProps> = {}) =>
  synth((scope) => { new RawArchive(scope, 'archive', { ...base, ...props }); });

describe('RawArchive: Firehose from the input stream to S3 raw-data/', () => {
  const { text, tf } = synthArchive();
  const s3 = () => single(tf, 'aws_kinesis_firehose_delivery_stream').extended_s3_configuration;

  it('reads the input stream with its own role', () => {
    expect(text).toHaveResourceWithProperties(KinesisFirehoseDeliveryStream, {
      name: 'kpufit-test-raw-archive', destination: 'extended_s3',
      kinesis_source_configuration: { kinesis_stream_arn: ARNS.inputStream, role_arn: ref(tf, 'aws_iam_role', 'arn') },
    });
  });

  it('writes raw-data/ partitioned by UTC date and hour, Hive-style like the results', () => {
    expect(s3()).toMatchObject({
      bucket_arn: ARNS.bucket, role_arn: ref(tf, 'aws_iam_role', 'arn'), custom_time_zone: 'UTC',
      prefix: 'raw-data/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/',
    });
  });

  it('puts undeliverable records under an error prefix, by error type', () => {
    expect(s3().error_output_prefix).toBe('errors/raw-data/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/');
  });

  it('compresses with GZIP into .jsonl.gz objects, one record per line', () => {
    expect(s3()).toMatchObject({
      compression_format: 'GZIP', file_extension: '.jsonl.gz',
      processing_configuration: { enabled: true, processors: [{ type: 'AppendDelimiterToRecord' }] },
    });
  });

  it('encrypts objects with the bucket key (SSE-KMS)', () => {
    expect(s3().kms_key_arn).toBe(ARNS.otherKey);
  });

  it('buffers 64 MiB or 300 s by default', () => {
    expect(s3()).toMatchObject({ buffering_size: 64, buffering_interval: 300 });
  });

  it('logs delivery errors to its own KMS-encrypted log group', () => {
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/kinesisfirehose/kpufit-test-raw-archive', retention_in_days: 365, kms_key_id: ARNS.key,
    });
    expect(text).toHaveResourceWithProperties(CloudwatchLogStream, { name: 'DestinationDelivery' });
    expect(s3().cloudwatch_logging_options).toEqual({
      enabled: true, log_group_name: ref(tf, 'aws_cloudwatch_log_group', 'name'), log_stream_name: ref(tf, 'aws_cloudwatch_log_stream', 'name'),
    });
  });

  it('is created after its role policy (Firehose checks the role on create)', () => {
    expect(single(tf, 'aws_kinesis_firehose_delivery_stream').depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\./)]);
  });

  it('takes prefixes, buffering, newline and retention from props', () => {
    const custom = synthArchive({ prefix: 'archive/raw/', errorPrefix: 'archive/errors/', bufferingSizeMb: 128,
      bufferingIntervalSeconds: 60, appendNewline: false, logRetentionDays: 731 });
    const c = single(custom.tf, 'aws_kinesis_firehose_delivery_stream').extended_s3_configuration;
    expect(c).toMatchObject({
      prefix: 'archive/raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/', buffering_size: 128, buffering_interval: 60,
      error_output_prefix: 'archive/errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/',
      processing_configuration: { enabled: false },
    });
    expect(custom.text).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 731 });
    expect(statement(identityPolicy(custom.tf), 'WriteArchiveAndErrors').Resource)
      .toEqual([`${ARNS.bucket}/archive/raw/*`, `${ARNS.bucket}/archive/errors/*`]);
  });

  it.each([
    [{ bufferingSizeMb: 0 }, 'bufferingSizeMb must be an integer in 1..128 (got 0)'],
    [{ bufferingIntervalSeconds: 901 }, 'bufferingIntervalSeconds must be an integer in 0..900 (got 901)'],
    [{ prefix: 'raw-data' }, 'prefix must be an S3 key prefix ending in "/" (got "raw-data")'],
    [{ errorPrefix: '/errors/' }, 'errorPrefix must be an S3 key prefix ending in "/" (got "/errors/")'],
  ])('rejects %j', (props, message) => {
    expect(() => synthArchive(props)).toThrow(`RawArchive: ${message}`);
  });
});

describe('RawArchive: least-privilege role', () => {
  const { text, tf } = synthArchive();
  const doc = identityPolicy(tf);

  it('is assumable by Firehose for this account only', () => {
    expect(text).toHaveResourceWithProperties(IamRole, { name: 'kpufit-test-raw-archive-firehose' });
    const trust = policyDocuments(tf).find((p) => p.kind === 'trust')!.doc;
    expect(trust.Statement).toEqual([{
      Sid: 'FirehoseOfThisAccount', Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' },
      Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': '123456789012' } },
    }]);
  });

  it('reads only the input stream and decrypts it only through Kinesis', () => {
    expect(statement(doc, 'ReadSourceStream')).toMatchObject({
      Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
      Resource: ARNS.inputStream,
    });
    expect(statement(doc, 'DecryptSourceStream')).toMatchObject({
      Action: 'kms:Decrypt', Resource: ARNS.key, Condition: { StringEquals: { 'kms:ViaService': 'kinesis.eu-west-1.amazonaws.com' } },
    });
  });

  it('writes only under raw-data/ and its error prefix, encrypting only through S3', () => {
    expect(statement(doc, 'WriteArchiveAndErrors')).toMatchObject({
      Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      Resource: [`${ARNS.bucket}/raw-data/*`, `${ARNS.bucket}/errors/raw-data/*`],
    });
    expect(statement(doc, 'LocateBucket')).toMatchObject({
      Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: ARNS.bucket,
    });
    expect(statement(doc, 'EncryptArchive')).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: ARNS.otherKey,
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
  });

  it('writes only its own delivery log stream', () => {
    expect(statement(doc, 'WriteDeliveryLog')).toMatchObject({
      Action: 'logs:PutLogEvents',
      Resource: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/kinesisfirehose/kpufit-test-raw-archive:log-stream:DestinationDelivery',
    });
  });
});

describe('RawArchive: alarms and metrics', () => {
  it('creates no alarms unless asked', () => {
    expect(resourcesOf(synthArchive().tf, 'aws_cloudwatch_metric_alarm')).toEqual({});
  });

  it('alarms on failed deliveries at once and on stale data when sustained', () => {
    const { text } = synthArchive({ alarms: { topicArn: ARNS.topic, alarmNamePrefix: 'kpufit-test-', evaluationPeriods: 3 } });
    expect(text).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: 'kpufit-test-raw-archive-delivery-failures', namespace: 'AWS/Firehose', metric_name: 'DeliveryToS3.Success',
      dimensions: { DeliveryStreamName: 'kpufit-test-raw-archive' }, statistic: 'Minimum',
      comparison_operator: 'LessThanThreshold', threshold: 1, evaluation_periods: 3, datapoints_to_alarm: 1,
      treat_missing_data: 'notBreaching', alarm_actions: [ARNS.topic], ok_actions: [ARNS.topic],
    });
    expect(text).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: 'kpufit-test-raw-archive-data-freshness', metric_name: 'DeliveryToS3.DataFreshness', statistic: 'Maximum',
      comparison_operator: 'GreaterThanThreshold', threshold: 900, evaluation_periods: 3, datapoints_to_alarm: 3,
    });
  });

  it('takes the freshness threshold from props', () => {
    const { text } = synthArchive({ alarms: { topicArn: ARNS.topic, alarmNamePrefix: 'p-', dataFreshnessThresholdSeconds: 1200 } });
    expect(text).toHaveResourceWithProperties(CloudwatchMetricAlarm, { alarm_name: 'p-raw-archive-data-freshness', threshold: 1200 });
  });

  it('derives its dashboard panels from the name prefix alone', () => {
    const panels = RawArchiveMetrics.forPrefix('kpufit-test').panels();
    expect(panels.flatMap((p) => p.metrics.map((m) => `${m.metricName} ${m.statistic} ${m.dimensions.DeliveryStreamName}`))).toEqual([
      'DataReadFromKinesisStream.Records Sum kpufit-test-raw-archive', 'DeliveryToS3.Records Sum kpufit-test-raw-archive',
      'DeliveryToS3.Success Minimum kpufit-test-raw-archive', 'DeliveryToS3.DataFreshness Maximum kpufit-test-raw-archive',
      'KinesisMillisBehindLatest Maximum kpufit-test-raw-archive',
    ]);
  });
});
