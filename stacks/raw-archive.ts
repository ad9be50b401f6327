/**
 * The raw archive: Amazon Data Firehose reads the input stream and writes every event, unchanged, to
 * s3://<results>/raw-data/dt=YYYY-MM-DD/hour=HH/ as GZIP JSON lines, SSE-KMS encrypted. The managed way
 * to keep raw events for replay (`kpufit load --replay`) and for training, without touching the job.
 *
 * Firehose is a second reader of the input stream: it shares the 5 GetRecords calls per second per shard
 * with the Flink source (enable enhanced fan-out for the job on a busy stream).
 */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogStream } from '@cdktf/provider-aws/lib/cloudwatch-log-stream';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';
import { AwsContext, arnFor } from './aws-context';
import { ConsumerAlarmOptions, ConsumerPanel, createConsumerAlarms } from './consumer-alarms';
import { integerIn, keyPrefix } from './private/prop-checks';
import { MetricSpec, metricSpec } from './metric';
import { PolicyDocument } from './policy-document';

export interface RawArchiveProps {
  readonly env: AwsContext;
  /** Delivery stream `<prefix>-raw-archive`, role `<prefix>-raw-archive-firehose`. */
  readonly namePrefix: string;
  /** The input stream the events are read from. */
  readonly sourceStreamArn: string;
  /** Key that encrypts the input stream. */
  readonly sourceStreamKeyArn: string;
  /** The results bucket. */
  readonly bucketArn: string;
  /** Key the archived objects are encrypted with (SSE-KMS). */
  readonly bucketKeyArn: string;
  /**
   * Encrypts the delivery log group. Its key policy must let CloudWatch Logs use it for
   * `/aws/kinesisfirehose/<prefix>-raw-archive` (PipelineKey.allowLogGroups).
   */
  readonly encryptionKeyArn: string;
  /** @default 'raw-data/' */
  readonly prefix?: string;
  /** Records Firehose could not deliver land here, by error type. @default 'errors/raw-data/' */
  readonly errorPrefix?: string;
  /** MiB buffered before an object is written, 1..128. @default 64 (fewer, larger objects for Athena/replay) */
  readonly bufferingSizeMb?: number;
  /** Seconds buffered before an object is written, 0..900. @default 300 */
  readonly bufferingIntervalSeconds?: number;
  /** Add a newline after each record so objects are JSON lines even when producers send none. @default true */
  readonly appendNewline?: boolean;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** Alarms on failed deliveries and stale data. @default no alarms */
  readonly alarms?: ConsumerAlarmOptions & {
    /** Age (s) of the oldest record not yet in S3 that means delivery is stuck. @default 3 x bufferingIntervalSeconds */
    readonly dataFreshnessThresholdSeconds?: number;
  };
}

/** Hive-style dt=/hour= like the job's results, so one Athena pattern (partition projection) reads both. */
export const RAW_ARCHIVE_PARTITIONING = 'dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/';
const DELIVERY_LOG_STREAM = 'DestinationDelivery';

export function rawArchiveNames(namePrefix: string) {
  const deliveryStreamName = `${namePrefix}-raw-archive`;
  return { deliveryStreamName, roleName: `${deliveryStreamName}-firehose`,
    logGroupName: `/aws/kinesisfirehose/${deliveryStreamName}` };
}

export class RawArchiveMetrics {
  constructor(readonly deliveryStreamName: string) {}

  static forPrefix(namePrefix: string): RawArchiveMetrics {
    return new RawArchiveMetrics(rawArchiveNames(namePrefix).deliveryStreamName);
  }

  private metric(name: string, statistic: 'Sum' | 'Average' | 'Minimum' | 'Maximum', label: string): MetricSpec {
    return metricSpec('AWS/Firehose', name, { DeliveryStreamName: this.deliveryStreamName }, statistic, label);
  }

  recordsRead(): MetricSpec { return this.metric('DataReadFromKinesisStream.Records', 'Sum', 'Raw archive: records read'); }
  recordsDelivered(): MetricSpec { return this.metric('DeliveryToS3.Records', 'Sum', 'Raw archive: records in S3'); }
  /** Share of successful S3 puts: below 1 means deliveries failed (and are being retried or error-prefixed). */
  deliverySuccess(): MetricSpec { return this.metric('DeliveryToS3.Success', 'Minimum', 'Raw archive: delivery success'); }
  dataFreshness(): MetricSpec { return this.metric('DeliveryToS3.DataFreshness', 'Maximum', 'Raw archive: oldest undelivered (s)'); }
  millisBehind(): MetricSpec { return this.metric('KinesisMillisBehindLatest', 'Maximum', 'Raw archive: behind the stream (ms)'); }

  panels(): ConsumerPanel[] {
    return [
      { title: 'Raw archive: records read and delivered', metrics: [this.recordsRead(), this.recordsDelivered()] },
      { title: 'Raw archive: delivery success and freshness', metrics: [this.deliverySuccess(), this.dataFreshness()] },
      { title: 'Raw archive: behind the input stream', metrics: [this.millisBehind()] },
    ];
  }
}

const check = (prop: string, value: number, min: number, max: number) => integerIn('RawArchive', prop, value, min, max);

const checkPrefix = (prop: string, value: string) => keyPrefix('RawArchive', prop, value);

export class RawArchive extends Construct {
  readonly deliveryStream: KinesisFirehoseDeliveryStream;
  readonly role: IamRole;
  readonly policy: PolicyDocument;
  readonly logGroup: CloudwatchLogGroup;
  readonly metrics: RawArchiveMetrics;
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};
  /** Key prefix archived objects go under, e.g. `raw-data/`. */
  readonly prefix: string;

  constructor(scope: Construct, id: string, props: RawArchiveProps) {
    super(scope, id);
    const { env } = props;
    const names = rawArchiveNames(props.namePrefix);
    const prefix = (this.prefix = checkPrefix('prefix', props.prefix ?? 'raw-data/'));
    const errorPrefix = checkPrefix('errorPrefix', props.errorPrefix ?? 'errors/raw-data/');
    const bufferingSize = check('bufferingSizeMb', props.bufferingSizeMb ?? 64, 1, 128);
    const bufferingInterval = check('bufferingIntervalSeconds', props.bufferingIntervalSeconds ?? 300, 0, 900);
    this.metrics = new RawArchiveMetrics(names.deliveryStreamName);

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: names.logGroupName,
      retentionInDays: props.logRetentionDays ?? 365,
      kmsKeyId: props.encryptionKeyArn,
    });
    const logStream = new CloudwatchLogStream(this, 'delivery_log', { name: DELIVERY_LOG_STREAM, logGroupName: this.logGroup.name });

    this.role = new IamRole(this, 'role', {
      name: names.roleName,
      description: 'kpufit raw archive: Firehose reads the input stream and writes raw-data/ in the results bucket',
      assumeRolePolicy: new PolicyDocument([{
        Sid: 'FirehoseOfThisAccount', Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' },
        Action: 'sts:AssumeRole',
        // The external id Firehose passes is the account id: another account's stream cannot use this role.
        Condition: { StringEquals: { 'sts:ExternalId': env.account } },
      }]).toJson(),
    });
    const via = (service: string) => ({ StringEquals: { 'kms:ViaService': `${service}.${env.region}.${env.dnsSuffix}` } });
    this.policy = new PolicyDocument([
      {
        Sid: 'ReadSourceStream', Effect: 'Allow',
        Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator',
          'kinesis:GetRecords', 'kinesis:ListShards'],
        Resource: props.sourceStreamArn,
      },
      { Sid: 'DecryptSourceStream', Effect: 'Allow', Action: 'kms:Decrypt', Resource: props.sourceStreamKeyArn, Condition: via('kinesis') },
      {
        Sid: 'LocateBucket', Effect: 'Allow',
        Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        Resource: props.bucketArn,
      },
      {
        Sid: 'WriteArchiveAndErrors', Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        Resource: [`${props.bucketArn}/${prefix}*`, `${props.bucketArn}/${errorPrefix}*`],
      },
      {
        Sid: 'EncryptArchive', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: props.bucketKeyArn, Condition: via('s3'),
      },
      {
        Sid: 'WriteDeliveryLog', Effect: 'Allow', Action: 'logs:PutLogEvents',
        Resource: arnFor(env, 'logs', `log-group:${names.logGroupName}:log-stream:${DELIVERY_LOG_STREAM}`),
      },
    ]);
    const rolePolicy = new IamRolePolicy(this, 'role_policy', { name: 'raw-archive', role: this.role.id, policy: this.policy.toJson() });

    this.deliveryStream = new KinesisFirehoseDeliveryStream(this, 'firehose', {
      name: names.deliveryStreamName,
      destination: 'extended_s3',
      kinesisSourceConfiguration: { kinesisStreamArn: props.sourceStreamArn, roleArn: this.role.arn },
      extendedS3Configuration: {
        roleArn: this.role.arn,
        bucketArn: props.bucketArn,
        prefix: `${prefix}${RAW_ARCHIVE_PARTITIONING}`,
        errorOutputPrefix: `${errorPrefix}!{firehose:error-output-type}/${RAW_ARCHIVE_PARTITIONING}`,
        bufferingSize,
        bufferingInterval,
        compressionFormat: 'GZIP',
        fileExtension: '.jsonl.gz',
        customTimeZone: 'UTC',
        kmsKeyArn: props.bucketKeyArn,
        s3BackupMode: 'Disabled',
        cloudwatchLoggingOptions: { enabled: true, logGroupName: this.logGroup.name, logStreamName: logStream.name },
        processingConfiguration: props.appendNewline === false ? { enabled: false }
          : { enabled: true, processors: [{ type: 'AppendDelimiterToRecord' }] },
      },
      // Firehose checks the role when the stream is created.
      dependsOn: [rolePolicy],
    });

    if (props.alarms) {
      const m = this.metrics;
      this.alarms = createConsumerAlarms(this, [
        { suffix: 'raw-archive-delivery-failures', metric: m.deliverySuccess(), threshold: 1, comparison: 'LessThanThreshold',
          description: 'Firehose failed to put raw events into S3: check its role, the bucket policy and the KMS key.' },
        { suffix: 'raw-archive-data-freshness', metric: m.dataFreshness(),
          threshold: props.alarms.dataFreshnessThresholdSeconds ?? Math.max(3 * bufferingInterval, 300),
          firesOnFirstBreach: false,
          description: 'Raw events wait too long before reaching S3: delivery is failing or falling behind the stream.' },
      ], props.alarms);
    }
  }
}
