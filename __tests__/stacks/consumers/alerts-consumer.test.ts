import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { AlertsConsumer, AlertsConsumerMetrics, AlertsConsumerProps } from '../../../stacks/alerts-consumer';
import { ARNS, env, identityPolicy, policyDocuments, ref, resourcesOf, single, statement, synth } from './consumer-stack';

const base: AlertsConsumerProps = {
  env, namePrefix: 'kpufit-test', alertsStreamArn: ARNS.alertsStream, streamKeyArn: ARNS.key, topicArn: ARNS.topic,
  topicKeyArn: ARNS.key, encryptionKeyArn: ARNS.key,
};

function synthConsumer(props: Partial<AlertsConsumerProps> = {}) {
  let consumer: AlertsConsumer | undefined;
  const out = synth((scope) => { consumer = new AlertsConsumer(scope, 'alerts', { ...base, ...props }); });
  return { ...out, consumer: consumer! };
}

describe('AlertsConsumer: the Lambda', () => {
  const { text, tf, consumer } = synthConsumer();

  it('runs the esbuild bundle of the TypeScript handler on Node.js 22 (arm64)', () => {
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'kpufit-test-alerts', runtime: 'nodejs22.x', handler: 'index.handler', architectures: ['arm64'],
    });
    const fn = single(tf, 'aws_lambda_function');
    expect(fn.filename).toMatch(/archive\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
    expect(consumer.bundleBytes).toBeGreaterThan(10_000);
  });

  it('has reserved concurrency, X-Ray active tracing, memory and timeout', () => {
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      reserved_concurrent_executions: 5, tracing_config: { mode: 'Active' }, memory_size: 256, timeout: 60,
    });
  });

  it('encrypts its environment with the key and passes the topic and metrics namespace', () => {
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      kms_key_arn: ARNS.key,
      environment: { variables: { ALERTS_TOPIC_ARN: ARNS.topic, METRICS_NAMESPACE: 'kpufit/Alerts' } },
    });
  });

  it('logs to its own KMS-encrypted log group with a retention', () => {
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/lambda/kpufit-test-alerts', retention_in_days: 365, kms_key_id: ARNS.key,
    });
    expect(single(tf, 'aws_lambda_function').logging_config).toEqual({
      log_format: 'Text', log_group: ref(tf, 'aws_cloudwatch_log_group', 'name'),
    });
  });

  it('is created after its log group and permissions exist', () => {
    expect(single(tf, 'aws_lambda_function').depends_on).toEqual(expect.arrayContaining([
      expect.stringMatching(/^aws_cloudwatch_log_group\./), expect.stringMatching(/^aws_iam_role_policy\./),
    ]));
  });

  it("runs as its own role, assumable by Lambda for this account's functions only", () => {
    expect(single(tf, 'aws_lambda_function').role).toBe(ref(tf, 'aws_iam_role', 'arn'));
    expect(text).toHaveResourceWithProperties(IamRole, { name: 'kpufit-test-alerts-lambda' });
    const trust = policyDocuments(tf).find((p) => p.kind === 'trust')!.doc;
    expect(trust.Statement).toEqual([{ Sid: 'LambdaAssumesRole', Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } }]);
  });
});

describe('AlertsConsumer: the event source mapping on the alerts stream', () => {
  const { text, tf } = synthConsumer();

  it('reads the alerts stream in batches with a 5 s batching window, from LATEST', () => {
    expect(text).toHaveResourceWithProperties(LambdaEventSourceMapping, {
      event_source_arn: ARNS.alertsStream, starting_position: 'LATEST', batch_size: 100,
      maximum_batching_window_in_seconds: 5, parallelization_factor: 1,
    });
    expect(single(tf, 'aws_lambda_event_source_mapping').function_name).toBe(ref(tf, 'aws_lambda_function', 'arn'));
  });

  it('reports partial batch failures and bisects failing batches', () => {
    expect(text).toHaveResourceWithProperties(LambdaEventSourceMapping, {
      function_response_types: ['ReportBatchItemFailures'], bisect_batch_on_function_error: true,
    });
  });

  it('bounds retries and record age so a poison batch cannot block the shard', () => {
    expect(text).toHaveResourceWithProperties(LambdaEventSourceMapping, {
      maximum_retry_attempts: 3, maximum_record_age_in_seconds: 3600,
    });
  });

  it('sends batches it gives up on to the dead-letter queue', () => {
    expect(single(tf, 'aws_lambda_event_source_mapping').destination_config).toEqual({
      on_failure: { destination_arn: ref(tf, 'aws_sqs_queue', 'arn') },
    });
  });

  it('is created only after the role may read the stream and reach the queue', () => {
    expect(single(tf, 'aws_lambda_event_source_mapping').depends_on).toEqual([
      expect.stringMatching(/^aws_iam_role_policy\./),
    ]);
  });
});

describe('AlertsConsumer: the dead-letter queue', () => {
  const { text, tf } = synthConsumer();

  it('is KMS-encrypted with the customer-managed key and keeps messages 14 days', () => {
    expect(text).toHaveResourceWithProperties(SqsQueue, {
      name: 'kpufit-test-alerts-dlq', kms_master_key_id: ARNS.key, kms_data_key_reuse_period_seconds: 300,
      message_retention_seconds: 1209600,
    });
  });

  it('denies any access that is not over TLS', () => {
    const [policy] = policyDocuments(tf).filter((p) => p.kind === 'resource');
    expect(statement(policy.doc, 'DenyInsecureTransport')).toEqual({
      Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sqs:*',
      Resource: [ref(tf, 'aws_sqs_queue', 'arn')], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('is also the function dead-letter target for asynchronous invocations', () => {
    expect(single(tf, 'aws_lambda_function').dead_letter_config).toEqual({ target_arn: ref(tf, 'aws_sqs_queue', 'arn') });
  });
});

describe('AlertsConsumer: least-privilege permissions', () => {
  const { tf } = synthConsumer();
  const doc = identityPolicy(tf);

  it('reads exactly the alerts stream', () => {
    expect(statement(doc, 'ReadAlertsStream')).toMatchObject({
      Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords',
        'kinesis:GetShardIterator', 'kinesis:ListShards'],
      Resource: ARNS.alertsStream,
    });
    expect(statement(doc, 'DecryptAlertsStream')).toMatchObject({ Action: 'kms:Decrypt', Resource: ARNS.key });
  });

  it('publishes to the one topic, with the topic key', () => {
    expect(statement(doc, 'PublishNotifications')).toMatchObject({ Action: 'sns:Publish', Resource: ARNS.topic });
    expect(statement(doc, 'EncryptForTopic')).toMatchObject({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: ARNS.key });
  });

  it('sends only to its own dead-letter queue', () => {
    expect(statement(doc, 'DeadLetterFailedBatches')).toMatchObject({ Action: 'sqs:SendMessage', Resource: ref(tf, 'aws_sqs_queue', 'arn') });
  });

  it('writes only into its own log group', () => {
    expect(statement(doc, 'WriteOwnLogs')).toMatchObject({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/kpufit-test-alerts:log-stream:*',
    });
  });

  it('omits the topic-key grant for an unencrypted topic', () => {
    const plain = identityPolicy(synthConsumer({ topicKeyArn: undefined }).tf);
    expect(plain.Statement.map((s) => s.Sid)).not.toContain('EncryptForTopic');
  });
});

describe('AlertsConsumer: settings', () => {
  it('takes every tuning knob from props', () => {
    const { text } = synthConsumer({
      batchSize: 500, maximumBatchingWindowSeconds: 10, maximumRetryAttempts: 5, maximumRecordAgeSeconds: 600,
      bisectBatchOnFunctionError: false, parallelizationFactor: 2, startingPosition: 'TRIM_HORIZON',
      reservedConcurrency: 20, memorySizeMb: 512, timeoutSeconds: 120, logRetentionDays: 30, dlqRetentionSeconds: 86400,
      architecture: 'x86_64', metricsNamespace: 'kpufit/prod/Alerts',
    });
    expect(text).toHaveResourceWithProperties(LambdaEventSourceMapping, {
      batch_size: 500, maximum_batching_window_in_seconds: 10, maximum_retry_attempts: 5, maximum_record_age_in_seconds: 600,
      bisect_batch_on_function_error: false, parallelization_factor: 2, starting_position: 'TRIM_HORIZON',
    });
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      reserved_concurrent_executions: 20, memory_size: 512, timeout: 120, architectures: ['x86_64'],
      environment: { variables: { ALERTS_TOPIC_ARN: ARNS.topic, METRICS_NAMESPACE: 'kpufit/prod/Alerts' } },
    });
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 30 });
    expect(text).toHaveResourceWithProperties(SqsQueue, { message_retention_seconds: 86400 });
  });

  it.each([
    [{ maximumRetryAttempts: -1 }, 'maximumRetryAttempts must be an integer in 0..10000 (got -1)'],
    [{ batchSize: 0 }, 'batchSize must be an integer in 1..10000 (got 0)'],
    [{ maximumBatchingWindowSeconds: 301 }, 'maximumBatchingWindowSeconds must be an integer in 0..300 (got 301)'],
    [{ maximumRecordAgeSeconds: -1 }, 'maximumRecordAgeSeconds must be an integer in 60..604800 (got -1)'],
    [{ parallelizationFactor: 11 }, 'parallelizationFactor must be an integer in 1..10 (got 11)'],
    [{ reservedConcurrency: 0 }, 'reservedConcurrency must be an integer in 1..10000 (got 0)'],
  ])('rejects %j', (props, message) => {
    expect(() => synthConsumer(props)).toThrow(`AlertsConsumer: ${message}`);
  });

  it('packages the same archive on every synth, so an unchanged handler is not redeployed', () => {
    const archives = [0, 1].map(() => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-consumer-synth-'));
      try {
        const app = Testing.app({ outdir });
        const stack = new TerraformStack(app, 'consumer');
        new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
        new AlertsConsumer(stack, 'alerts', base);
        app.synth();
        const fn = single(JSON.parse(fs.readFileSync(path.join(outdir, 'stacks/consumer/cdk.tf.json'), 'utf8')), 'aws_lambda_function');
        return fs.readFileSync(path.join(outdir, 'stacks/consumer', fn.filename));
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });
    expect(archives[0].length).toBeGreaterThan(10_000);
    expect(archives[0].equals(archives[1])).toBe(true);
  });
});

describe('AlertsConsumer: alarms and metrics', () => {
  it('creates no alarms unless asked', () => {
    expect(Object.keys(resourcesOf(synthConsumer().tf, 'aws_cloudwatch_metric_alarm'))).toEqual([]);
  });

  const { text, tf } = synthConsumer({ alarms: { topicArn: ARNS.topic, alarmNamePrefix: 'kpufit-test-' } });
  const alarm = (name: string) => Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')).find((a) => a.alarm_name === name);

  it('alarms on Lambda errors, throttles, iterator age, DLQ depth and failed notifications, to the topic', () => {
    expect(Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name).sort()).toEqual([
      'kpufit-test-alerts-dlq-depth', 'kpufit-test-alerts-iterator-age', 'kpufit-test-alerts-lambda-errors',
      'kpufit-test-alerts-lambda-throttles', 'kpufit-test-alerts-notifications-failed',
    ]);
    expect(text).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: 'kpufit-test-alerts-lambda-errors', namespace: 'AWS/Lambda', metric_name: 'Errors',
      dimensions: { FunctionName: 'kpufit-test-alerts' }, statistic: 'Sum', comparison_operator: 'GreaterThanThreshold',
      threshold: 0, datapoints_to_alarm: 1, treat_missing_data: 'notBreaching',
      alarm_actions: [ARNS.topic], ok_actions: [ARNS.topic],
    });
  });

  it('watches the DLQ depth and the iterator age with their own statistics', () => {
    expect(alarm('kpufit-test-alerts-dlq-depth')).toMatchObject({
      namespace: 'AWS/SQS', metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: 'kpufit-test-alerts-dlq' }, statistic: 'Maximum', threshold: 0,
    });
    expect(alarm('kpufit-test-alerts-iterator-age')).toMatchObject({
      namespace: 'AWS/Lambda', metric_name: 'IteratorAge', statistic: 'Maximum', threshold: 60000,
      evaluation_periods: 5, datapoints_to_alarm: 5,
    });
    expect(alarm('kpufit-test-alerts-notifications-failed')).toMatchObject({
      namespace: 'kpufit/Alerts', metric_name: 'NotificationsFailed', dimensions: { FunctionName: 'kpufit-test-alerts' },
    });
  });

  it('derives its dashboard panels from the name prefix alone', () => {
    const panels = AlertsConsumerMetrics.forPrefix('kpufit-test').panels();
    expect(panels.map((p) => p.title)).toEqual([
      'Alerts: received, notified, malformed', 'Alerts Lambda: errors, throttles, dead-lettered batches',
      'Alerts Lambda: iterator age',
    ]);
    expect(panels.flatMap((p) => p.metrics.map((m) => `${m.namespace} ${m.metricName} ${m.statistic}`))).toEqual([
      'kpufit/Alerts AlertsReceived Sum', 'kpufit/Alerts NotificationsPublished Sum', 'kpufit/Alerts NotificationsFailed Sum',
      'kpufit/Alerts MalformedRecords Sum', 'AWS/Lambda Errors Sum', 'AWS/Lambda Throttles Sum',
      'AWS/SQS ApproximateNumberOfMessagesVisible Maximum', 'AWS/Lambda IteratorAge Maximum',
    ]);
  });
});
