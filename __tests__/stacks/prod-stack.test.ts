/**
 * The reviewed prod stack (config/prod.json), resource by resource: what the whole-stack snapshot used to
 * protect, stated as the properties that matter (encryption, public access, retention, least privilege,
 * alarm routing) so a diff names what changed and a harmless reordering does not fail.
 */
import { loadConfig } from '../../stacks/config';
import { PARALLELISM_FIELDS } from '../../stacks/flink-application';
import { FoundPolicy, asArray, bucketRef, policyDocuments, projectRoot, refOf, resourcesOf, single, synthPipeline } from './helpers';

type Json = Record<string, any>;
const { tf } = synthPipeline(loadConfig('prod', projectRoot) as unknown as Json, { environment: 'prod' });
const all = (type: string) => Object.values(resourcesOf(tf, type));
const keyArn = refOf(tf, 'aws_kms_key', () => true, 'arn');
const topicArn = refOf(tf, 'aws_sns_topic', () => true, 'arn');
const named = (type: string, attr: string, value: string) => {
  const found = all(type).filter((r) => r[attr] === value);
  if (found.length !== 1) throw new Error(`expected one ${type} with ${attr} ${value}, found ${found.length}`);
  return found[0];
};
const policiesOf = (type: string): FoundPolicy[] => policyDocuments(tf).filter((p) => p.where.startsWith(`${type}.`));
const deniesInsecureTransport = (p: FoundPolicy) => p.doc.Statement.some((s: Json) =>
  s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');

describe('prod stack', () => {
  it('has exactly this inventory of resources', () => {
    const counts = Object.fromEntries(Object.entries(tf.resource as Json).map(([type, rs]) => [type, Object.keys(rs).length]));
    expect(counts).toEqual({
      aws_athena_named_query: 7, aws_athena_workgroup: 1, aws_cloudwatch_dashboard: 1, aws_cloudwatch_log_group: 5,
      aws_cloudwatch_log_resource_policy: 1, aws_cloudwatch_log_stream: 2, aws_cloudwatch_metric_alarm: 28, aws_glue_catalog_database: 1, aws_glue_catalog_table: 3,
      aws_iam_role: 4, aws_iam_role_policy: 4, aws_kinesis_firehose_delivery_stream: 1, aws_kinesis_stream: 2,
      aws_kinesisanalyticsv2_application: 1, aws_kms_alias: 1, aws_kms_key: 1, aws_lambda_event_source_mapping: 2,
      aws_lambda_function: 2, aws_opensearch_domain: 1, aws_s3_bucket: 3, aws_s3_bucket_lifecycle_configuration: 3, aws_s3_bucket_logging: 2,
      aws_s3_bucket_notification: 3, aws_s3_bucket_ownership_controls: 3, aws_s3_bucket_policy: 3,
      aws_s3_bucket_public_access_block: 3, aws_s3_bucket_server_side_encryption_configuration: 3,
      aws_s3_bucket_versioning: 3, aws_s3_object: 7, aws_sns_topic: 1, aws_sns_topic_policy: 1,
      aws_sns_topic_subscription: 1, aws_sqs_queue: 2, aws_sqs_queue_policy: 2,
    });
  });

  it('tags every resource through the provider, with the config\'s tags', () => {
    expect(tf.provider.aws).toEqual([{
      region: 'eu-west-1',
      default_tags: [{ tags: { Project: 'kpufit', Environment: 'prod', ManagedBy: 'cdktf', CostCenter: 'kpufit-prod', DataClassification: 'internal' } }],
    }]);
  });

  describe('KMS', () => {
    it('rotates the one pipeline key yearly and keeps it 30 days after deletion', () => {
      expect(single(tf, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true, rotation_period_in_days: 365, deletion_window_in_days: 30 });
    });
    it('names it alias/kpufit-prod', () => {
      expect(single(tf, 'aws_kms_alias')).toEqual({ name: 'alias/kpufit-prod', target_key_id: refOf(tf, 'aws_kms_key', () => true, 'key_id') });
    });
  });

  describe('Kinesis', () => {
    it('encrypts both streams with the pipeline key', () => {
      for (const s of all('aws_kinesis_stream')) expect(s).toMatchObject({ encryption_type: 'KMS', kms_key_id: keyArn });
    });
    it('provisions the input stream with 8 shards and 7 days of retention', () => {
      expect(named('aws_kinesis_stream', 'name', 'kpufit-prod-input')).toMatchObject({
        shard_count: 8, retention_period: 168, stream_mode_details: { stream_mode: 'PROVISIONED' },
      });
    });
    it('runs the alerts stream on demand with 48 h of retention', () => {
      const alerts = named('aws_kinesis_stream', 'name', 'kpufit-prod-alerts');
      expect(alerts).toMatchObject({ retention_period: 48, stream_mode_details: { stream_mode: 'ON_DEMAND' } });
      expect(alerts.shard_count).toBeUndefined();
    });
  });

  describe('S3', () => {
    it('keeps three buckets, none force-destroyed', () => {
      expect(all('aws_s3_bucket').map((b) => [b.bucket, b.force_destroy])).toEqual(['artifacts', 'logs', 'results'].map((role) =>
        [`kpufit-prod-${role}-\${data.aws_caller_identity.current_account.account_id}-eu-west-1`, false]));
    });
    it('blocks every kind of public access on every bucket', () => {
      for (const b of all('aws_s3_bucket_public_access_block')) {
        expect(b).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      }
    });
    it('disables ACLs (BucketOwnerEnforced) on every bucket', () => {
      for (const b of all('aws_s3_bucket_ownership_controls')) expect(b.rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    });
    it('versions every bucket', () => {
      for (const b of all('aws_s3_bucket_versioning')) expect(b.versioning_configuration).toEqual({ status: 'Enabled' });
    });
    it('encrypts artifacts and results with the pipeline key (bucket keys on), access logs with SSE-S3 as S3 logging requires', () => {
      const sse = (role: 'artifacts' | 'results' | 'logs') =>
        all('aws_s3_bucket_server_side_encryption_configuration').find((e) => e.bucket === bucketRef(tf, role))!.rule;
      for (const role of ['artifacts', 'results'] as const) {
        expect(sse(role)).toEqual([{ apply_server_side_encryption_by_default: { kms_master_key_id: keyArn, sse_algorithm: 'aws:kms' }, bucket_key_enabled: true }]);
      }
      expect(sse('logs')).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    });
    it('logs access to artifacts and results into the logs bucket', () => {
      expect(all('aws_s3_bucket_logging').map((l) => [l.bucket, l.target_bucket, l.target_prefix])).toEqual([
        [bucketRef(tf, 'artifacts'), bucketRef(tf, 'logs'), 'access-logs/artifacts/'],
        [bucketRef(tf, 'results'), bucketRef(tf, 'logs'), 'access-logs/results/'],
      ]);
    });
    it('sends every bucket\'s events to EventBridge', () => {
      for (const n of all('aws_s3_bucket_notification')) expect(n.eventbridge).toBe(true);
    });
    it('refuses requests without TLS on every bucket', () => {
      const policies = policiesOf('aws_s3_bucket_policy');
      expect(policies).toHaveLength(3);
      for (const p of policies) expect(deniesInsecureTransport(p)).toBe(true);
    });
    it('writes every object it uploads (jar, QuickSight manifests) KMS-encrypted', () => {
      for (const o of all('aws_s3_object')) expect(o).toMatchObject({ server_side_encryption: 'aws:kms', kms_key_id: keyArn });
    });
  });

  describe('Managed Flink', () => {
    const app = single(tf, 'aws_kinesisanalyticsv2_application');
    const flink = app.application_configuration.flink_application_configuration;
    it('runs parallelism 8 at 4 per KPU without service autoscaling', () => {
      expect(flink.parallelism_configuration).toEqual({ configuration_type: 'CUSTOM', parallelism: 8, parallelism_per_kpu: 4, auto_scaling_enabled: false });
    });
    it('leaves parallelism to kpufit calibrate (ignore_changes)', () => {
      expect(app.lifecycle).toEqual({ ignore_changes: PARALLELISM_FIELDS });
    });
    it('checkpoints every minute and snapshots', () => {
      expect(flink.checkpoint_configuration).toMatchObject({ checkpointing_enabled: true, checkpoint_interval: 60000 });
      expect(app.application_configuration.application_snapshot_configuration).toEqual({ snapshots_enabled: true });
    });
  });

  describe('logs', () => {
    it('encrypts every log group with the pipeline key', () => {
      for (const g of all('aws_cloudwatch_log_group')) expect(g.kms_key_id).toBe(keyArn);
    });
    it('keeps the job\'s and the search domain\'s logs 731 days and the consumers\' 365', () => {
      expect(all('aws_cloudwatch_log_group').map((g) => [g.name, g.retention_in_days])).toEqual([
        ['/aws/lambda/kpufit-prod-alerts', 365],
        ['/aws/lambda/kpufit-prod-processor', 365],
        ['/aws/kinesisfirehose/kpufit-prod-raw-archive', 365],
        ['/aws/kinesis-analytics/kpufit-prod-analytics', 731],
        ['/aws/opensearch/kpufit-prod-os', 731],
      ]);
    });
  });

  describe('alarms', () => {
    it('raises exactly these alarms', () => {
      expect(all('aws_cloudwatch_metric_alarm').map((a) => a.alarm_name).sort()).toEqual([
        'kpufit-prod-alerts-dlq-depth', 'kpufit-prod-alerts-iterator-age', 'kpufit-prod-alerts-lambda-errors',
        'kpufit-prod-alerts-lambda-throttles', 'kpufit-prod-alerts-notifications-failed', 'kpufit-prod-downtime',
        'kpufit-prod-failed-checkpoints', 'kpufit-prod-full-restarts', 'kpufit-prod-heap-memory', 'kpufit-prod-incoming-records-low',
        'kpufit-prod-iterator-age', 'kpufit-prod-kpus-above-max', 'kpufit-prod-malformed-ratio', 'kpufit-prod-millis-behind-latest', 'kpufit-prod-opensearch-5xx',
        'kpufit-prod-opensearch-cluster-red', 'kpufit-prod-opensearch-cluster-yellow', 'kpufit-prod-opensearch-free-storage',
        'kpufit-prod-opensearch-jvm-pressure', 'kpufit-prod-processor-dlq-depth',
        'kpufit-prod-processor-iterator-age', 'kpufit-prod-processor-lambda-errors', 'kpufit-prod-processor-lambda-throttles',
        'kpufit-prod-processor-no-records', 'kpufit-prod-processor-write-failures', 'kpufit-prod-raw-archive-data-freshness',
        'kpufit-prod-raw-archive-delivery-failures', 'kpufit-prod-write-throttles',
      ]);
    });
    it('notifies the topic on ALARM and on OK, for every alarm', () => {
      for (const a of all('aws_cloudwatch_metric_alarm')) {
        expect([a.alarm_name, a.alarm_actions, a.ok_actions]).toEqual([a.alarm_name, [topicArn], [topicArn]]);
      }
    });
    it('sends the topic, KMS-encrypted, to the on-call address', () => {
      expect(single(tf, 'aws_sns_topic')).toEqual({ name: 'kpufit-prod-alarms', kms_master_key_id: keyArn });
      expect(single(tf, 'aws_sns_topic_subscription')).toEqual({ protocol: 'email', endpoint: 'kpufit-oncall@example.com', topic_arn: topicArn });
    });
  });

  describe.each([
    ['alerts', 5, 'kpufit-prod-alerts', { batch_size: 100, maximum_batching_window_in_seconds: 5 }],
    ['processor', 8, 'kpufit-prod-input', { batch_size: 500, maximum_batching_window_in_seconds: 10 }],
  ] as const)('%s consumer', (name, concurrency, stream, batching) => {
    const dlqArn = refOf(tf, 'aws_sqs_queue', (q) => q.name === `kpufit-prod-${name}-dlq`, 'arn');
    const fnRef = refOf(tf, 'aws_lambda_function', (f) => f.function_name === `kpufit-prod-${name}`, 'arn');
    it('dead-letters to a KMS-encrypted queue kept 14 days', () => {
      expect(named('aws_sqs_queue', 'name', `kpufit-prod-${name}-dlq`)).toEqual({
        name: `kpufit-prod-${name}-dlq`, kms_master_key_id: keyArn, kms_data_key_reuse_period_seconds: 300, message_retention_seconds: 1209600,
      });
    });
    it(`runs the function traced, capped at ${concurrency} concurrent, its environment encrypted`, () => {
      expect(named('aws_lambda_function', 'function_name', `kpufit-prod-${name}`)).toMatchObject({
        runtime: 'nodejs22.x', architectures: ['arm64'], kms_key_arn: keyArn,
        tracing_config: { mode: 'Active' }, reserved_concurrent_executions: concurrency, dead_letter_config: { target_arn: dlqArn },
      });
    });
    it(`reads ${stream} from LATEST with partial batch failures, bisecting, bounded retries and age`, () => {
      expect(named('aws_lambda_event_source_mapping', 'function_name', fnRef)).toMatchObject({
        event_source_arn: refOf(tf, 'aws_kinesis_stream', (s) => s.name === stream, 'arn'),
        starting_position: 'LATEST', ...batching, function_response_types: ['ReportBatchItemFailures'],
        bisect_batch_on_function_error: true, maximum_retry_attempts: 3, maximum_record_age_in_seconds: 3600,
        destination_config: { on_failure: { destination_arn: dlqArn } },
      });
    });
  });

  it('refuses requests without TLS on every queue', () => {
    const policies = policiesOf('aws_sqs_queue_policy');
    expect(policies).toHaveLength(2);
    for (const p of policies) expect(deniesInsecureTransport(p)).toBe(true);
  });

  describe('raw archive', () => {
    const firehose = single(tf, 'aws_kinesis_firehose_delivery_stream');
    it('reads the input stream and writes gzip JSON lines KMS-encrypted under raw-data/, partitioned by hour', () => {
      expect(firehose.kinesis_source_configuration.kinesis_stream_arn).toBe(refOf(tf, 'aws_kinesis_stream', (s) => s.name === 'kpufit-prod-input', 'arn'));
      expect(firehose.extended_s3_configuration).toMatchObject({
        bucket_arn: bucketRef(tf, 'results', 'arn'), kms_key_arn: keyArn, compression_format: 'GZIP',
        prefix: 'raw-data/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/',
        cloudwatch_logging_options: { enabled: true },
      });
    });
  });

  describe('analytics', () => {
    it('enforces the workgroup\'s SSE-KMS result encryption and a 10 GiB scan cutoff', () => {
      expect(single(tf, 'aws_athena_workgroup').configuration).toMatchObject({
        enforce_workgroup_configuration: true, bytes_scanned_cutoff_per_query: 10737418240,
        result_configuration: { encryption_configuration: { encryption_option: 'SSE_KMS', kms_key_arn: keyArn } },
      });
    });
    it('catalogues one table per workload', () => {
      expect(all('aws_glue_catalog_table').map((t) => t.name).sort()).toEqual(['clickstream', 'iot', 'taxi']);
    });
  });

  describe('IAM', () => {
    it('lets each role be assumed only on behalf of this account', () => {
      const trust = policiesOf('aws_iam_role');
      expect(trust).toHaveLength(4);
      for (const p of trust) {
        for (const s of p.doc.Statement) {
          const condition = JSON.stringify(s.Condition);
          expect(condition).toContain('${data.aws_caller_identity.current_account.account_id}');
          expect(asArray(s.Action)).toEqual(['sts:AssumeRole']);
        }
      }
    });
  });

  it('declares exactly these outputs', () => {
    expect(Object.keys(tf.output).sort()).toEqual([
      'alerts_dlq_url', 'alerts_function_name', 'alerts_stream_arn', 'alerts_stream_name', 'alerts_topic_arn', 'application_arn',
      'application_name', 'artifacts_bucket', 'athena_workgroup', 'dashboard_url', 'glue_database', 'max_kpus',
      'opensearch_dashboards_url', 'opensearch_endpoint', 'opensearch_index_prefix',
      'processor_dlq_url', 'processor_function_name', 'quicksight_data_source_id', 'raw_archive_delivery_stream', 'region', 'results_bucket', 'stream_arn',
      'stream_name',
    ]);
  });
});
