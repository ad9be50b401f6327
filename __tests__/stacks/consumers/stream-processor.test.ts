import { StreamProcessor, StreamProcessorMetrics, StreamProcessorProps } from '../../../stacks/stream-processor';
import { ARNS, env, identityPolicy, policyDocuments, ref, resourcesOf, single, statement, synth } from './consumer-stack';

const base: StreamProcessorProps = {
  env, namePrefix: 'kpufit-test', inputStreamArn: ARNS.inputStream, streamKeyArn: ARNS.key, workload: 'taxi',
  bucketArn: ARNS.bucket, bucketName: ARNS.bucketName, bucketKeyArn: ARNS.otherKey, encryptionKeyArn: ARNS.key,
};
const alarmOptions = { topicArn: ARNS.topic, alarmNamePrefix: 'kpufit-test-', evaluationPeriods: 3 };

function synthProcessor(props: Partial<StreamProcessorProps> = {}) {
  let processor: StreamProcessor | undefined;
  const out = synth((scope) => { processor = new StreamProcessor(scope, 'processor', { ...base, ...props }); });
  return { ...out, processor: processor! };
}

describe('StreamProcessor: the Lambda', () => {
  const { tf, processor } = synthProcessor();
  const fn = single(tf, 'aws_lambda_function');

  it('runs the bundled processor handler on Node.js 22 (arm64), traced, its environment encrypted', () => {
    expect(fn).toMatchObject({
      function_name: 'kpufit-test-processor', runtime: 'nodejs22.x', handler: 'index.handler', architectures: ['arm64'],
      tracing_config: { mode: 'Active' }, kms_key_arn: ARNS.key, reserved_concurrent_executions: 5, memory_size: 256, timeout: 60,
    });
    expect(processor.bundleBytes).toBeGreaterThan(10_000);
  });

  it('tells the handler the bucket, prefix, key, workload and metrics namespace', () => {
    expect(fn.environment.variables).toEqual({
      PROCESSED_BUCKET: ARNS.bucketName, PROCESSED_PREFIX: 'processed-data/', PROCESSED_KMS_KEY_ARN: ARNS.otherKey,
      WORKLOAD: 'taxi', METRICS_NAMESPACE: 'kpufit/Processor',
    });
  });

  it('logs to its own KMS-encrypted log group kept 365 days', () => {
    expect(single(tf, 'aws_cloudwatch_log_group')).toEqual({ name: '/aws/lambda/kpufit-test-processor', retention_in_days: 365, kms_key_id: ARNS.key });
    expect(fn.logging_config).toEqual({ log_format: 'Text', log_group: ref(tf, 'aws_cloudwatch_log_group', 'name') });
  });
});

describe('StreamProcessor: the event source mapping', () => {
  const { tf } = synthProcessor({ batchSize: 500, maximumBatchingWindowSeconds: 10 });
  const mapping = single(tf, 'aws_lambda_event_source_mapping');

  it('reads the input stream from LATEST with the configured batch and window', () => {
    expect(mapping).toMatchObject({
      event_source_arn: ARNS.inputStream, function_name: ref(tf, 'aws_lambda_function', 'arn'), starting_position: 'LATEST',
      batch_size: 500, maximum_batching_window_in_seconds: 10,
    });
  });

  it('reports partial batch failures and bisects a failing batch', () => {
    expect(mapping.function_response_types).toEqual(['ReportBatchItemFailures']);
    expect(mapping.bisect_batch_on_function_error).toBe(true);
  });

  it('gives up after 3 retries or an hour, sending the batch to the encrypted on-failure queue', () => {
    expect(mapping).toMatchObject({ maximum_retry_attempts: 3, maximum_record_age_in_seconds: 3600,
      destination_config: { on_failure: { destination_arn: ref(tf, 'aws_sqs_queue', 'arn') } } });
    expect(single(tf, 'aws_sqs_queue')).toEqual({ name: 'kpufit-test-processor-dlq', kms_master_key_id: ARNS.key,
      kms_data_key_reuse_period_seconds: 300, message_retention_seconds: 1209600 });
  });

  it('refuses the queue any request without TLS', () => {
    const queue = policyDocuments(tf).find((p) => p.where.startsWith('aws_sqs_queue_policy'))!.doc;
    expect(queue.Statement).toEqual([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
  });
});

describe('StreamProcessor: least privilege', () => {
  const { tf } = synthProcessor();
  const policy = identityPolicy(tf);

  it('grants exactly these statements', () => {
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      'ReadInputStream', 'DecryptInputStream', 'WriteProcessedData', 'EncryptProcessedData', 'DeadLetterFailedBatches',
      'UseEncryptionKey', 'WriteOwnLogs', 'WriteTraces',
    ]);
  });

  it('reads only the input stream and decrypts with its key', () => {
    expect(statement(policy, 'ReadInputStream').Resource).toBe(ARNS.inputStream);
    expect(statement(policy, 'DecryptInputStream')).toEqual({ Sid: 'DecryptInputStream', Effect: 'Allow', Action: 'kms:Decrypt', Resource: ARNS.key });
  });

  it('puts objects under processed-data/ only, and nothing else in the bucket', () => {
    expect(statement(policy, 'WriteProcessedData')).toEqual({
      Sid: 'WriteProcessedData', Effect: 'Allow', Action: 's3:PutObject', Resource: `${ARNS.bucket}/processed-data/*`,
    });
  });

  it('asks the bucket key for data keys only through S3', () => {
    expect(statement(policy, 'EncryptProcessedData')).toEqual({
      Sid: 'EncryptProcessedData', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: ARNS.otherKey,
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
  });

  it('is assumable by this account\'s Lambda functions only', () => {
    const trust = policyDocuments(tf).find((p) => p.kind === 'trust')!.doc;
    expect(trust.Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } });
  });
});

describe('StreamProcessor: alarms', () => {
  const { tf } = synthProcessor({ alarms: { ...alarmOptions, iteratorAgeThresholdMs: 30000 } });
  const alarms = Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm'));
  const alarm = (name: string) => alarms.find((a) => a.alarm_name === name)!;

  it('raises these alarms', () => {
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual([
      'kpufit-test-processor-dlq-depth', 'kpufit-test-processor-iterator-age', 'kpufit-test-processor-lambda-errors',
      'kpufit-test-processor-lambda-throttles', 'kpufit-test-processor-no-records', 'kpufit-test-processor-write-failures',
    ]);
  });

  it('fires on the first Lambda error', () => {
    expect(alarm('kpufit-test-processor-lambda-errors')).toMatchObject({
      namespace: 'AWS/Lambda', metric_name: 'Errors', dimensions: { FunctionName: 'kpufit-test-processor' }, statistic: 'Sum',
      comparison_operator: 'GreaterThanThreshold', threshold: 0, datapoints_to_alarm: 1, treat_missing_data: 'notBreaching',
    });
  });

  it('fires when no record was processed for every evaluation period, counting silence as a breach', () => {
    expect(alarm('kpufit-test-processor-no-records')).toMatchObject({
      namespace: 'kpufit/Processor', metric_name: 'RecordsProcessed', dimensions: { FunctionName: 'kpufit-test-processor', Workload: 'taxi' },
      statistic: 'Sum', comparison_operator: 'LessThanThreshold', threshold: 1, evaluation_periods: 3, datapoints_to_alarm: 3,
      treat_missing_data: 'breaching', alarm_actions: [ARNS.topic], ok_actions: [ARNS.topic],
    });
  });

  it('fires on the first batch that could not be written', () => {
    expect(alarm('kpufit-test-processor-write-failures')).toMatchObject({ metric_name: 'BatchWriteFailures', threshold: 0, datapoints_to_alarm: 1 });
  });

  it('fires on iterator age over the threshold for every period', () => {
    expect(alarm('kpufit-test-processor-iterator-age')).toMatchObject({ metric_name: 'IteratorAge', statistic: 'Maximum', threshold: 30000, datapoints_to_alarm: 3 });
  });
});

describe('StreamProcessor: validation', () => {
  it.each([
    [{ batchSize: 0 }, 'StreamProcessor: batchSize must be an integer in 1..10000 (got 0)'],
    [{ maximumBatchingWindowSeconds: 301 }, 'StreamProcessor: maximumBatchingWindowSeconds must be an integer in 0..300 (got 301)'],
    [{ maximumRetryAttempts: -1 }, 'StreamProcessor: maximumRetryAttempts must be an integer in 0..10000 (got -1)'],
    [{ prefix: '/processed' }, 'StreamProcessor: prefix must be an S3 key prefix ending in "/" (got "/processed")'],
    [{ workload: 'weather' as never }, 'StreamProcessor: workload must be one of taxi, iot, clickstream (got "weather")'],
  ])('refuses %j', (props, message) => {
    expect(() => synthProcessor(props)).toThrow(message);
  });
});

describe('StreamProcessorMetrics', () => {
  it('draws processed/refused, business, Lambda health and latency panels for the workload', () => {
    const panels = StreamProcessorMetrics.forPrefix('kpufit-dev', 'iot').panels();
    expect(panels.map((p) => [p.title, p.metrics.map((m) => `${m.namespace}:${m.metricName}:${m.statistic}`)])).toEqual([
      ['Processor (iot): records processed and refused', [
        'kpufit/Processor:RecordsProcessed:Sum', 'kpufit/Processor:RecordsFailed:Sum', 'kpufit/Processor:RecordsFailedByReason:Sum',
        'kpufit/Processor:RecordsFailedByReason:Sum', 'kpufit/Processor:RecordsFailedByReason:Sum', 'kpufit/Processor:RecordsFailedByReason:Sum']],
      ['Processor (iot): business metrics', ['kpufit/Processor:AnomalousReadings:Sum']],
      ['Processor Lambda: invocations, errors, throttles, unwritten objects, dead-lettered batches', [
        'AWS/Lambda:Invocations:Sum', 'AWS/Lambda:Errors:Sum', 'AWS/Lambda:Throttles:Sum', 'kpufit/Processor:BatchWriteFailures:Sum',
        'AWS/SQS:ApproximateNumberOfMessagesVisible:Maximum']],
      ['Processor Lambda: duration and iterator age', ['AWS/Lambda:Duration:Maximum', 'AWS/Lambda:IteratorAge:Maximum']],
    ]);
  });
});
