import { Construct } from 'constructs';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Consumers, ConsumersSettings, consumerPanels } from '../../../stacks/consumers';
import { IngestStream } from '../../../stacks/ingest-stream';
import { PipelineKey } from '../../../stacks/pipeline-key';
import { SecureBucket } from '../../../stacks/secure-bucket';
import { ARNS, env, ref, resourcesOf, single } from './consumer-stack';

const ALL_ON: ConsumersSettings = {
  logRetentionDays: 731,
  streamProcessor: { enabled: true, batchSize: 250, maximumBatchingWindowSeconds: 10, reservedConcurrency: 4 },
  alerts: { enabled: true, batchSize: 200, maximumRetryAttempts: 2, maximumRecordAgeSeconds: 900, parallelizationFactor: 1,
    reservedConcurrency: 8, startingPosition: 'LATEST' },
  rawArchive: { enabled: true, bufferingSizeMb: 32, bufferingIntervalSeconds: 120 },
  quickSight: { enabled: true, refreshInterval: 'DAILY' },
  analyticsCatalog: { enabled: true, bytesScannedCutoffPerQuery: 1073741824, projectionStartDate: '2026-01-01' },
};
const ALL_OFF: ConsumersSettings = {
  ...ALL_ON,
  streamProcessor: { enabled: false },
  quickSight: { enabled: false },
  alerts: { ...ALL_ON.alerts, enabled: false },
  rawArchive: { ...ALL_ON.rawArchive, enabled: false },
  analyticsCatalog: { ...ALL_ON.analyticsCatalog, enabled: false },
};

function build(scope: Construct, settings: ConsumersSettings, withAlertsStream = true) {
  const key = new PipelineKey(scope, 'key', { env, alias: 'kpufit-test', description: 'test' });
  const input = new IngestStream(scope, 'input', { streamName: 'kpufit-test-input', encryptionKey: key, shardCount: 1 });
  const alerts = withAlertsStream
    ? new IngestStream(scope, 'alerts', { streamName: 'kpufit-test-alerts', encryptionKey: key, mode: 'ON_DEMAND' }) : undefined;
  const results = new SecureBucket(scope, 'results', { bucketName: ARNS.bucketName, env, encryptionKey: key });
  return new Consumers(scope, 'consumers', {
    env, namePrefix: 'kpufit-test', settings, encryptionKey: key, inputStream: input, alertsStream: alerts,
    resultsBucket: results, workload: 'taxi', topicArn: ARNS.topic, evaluationPeriods: 3, iteratorAgeThresholdMs: 30000,
  });
}

function synthConsumers(settings: ConsumersSettings) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'consumers');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  build(stack, settings);
  return JSON.parse(Testing.synth(stack));
}

/** The one resource of `type` that belongs to consumer `name` (`alerts`, `processor`). */
const of = (tf: Record<string, any>, type: string, name: string) => {
  const found = Object.entries(resourcesOf(tf, type)).filter(([id]) => id.startsWith(`consumers_${name}_`)).map(([, r]) => r);
  if (found.length !== 1) throw new Error(`expected one ${type} of ${name}, found ${found.length}`);
  return found[0];
};

describe('Consumers: wired into a pipeline', () => {
  const tf = synthConsumers(ALL_ON);

  it('processes the input stream into the results bucket', () => {
    expect(of(tf, 'aws_lambda_event_source_mapping', 'processor').event_source_arn).toMatch(/^\$\{aws_kinesis_stream\.input_stream_.*\.arn\}$/);
    expect(of(tf, 'aws_lambda_function', 'processor').environment.variables).toMatchObject({
      PROCESSED_BUCKET: expect.stringMatching(/^\$\{aws_s3_bucket\.results_bucket_.*\.bucket\}$/), PROCESSED_PREFIX: 'processed-data/', WORKLOAD: 'taxi',
    });
  });

  it('reads alerts from the alerts stream and archives the input stream into the results bucket', () => {
    expect(of(tf, 'aws_lambda_event_source_mapping', 'alerts').event_source_arn).toMatch(/^\$\{aws_kinesis_stream\.alerts_stream_.*\.arn\}$/);
    const firehose = single(tf, 'aws_kinesis_firehose_delivery_stream');
    expect(firehose.kinesis_source_configuration.kinesis_stream_arn).toMatch(/^\$\{aws_kinesis_stream\.input_stream_.*\.arn\}$/);
    expect(firehose.extended_s3_configuration).toMatchObject({
      bucket_arn: expect.stringMatching(/^\$\{aws_s3_bucket\.results_bucket_.*\.arn\}$/),
      prefix: 'raw-data/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/', buffering_size: 32, buffering_interval: 120,
    });
  });

  it('passes the config settings through', () => {
    expect(of(tf, 'aws_lambda_event_source_mapping', 'alerts')).toMatchObject({ batch_size: 200, maximum_retry_attempts: 2, maximum_record_age_in_seconds: 900 });
    expect(of(tf, 'aws_lambda_function', 'alerts').reserved_concurrent_executions).toBe(8);
    expect(of(tf, 'aws_lambda_event_source_mapping', 'processor')).toMatchObject({
      batch_size: 250, maximum_batching_window_in_seconds: 10, starting_position: 'LATEST', maximum_retry_attempts: 3,
    });
    expect(of(tf, 'aws_lambda_function', 'processor').reserved_concurrent_executions).toBe(4);
    expect(Object.values(resourcesOf(tf, 'aws_cloudwatch_log_group')).map((g) => g.retention_in_days)).toEqual([731, 731, 731]);
    expect(single(tf, 'aws_athena_workgroup').configuration.bytes_scanned_cutoff_per_query).toBe(1073741824);
  });

  it('encrypts everything with the pipeline key', () => {
    const keyArn = expect.stringMatching(/^\$\{aws_kms_key\.key_.*\.arn\}$/);
    for (const q of Object.values(resourcesOf(tf, 'aws_sqs_queue'))) expect(q.kms_master_key_id).toEqual(keyArn);
    for (const f of Object.values(resourcesOf(tf, 'aws_lambda_function'))) expect(f.kms_key_arn).toEqual(keyArn);
    for (const g of Object.values(resourcesOf(tf, 'aws_cloudwatch_log_group'))) expect(g.kms_key_id).toEqual(keyArn);
  });

  it("lets CloudWatch Logs use the key for exactly the three consumer log groups", () => {
    const policy = JSON.parse(single(tf, 'aws_kms_key').policy);
    const logs = policy.Statement.filter((s: { Sid: string }) => s.Sid.startsWith('CloudWatchLogsEncrypt'));
    expect(logs.map((s: any) => [s.Sid, s.Principal.Service, s.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']])).toEqual([
      ['CloudWatchLogsEncryptProcessorLambdaLogGroup', 'logs.eu-west-1.amazonaws.com',
        'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/kpufit-test-processor'],
      ['CloudWatchLogsEncryptAlertsLambdaLogGroup', 'logs.eu-west-1.amazonaws.com',
        'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/kpufit-test-alerts'],
      ['CloudWatchLogsEncryptRawArchiveLogGroup', 'logs.eu-west-1.amazonaws.com',
        'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/kinesisfirehose/kpufit-test-raw-archive'],
    ]);
  });

  it('names its alarms with the pipeline prefix (the topic and key admit alarms by it) and sends them to the topic', () => {
    const alarms: Record<string, any>[] = Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm'));
    expect(alarms).toHaveLength(13);
    for (const a of alarms) {
      expect(a.alarm_name.startsWith('kpufit-test-')).toBe(true);
      expect(a.alarm_actions).toEqual([ARNS.topic]);
      expect(a.evaluation_periods).toBe(3);
    }
    expect(alarms.find((a) => a.alarm_name === 'kpufit-test-alerts-iterator-age')?.threshold).toBe(30000);
  });

  it('puts QuickSight on the catalog\'s workgroup, one data set per workload table', () => {
    expect(single(tf, 'aws_quicksight_data_source').parameters).toEqual({ athena: { work_group: ref(tf, 'aws_athena_workgroup', 'name') } });
    expect(Object.values(resourcesOf(tf, 'aws_quicksight_data_set')).map((d) => d.physical_table_map[0].relational_table.schema))
      .toEqual(['kpufit_test_analytics', 'kpufit_test_analytics', 'kpufit_test_analytics']);
    expect(Object.values(resourcesOf(tf, 'aws_quicksight_refresh_schedule')).map((r) => r.schedule[0].schedule_frequency[0].interval))
      .toEqual(['DAILY', 'DAILY', 'DAILY']);
  });

  it('declares its outputs under fixed names', () => {
    expect(Object.keys(tf.output).sort()).toEqual(['alerts_dlq_url', 'alerts_function_name', 'athena_workgroup', 'glue_database',
      'processor_dlq_url', 'processor_function_name', 'quicksight_data_source_id', 'raw_archive_delivery_stream']);
    expect(tf.output.glue_database.value).toBe('kpufit_test_analytics');
  });
});

describe('Consumers: switched off', () => {
  const tf = synthConsumers(ALL_OFF);

  it('creates no consumer resource, and empty outputs', () => {
    for (const type of ['aws_lambda_function', 'aws_kinesis_firehose_delivery_stream', 'aws_glue_catalog_database',
      'aws_athena_workgroup', 'aws_cloudwatch_metric_alarm']) {
      expect(resourcesOf(tf, type)).toEqual({});
    }
    expect(Object.values(tf.output).map((o: any) => o.value)).toEqual(['', '', '', '', '', '', '', '']);
  });

  it('draws no consumer panels', () => {
    expect(consumerPanels('kpufit-test', ALL_OFF, 'taxi')).toEqual([]);
    expect(consumerPanels('kpufit-test', ALL_ON, 'taxi').map((p) => p.title)).toEqual([
      'Processor (taxi): records processed and refused', 'Processor (taxi): business metrics',
      'Processor Lambda: invocations, errors, throttles, unwritten objects, dead-lettered batches',
      'Processor Lambda: duration and iterator age',
      'Alerts: received, notified, malformed', 'Alerts Lambda: errors, throttles, dead-lettered batches',
      'Alerts Lambda: iterator age', 'Raw archive: records read and delivered',
      'Raw archive: delivery success and freshness', 'Raw archive: behind the input stream',
    ]);
  });
});

it('refuses alerts without an alerts stream', () => {
  expect(() => Testing.synthScope((scope) => { build(scope, ALL_ON, false); }))
    .toThrow('Consumers: alerts need the alerts stream (alertsStream.enabled)');
});
