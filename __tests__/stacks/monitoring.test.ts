import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { minimalConfig, refOf, resourcesOf, single, statement, synthPipeline, withPatch } from './helpers';

const { text, tf } = synthPipeline(withPatch(minimalConfig(), {
  application: { maxKpus: 6 },
  monitoring: {
    alarmEmail: 'oncall@example.com', millisBehindLatestThresholdMs: 45000, iteratorAgeThresholdMs: 30000,
    heapMemoryUtilizationThresholdPercent: 85, periodSeconds: 300, evaluationPeriods: 3,
  },
}));
const topicArn = refOf(tf, 'aws_sns_topic', () => true, 'arn');
const alarm = (suffix: string) => {
  const found = Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')).find((a) => a.alarm_name === `kpufit-test-${suffix}`);
  if (!found) throw new Error(`no alarm kpufit-test-${suffix}`);
  return found;
};
const app = { Application: 'kpufit-test-analytics' };

describe('Monitoring', () => {
  it('has a KMS-encrypted alarm topic', () => {
    expect(text).toHaveResourceWithProperties(SnsTopic, { name: 'kpufit-test-alarms', kms_master_key_id: refOf(tf, 'aws_kms_key', () => true, 'arn') });
  });

  it('lets only this pipeline\'s alarms publish, over TLS', () => {
    const policy = JSON.parse(single(tf, 'aws_sns_topic_policy').policy);
    expect(statement(policy, 'CloudWatchAlarmsOfThisPipelinePublish')).toMatchObject({
      Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn,
      Condition: { ArnLike: { 'aws:SourceArn': expect.stringMatching(/:cloudwatch:eu-west-1:.+:alarm:kpufit-test-\*$/) } },
    });
    expect(statement(policy, 'DenyInsecureTransport')).toMatchObject({ Effect: 'Deny', Action: 'sns:Publish' });
  });

  it('lets those alarms use the key of the encrypted topic', () => {
    expect(statement(JSON.parse(single(tf, 'aws_kms_key').policy), 'CloudWatchAlarmsPublishToEncryptedTopic')).toMatchObject({
      Principal: { Service: 'cloudwatch.${data.aws_partition.current_partition.dns_suffix}' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
  });

  it('subscribes the alert e-mail when configured', () => {
    expect(text).toHaveResourceWithProperties(SnsTopicSubscription, { topic_arn: topicArn, protocol: 'email', endpoint: 'oncall@example.com' });
  });

  it('has no subscription without an e-mail', () => {
    expect(resourcesOf(synthPipeline().tf, 'aws_sns_topic_subscription')).toEqual({});
  });

  it.each([
    ['millis-behind-latest', 'millisBehindLatest', 'Maximum', 45000, { ...app, Flow: 'Input', Id: 'kpufit_test_input' }],
    ['downtime', 'downtime', 'Maximum', 0, app],
    ['failed-checkpoints', 'numberOfFailedCheckpoints', 'Maximum', 0, app],
    ['heap-memory', 'heapMemoryUtilization', 'Maximum', 85, app],
    ['kpus-above-max', 'KPUs', 'Maximum', 6, app],
  ])('%s: %s (%s) over %d on the Flink application', (suffix, metricName, statistic, threshold, dimensions) => {
    expect(alarm(suffix)).toMatchObject({
      namespace: 'AWS/KinesisAnalytics', metric_name: metricName, statistic, threshold, dimensions,
      comparison_operator: 'GreaterThanThreshold', period: 300, evaluation_periods: 3, datapoints_to_alarm: 3,
      alarm_actions: [topicArn], ok_actions: [topicArn],
    });
  });

  it.each([
    ['write-throttles', 'WriteProvisionedThroughputExceeded', 'Sum', 0],
    ['iterator-age', 'GetRecords.IteratorAgeMilliseconds', 'Maximum', 30000],
  ])('%s: %s (%s) over %d on the input stream', (suffix, metricName, statistic, threshold) => {
    expect(alarm(suffix)).toMatchObject({
      namespace: 'AWS/Kinesis', metric_name: metricName, statistic, threshold, dimensions: { StreamName: 'kpufit-test-input' },
      comparison_operator: 'GreaterThanThreshold', alarm_actions: [topicArn],
    });
  });

  it('full-restarts: fires as soon as the restart counter increases (DIFF of its maximum)', () => {
    expect(alarm('full-restarts')).toMatchObject({
      comparison_operator: 'GreaterThanThreshold', threshold: 0, evaluation_periods: 3, datapoints_to_alarm: 1,
      treat_missing_data: 'notBreaching', alarm_actions: [topicArn],
      metric_query: [
        { id: 'm1', return_data: false, metric: { namespace: 'AWS/KinesisAnalytics', metric_name: 'fullRestarts', dimensions: app, stat: 'Maximum', period: 300 } },
        { id: 'increase', expression: 'DIFF(m1)', return_data: true },
      ],
    });
    expect(alarm('full-restarts')).not.toHaveProperty('metric_name');
  });

  it('incoming-records-low: fires when traffic falls below its anomaly band for every period, silence included', () => {
    expect(alarm('incoming-records-low')).toMatchObject({
      comparison_operator: 'LessThanLowerThreshold', threshold_metric_id: 'band', evaluation_periods: 3, datapoints_to_alarm: 3,
      treat_missing_data: 'breaching', alarm_actions: [topicArn], ok_actions: [topicArn],
      metric_query: [
        { id: 'm1', return_data: true, metric: { namespace: 'AWS/Kinesis', metric_name: 'IncomingRecords', dimensions: { StreamName: 'kpufit-test-input' }, stat: 'Sum', period: 300 } },
        { id: 'band', expression: 'ANOMALY_DETECTION_BAND(m1, 2)', return_data: true },
      ],
    });
    expect(alarm('incoming-records-low')).not.toHaveProperty('threshold');
  });

  it('incoming-records-low: uses a fixed floor instead when one is configured', () => {
    const { tf: floored } = synthPipeline(withPatch(minimalConfig(), { monitoring: { incomingRecordsFloor: 1000 } }));
    const low = Object.values(resourcesOf(floored, 'aws_cloudwatch_metric_alarm')).find((a) => a.alarm_name === 'kpufit-test-incoming-records-low')!;
    expect(low).toMatchObject({
      comparison_operator: 'LessThanThreshold', threshold: 1000, namespace: 'AWS/Kinesis', metric_name: 'IncomingRecords',
      dimensions: { StreamName: 'kpufit-test-input' }, statistic: 'Sum', treat_missing_data: 'breaching',
    });
    expect(low).not.toHaveProperty('metric_query');
  });

  it('malformed-ratio: fires when more than 1% of the incoming records are refused by the job, per period', () => {
    expect(alarm('malformed-ratio')).toMatchObject({
      comparison_operator: 'GreaterThanThreshold', threshold: 1, evaluation_periods: 3, datapoints_to_alarm: 3,
      treat_missing_data: 'notBreaching', alarm_actions: [topicArn],
      metric_query: [
        { id: 'malformed', return_data: false, metric: { namespace: 'AWS/KinesisAnalytics', metric_name: 'malformedRecords', dimensions: app, stat: 'Maximum', period: 300 } },
        { id: 'incoming', return_data: false, metric: { namespace: 'AWS/Kinesis', metric_name: 'IncomingRecords', dimensions: { StreamName: 'kpufit-test-input' }, stat: 'Sum', period: 300 } },
        { id: 'ratio', expression: 'IF(incoming > 0 AND DIFF(malformed) > 0, 100 * DIFF(malformed) / incoming, 0)', return_data: true },
      ],
    });
  });

  it('has exactly these ten alarms', () => {
    expect(Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name).sort()).toEqual([
      'downtime', 'failed-checkpoints', 'full-restarts', 'heap-memory', 'incoming-records-low', 'iterator-age', 'kpus-above-max',
      'malformed-ratio', 'millis-behind-latest', 'write-throttles',
    ].map((s) => `kpufit-test-${s}`));
  });

  describe('dashboard', () => {
    const dashboard = single(tf, 'aws_cloudwatch_dashboard');
    const body = JSON.parse(dashboard.dashboard_body) as { widgets: Array<{ properties: { title: string; metrics: unknown[][]; region: string; period: number } }> };
    const metricNames = (title: string) => body.widgets.find((w) => w.properties.title.startsWith(title))!.properties.metrics.map((m) => m[1]);

    it('is named after the environment', () => {
      expect(text).toHaveResourceWithProperties(CloudwatchDashboard, { dashboard_name: 'kpufit-test-pipeline' });
    });

    it.each([
      ['Input stream: incoming', ['IncomingRecords', 'IncomingBytes']],
      ['Input stream: throttles', ['WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded']],
      ['Lag', ['millisBehindLatest']],
      ['Input stream: iterator age', ['GetRecords.IteratorAgeMilliseconds']],
      ['KPUs', ['KPUs']],
      ['CPU', ['cpuUtilization', 'containerCPUUtilization']],
      ['Memory', ['heapMemoryUtilization', 'containerMemoryUtilization']],
      ['Records in/out', ['numRecordsInPerSecond', 'numRecordsOutPerSecond']],
      ['Busy and back-pressured', ['busyTimeMsPerSecond', 'backPressuredTimeMsPerSecond']],
      ['Downtime and restarts', ['downtime', 'fullRestarts']],
      ['Checkpoints', ['lastCheckpointDuration', 'lastCheckpointSize', 'numberOfFailedCheckpoints']],
      ['Alerts stream', ['IncomingRecords']],
      ['Input stream: records written and read', ['IncomingRecords', 'OutgoingRecords']],
      ['Job: malformed and late records', ['malformedRecords', 'lateRecords']],
    ])('shows %s', (title, names) => {
      expect(metricNames(title)).toEqual(names);
    });

    it('plots millisBehindLatest with its dimensions and the alarm threshold', () => {
      const lag = body.widgets.find((w) => w.properties.title.startsWith('Lag'))!.properties as Record<string, any>;
      expect(lag.metrics[0]).toEqual(['AWS/KinesisAnalytics', 'millisBehindLatest', 'Application', 'kpufit-test-analytics', 'Flow', 'Input',
        'Id', 'kpufit_test_input', { stat: 'Maximum', label: 'millisBehindLatest (ms)' }]);
      expect(lag.annotations).toEqual({ horizontal: [{ label: 'alarm threshold', value: 45000 }] });
    });

    it('uses the pipeline region and the alarm period in every widget', () => {
      for (const w of body.widgets) expect(w.properties).toMatchObject({ region: 'eu-west-1', period: 300 });
    });

    it('is linked from the dashboard_url output', () => {
      expect(tf.output.dashboard_url.value).toBe(
        `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=${refOf(tf, 'aws_cloudwatch_dashboard', () => true, 'dashboard_name')}`);
    });
  });
});
