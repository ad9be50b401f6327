/**
 * The Autoscaler construct: a scheduled, least-privilege Lambda with its encrypted state table, decision
 * notices, alarms on its own errors and a dashboard panel; and its wiring through config `autoscaler`.
 */
import { AUTOSCALER_METRICS_NAMESPACE as HANDLER_NAMESPACE } from '../../calibration/autoscaler/lambda/handler';
import { Autoscaler, AUTOSCALER_METRICS_NAMESPACE, AutoscalerMetrics } from '../../stacks/autoscaler';
import { loadConfig, parseConfig } from '../../stacks/config';
import { projectRoot, synthPipeline } from './helpers';
import { ARNS, env, identityPolicy, resourcesOf, single, synth } from './consumers/consumer-stack';

const APP_ARN = 'arn:aws:kinesisanalytics:eu-west-1:123456789012:application/kpufit-test-analytics';

function build(extra: Partial<ConstructorParameters<typeof Autoscaler>[2]> = {}) {
  return synth((scope) => {
    new Autoscaler(scope, 'autoscaler', {
      env, namePrefix: 'kpufit-test', applicationName: 'kpufit-test-analytics', applicationArn: APP_ARN, streamName: 'kpufit-test-input',
      topicArn: ARNS.topic, encryptionKeyArn: ARNS.key, alarms: { topicArn: ARNS.topic, alarmNamePrefix: 'kpufit-test-' }, ...extra,
    });
  });
}

describe('Autoscaler', () => {
  const { tf } = build({ policy: { maxKpus: 16, maxCostPerHourUsd: 2 }, modelJson: '{ "schemaVersion": 1 }' });

  it('keeps its state in a KMS-encrypted, point-in-time-recoverable table keyed by application', () => {
    expect(single(tf, 'aws_dynamodb_table')).toMatchObject({
      name: 'kpufit-test-autoscaler', billing_mode: 'PAY_PER_REQUEST', hash_key: 'pk', attribute: [{ name: 'pk', type: 'S' }],
      server_side_encryption: { enabled: true, kms_key_arn: ARNS.key }, point_in_time_recovery: { enabled: true }, deletion_protection_enabled: true,
    });
  });

  it('runs the bundled handler every minute, one run at a time, configured through its environment', () => {
    const fn = single(tf, 'aws_lambda_function');
    expect(fn).toMatchObject({
      function_name: 'kpufit-test-autoscaler', runtime: 'nodejs22.x', handler: 'index.handler', timeout: 50,
      reserved_concurrent_executions: 1, kms_key_arn: ARNS.key, tracing_config: { mode: 'Active' },
    });
    expect(fn.environment.variables).toEqual({
      APPLICATION_NAME: 'kpufit-test-analytics', STREAM_NAME: 'kpufit-test-input', STATE_TABLE_NAME: 'kpufit-test-autoscaler',
      TOPIC_ARN: ARNS.topic, SLO_MAX_LAG_MS: '60000', METRICS_DELAY_SECONDS: '120',
      AUTOSCALER_OPTIONS: '{"maxKpus":16,"maxCostPerHourUsd":2}', AUTOSCALER_MODEL: '{"schemaVersion":1}',
    });
    expect(single(tf, 'aws_cloudwatch_event_rule')).toMatchObject({ name: 'kpufit-test-autoscaler-schedule', schedule_expression: 'rate(1 minute)' });
    expect(single(tf, 'aws_cloudwatch_event_target').retry_policy).toEqual({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 60 });
    expect(single(tf, 'aws_lambda_permission')).toMatchObject({ action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com' });
  });

  it('may update and describe this application only, read metrics, use its table, topic and key', () => {
    const statements = identityPolicy(tf).Statement.map((s: Record<string, unknown>) => [s.Sid, s.Action, s.Resource]);
    expect(statements).toEqual([
      ['ScaleThisApplication', ['kinesisanalytics:DescribeApplication', 'kinesisanalytics:UpdateApplication'], APP_ARN],
      ['ReadMetrics', 'cloudwatch:GetMetricData', '*'],
      ['KeepState', ['dynamodb:GetItem', 'dynamodb:PutItem'], expect.stringMatching(/^\$\{aws_dynamodb_table\.autoscaler_state_[A-F0-9]+\.arn\}$/)],
      ['PublishDecisions', 'sns:Publish', ARNS.topic],
      ['DeadLetterFailedRuns', 'sqs:SendMessage', expect.stringMatching(/^\$\{aws_sqs_queue\./)],
      ['UseEncryptionKey', ['kms:GenerateDataKey', 'kms:Decrypt'], ARNS.key],
      ['WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/kpufit-test-autoscaler:log-stream:*'],
      ['WriteTraces', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'],
    ]);
  });

  it('alarms on its own errors and throttles, on the pipeline topic', () => {
    const alarms = Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')).map((a) => [a.alarm_name, a.metric_name, a.threshold, a.alarm_actions]);
    expect(alarms).toEqual([
      ['kpufit-test-autoscaler-errors', 'Errors', 0, [ARNS.topic]],
      ['kpufit-test-autoscaler-throttles', 'Throttles', 0, [ARNS.topic]],
    ]);
  });

  it('draws one dashboard panel of its decisions, from the metrics the handler emits', () => {
    expect(AUTOSCALER_METRICS_NAMESPACE).toBe(HANDLER_NAMESPACE);
    const [panel] = AutoscalerMetrics.forPrefix('kpufit-test', 'kpufit-test-analytics').panels();
    expect(panel.metrics.map((m) => [m.namespace, m.metricName])).toEqual([
      ['kpufit/Autoscaler', 'ScaleUp'], ['kpufit/Autoscaler', 'ScaleDown'], ['kpufit/Autoscaler', 'Conflict'], ['kpufit/Autoscaler', 'TargetKpus'], ['AWS/Lambda', 'Errors'],
    ]);
  });

  it('refuses bad props before creating anything, naming the prop', () => {
    expect(() => build({ timeoutSeconds: 60 })).toThrow('Autoscaler: timeoutSeconds must be an integer in 10..59 (got 60)');
    expect(() => build({ policy: { minKpus: 4, maxKpus: 2 } })).toThrow('Autoscaler: policy.maxKpus must be an integer in 4..100000 (got 2)');
    expect(() => build({ modelJson: '{' })).toThrow(/^Autoscaler: modelJson is not valid JSON/);
  });
});

describe('config autoscaler', () => {
  const base = {
    name: 'kpufit-t', region: 'eu-west-1', stream: { shards: 1 }, job: { workload: 'taxi' },
    application: { name: 'kpufit-t-app', ignoreParallelismChanges: true },
  };
  it('is off by default', () => {
    expect(parseConfig(base, 'c.json').autoscaler).toEqual({ enabled: false, minKpus: 1, targetUtilization: 0.8, catchUpSeconds: 600, predictDaily: true, metricsDelaySeconds: 120 });
  });
  it('needs built-in autoscaling off and parallelism changes ignored when on', () => {
    expect(() => parseConfig({ ...base, application: { name: 'kpufit-t-app', autoScalingEnabled: true }, autoscaler: { enabled: true } }, 'c.json')).toThrow(
      'c.json: application.autoScalingEnabled: must be false when autoscaler.enabled (the autoscaler replaces built-in autoscaling)\n' +
      'c.json: application.ignoreParallelismChanges: must be true when autoscaler.enabled (else every deploy reverts its changes)',
    );
  });
});

describe('the dev stack with autoscaler.enabled', () => {
  const tf = synthPipeline(loadConfig('dev', projectRoot) as unknown as Record<string, any>, { environment: 'dev' }).tf;
  const fn = Object.values(tf.resource.aws_lambda_function as Record<string, any>).find((f) => f.function_name === 'kpufit-dev-autoscaler');

  it('scales the application it deploys, with built-in autoscaling off and parallelism left to it', () => {
    expect(fn.environment.variables).toMatchObject({ APPLICATION_NAME: 'kpufit-dev-analytics', SLO_MAX_LAG_MS: '60000', AUTOSCALER_OPTIONS: '{"minKpus":1,"maxKpus":4,"maxParallelism":256,"targetUtilization":0.8,"catchUpSeconds":600,"predictDaily":true}' });
    const app = Object.values(tf.resource.aws_kinesisanalyticsv2_application as Record<string, any>)[0];
    expect(app.application_configuration.flink_application_configuration.parallelism_configuration.auto_scaling_enabled).toBe(false);
    expect(app.lifecycle.ignore_changes).toEqual(expect.arrayContaining([expect.stringMatching(/parallelism/)]));
  });

  it('lets CloudWatch Logs encrypt its log group with the pipeline key and draws its panel', () => {
    const key = Object.values(tf.resource.aws_kms_key as Record<string, any>)[0];
    expect(JSON.parse(key.policy).Statement.map((s: { Sid: string }) => s.Sid)).toContain('CloudWatchLogsEncryptAutoscalerLogGroup');
    const dashboard = Object.values(tf.resource.aws_cloudwatch_dashboard as Record<string, any>)[0];
    expect(dashboard.dashboard_body).toContain('Autoscaler: decisions');
  });
});
