/**
 * Alarms and the dashboard for the pipeline: an encrypted SNS topic (optionally mailing someone), one
 * alarm per way the pipeline fails or falls behind, and one dashboard with the metrics calibration and
 * on-call look at.
 */
import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { AwsContext, arnFor } from './aws-context';
import { FlinkApplication } from './flink-application';
import { IngestStream } from './ingest-stream';
import { MetricSpec } from './metric';
import { PipelineKey } from './pipeline-key';
import { PolicyDocument, denyInsecureTransport, jsonDocument } from './policy-document';

export interface MonitoringProps {
  readonly env: AwsContext;
  /** Prefix of the topic, alarm and dashboard names. */
  readonly namePrefix: string;
  readonly application: FlinkApplication;
  readonly inputStream: IngestStream;
  /** Shown on the dashboard when present. */
  readonly alertsStream?: IngestStream;
  readonly encryptionKey: PipelineKey;
  /** Subscribed to the topic by e-mail when set. @default none */
  readonly alarmEmail?: string;
  /** @default 60000 (the AWS KPU-calibration blog's alarm) */
  readonly millisBehindLatestThresholdMs?: number;
  /** @default 60000 */
  readonly iteratorAgeThresholdMs?: number;
  /** @default 90 */
  readonly heapMemoryUtilizationThresholdPercent?: number;
  /** Alarm when the application runs on more KPUs than this (cost guard). */
  readonly maxKpus: number;
  /** @default 60 */
  readonly periodSeconds?: number;
  /** Periods over threshold before an alarm fires. @default 5 */
  readonly evaluationPeriods?: number;
  /**
   * Traffic floor: alarm when IncomingRecords (Sum per period) drops below it, or stops. Unset: an anomaly
   * band learned from the stream's own history instead (no fixed number to keep up to date). @default none
   */
  readonly incomingRecordsFloor?: number;
  /** Width, in standard deviations, of the IncomingRecords anomaly band (used when no floor is set). @default 2 */
  readonly incomingRecordsAnomalyBandWidth?: number;
  /** Alarm when the job refuses more than this share of the incoming records, in percent. @default 1 */
  readonly malformedRatioThresholdPercent?: number;
  /** Panels appended to the dashboard (the consumers', see stacks/consumers.ts). @default none */
  readonly extraPanels?: ReadonlyArray<{ readonly title: string; readonly metrics: MetricSpec[]; readonly threshold?: number }>;
}

interface AlarmDef {
  readonly suffix: string;
  readonly description: string;
  readonly metric: MetricSpec;
  readonly threshold: number;
  /** Evaluate DIFF(metric) instead: for counters whose increase is the problem. @default false */
  readonly onIncrease?: boolean;
  /** @default 'missing' */
  readonly treatMissingData?: 'missing' | 'notBreaching' | 'breaching';
}

export class Monitoring extends Construct {
  readonly topic: SnsTopic;
  readonly topicPolicy: PolicyDocument;
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};
  readonly dashboard: CloudwatchDashboard;
  readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { env, namePrefix, application: app, inputStream } = props;
    const period = props.periodSeconds ?? 60;
    const evaluationPeriods = props.evaluationPeriods ?? 5;
    const alarmPrefix = `${namePrefix}-`;

    props.encryptionKey.allowCloudWatchAlarms(alarmPrefix);
    this.topic = new SnsTopic(this, 'topic', { name: `${namePrefix}-alarms`, kmsMasterKeyId: props.encryptionKey.arn });
    this.topicPolicy = new PolicyDocument([
      {
        Sid: 'CloudWatchAlarmsOfThisPipelinePublish',
        Effect: 'Allow',
        Principal: { Service: `cloudwatch.${env.dnsSuffix}` },
        Action: 'sns:Publish',
        Resource: this.topic.arn,
        Condition: {
          StringEquals: { 'aws:SourceAccount': env.account },
          ArnLike: { 'aws:SourceArn': arnFor(env, 'cloudwatch', `alarm:${alarmPrefix}*`) },
        },
      },
      denyInsecureTransport('sns:Publish', [this.topic.arn]),
    ]);
    new SnsTopicPolicy(this, 'topic_policy', { arn: this.topic.arn, policy: this.topicPolicy.toJson() });
    if (props.alarmEmail) {
      new SnsTopicSubscription(this, 'email', { topicArn: this.topic.arn, protocol: 'email', endpoint: props.alarmEmail });
    }

    const lag = app.metricMillisBehindLatest(inputStream.streamName);
    const defs: AlarmDef[] = [
      {
        suffix: 'millis-behind-latest', metric: lag, threshold: props.millisBehindLatestThresholdMs ?? 60000,
        description: 'The Flink source is falling behind the input stream: scale up (kpufit calibrate) or check the job.',
      },
      {
        suffix: 'downtime', metric: app.metricDowntime(), threshold: 0,
        description: 'The Flink job is not running (restarting or failed).',
      },
      {
        suffix: 'full-restarts', metric: app.metricFullRestarts(), threshold: 0, onIncrease: true, treatMissingData: 'notBreaching',
        description: 'The Flink job restarted: see the application log group for the exception.',
      },
      {
        suffix: 'failed-checkpoints', metric: app.metricNumberOfFailedCheckpoints(), threshold: 0, treatMissingData: 'notBreaching',
        description: 'Checkpoints fail: state is not being saved; a restart would replay from an old point.',
      },
      {
        suffix: 'heap-memory', metric: app.metricHeapMemoryUtilization(), threshold: props.heapMemoryUtilizationThresholdPercent ?? 90,
        description: 'Heap is nearly full: expect garbage-collection stalls or an out-of-memory restart; lower ParallelismPerKPU.',
      },
      {
        suffix: 'write-throttles', metric: inputStream.metricWriteThrottles(), threshold: 0, treatMissingData: 'notBreaching',
        description: 'Producers are throttled by the input stream: add shards or switch to ON_DEMAND.',
      },
      {
        suffix: 'iterator-age', metric: inputStream.metricIteratorAge(), threshold: props.iteratorAgeThresholdMs ?? 60000,
        description: 'Records wait in the input stream longer than the threshold before being read.',
      },
      {
        suffix: 'kpus-above-max', metric: app.metricKpus(), threshold: props.maxKpus,
        description: `The application runs on more than ${props.maxKpus} KPUs (application.maxKpus): check autoscaling and cost.`,
      },
    ];
    for (const def of defs) this.alarms[def.suffix] = this.alarm(alarmPrefix, def, period, evaluationPeriods);
    this.alarms['incoming-records-low'] = this.volumeAlarm(alarmPrefix, props, period, evaluationPeriods);
    this.alarms['malformed-ratio'] = this.malformedRatioAlarm(alarmPrefix, props, period, evaluationPeriods);

    const dashboardName = `${namePrefix}-pipeline`;
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName,
      // Panels may name the account (AWS/ES's ClientId dimension), a reference: HCL-safe like the policies.
      dashboardBody: jsonDocument(() => this.dashboardBody(props, period)),
    });
    this.dashboardUrl = `https://${env.region}.console.aws.amazon.com/cloudwatch/home?region=${env.region}` +
      `#dashboards:name=${this.dashboard.dashboardName}`;
  }

  private alarm(prefix: string, def: AlarmDef, period: number, evaluationPeriods: number): CloudwatchMetricAlarm {
    const m = def.metric;
    const common: CloudwatchMetricAlarmConfig = {
      alarmName: `${prefix}${def.suffix}`,
      alarmDescription: def.description,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: def.threshold,
      evaluationPeriods,
      datapointsToAlarm: def.onIncrease ? 1 : evaluationPeriods,
      treatMissingData: def.treatMissingData ?? 'missing',
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    };
    const config: CloudwatchMetricAlarmConfig = def.onIncrease
      ? {
        ...common,
        metricQuery: [
          {
            id: 'm1', returnData: false,
            metric: { namespace: m.namespace, metricName: m.metricName, dimensions: { ...m.dimensions }, stat: m.statistic, period },
          },
          { id: 'increase', expression: 'DIFF(m1)', label: `${m.label} increase`, returnData: true },
        ],
      }
      : { ...common, namespace: m.namespace, metricName: m.metricName, dimensions: { ...m.dimensions }, statistic: m.statistic, period };
    return new CloudwatchMetricAlarm(this, def.suffix.replace(/-/g, '_'), config);
  }

  /**
   * Traffic stopped or collapsed: IncomingRecords below a floor, or below the lower edge of its anomaly band.
   * No data counts as breaching: a stream nobody writes to reports nothing.
   */
  private volumeAlarm(prefix: string, props: MonitoringProps, period: number, evaluationPeriods: number): CloudwatchMetricAlarm {
    const m = props.inputStream.metricIncomingRecords();
    const metric = { namespace: m.namespace, metricName: m.metricName, dimensions: { ...m.dimensions }, stat: m.statistic, period };
    const common = {
      alarmName: `${prefix}incoming-records-low`,
      evaluationPeriods, datapointsToAlarm: evaluationPeriods, treatMissingData: 'breaching',
      alarmActions: [this.topic.arn], okActions: [this.topic.arn],
    };
    if (props.incomingRecordsFloor !== undefined) {
      return new CloudwatchMetricAlarm(this, 'incoming_records_low', {
        ...common,
        alarmDescription: `Fewer than ${props.incomingRecordsFloor} records per period reach the input stream: producers stopped or collapsed.`,
        comparisonOperator: 'LessThanThreshold', threshold: props.incomingRecordsFloor,
        namespace: metric.namespace, metricName: metric.metricName, dimensions: metric.dimensions, statistic: m.statistic, period,
      });
    }
    const width = props.incomingRecordsAnomalyBandWidth ?? 2;
    return new CloudwatchMetricAlarm(this, 'incoming_records_low', {
      ...common,
      alarmDescription: 'Records reaching the input stream fell below their usual band: producers stopped or collapsed.',
      comparisonOperator: 'LessThanLowerThreshold', thresholdMetricId: 'band',
      metricQuery: [
        { id: 'm1', returnData: true, metric },
        { id: 'band', expression: `ANOMALY_DETECTION_BAND(m1, ${width})`, label: `${m.label} (expected band)`, returnData: true },
      ],
    });
  }

  /** The job refuses more than the threshold share of what reaches the stream: a producer sends bad records. */
  private malformedRatioAlarm(prefix: string, props: MonitoringProps, period: number, evaluationPeriods: number): CloudwatchMetricAlarm {
    const query = (id: string, m: MetricSpec) => ({
      id, returnData: false,
      metric: { namespace: m.namespace, metricName: m.metricName, dimensions: { ...m.dimensions }, stat: m.statistic, period },
    });
    const threshold = props.malformedRatioThresholdPercent ?? 1;
    return new CloudwatchMetricAlarm(this, 'malformed_ratio', {
      alarmName: `${prefix}malformed-ratio`,
      alarmDescription: `More than ${threshold}% of the incoming records are malformed: see errors/<workload>/malformed/ for what the job refused.`,
      comparisonOperator: 'GreaterThanThreshold', threshold, evaluationPeriods, datapointsToAlarm: evaluationPeriods,
      // No traffic, or a job without the counter yet, is not a malformed-record problem.
      treatMissingData: 'notBreaching',
      metricQuery: [
        query('malformed', props.application.metricMalformedRecords()),
        query('incoming', props.inputStream.metricIncomingRecords()),
        // The counter is cumulative: its increase per period over the records that arrived in it (a restart
        // resets the counter; that negative step is not counted).
        { id: 'ratio', expression: 'IF(incoming > 0 AND DIFF(malformed) > 0, 100 * DIFF(malformed) / incoming, 0)',
          label: 'Malformed records (%)', returnData: true },
      ],
      alarmActions: [this.topic.arn], okActions: [this.topic.arn],
    });
  }

  private dashboardBody(props: MonitoringProps, period: number): unknown {
    const { application: app, inputStream, alertsStream, env } = props;
    const line = (m: MetricSpec) => [m.namespace, m.metricName,
      ...Object.entries(m.dimensions).flat(), { stat: m.statistic, label: m.label }];
    const panels: Array<{ title: string; metrics: MetricSpec[]; threshold?: number }> = [
      { title: 'Input stream: incoming records and bytes', metrics: [inputStream.metricIncomingRecords(), inputStream.metricIncomingBytes()] },
      { title: 'Input stream: throttles', metrics: [inputStream.metricWriteThrottles(), inputStream.metricReadThrottles()] },
      {
        title: 'Lag: millisBehindLatest (the calibration SLO)', metrics: [app.metricMillisBehindLatest(inputStream.streamName)],
        threshold: props.millisBehindLatestThresholdMs ?? 60000,
      },
      { title: 'Input stream: iterator age', metrics: [inputStream.metricIteratorAge()] },
      { title: 'KPUs', metrics: [app.metricKpus()] },
      { title: 'CPU', metrics: [app.metricCpuUtilization(), app.metricContainerCpuUtilization()] },
      { title: 'Memory', metrics: [app.metricHeapMemoryUtilization(), app.metricContainerMemoryUtilization()] },
      { title: 'Records in/out per second', metrics: [app.metricNumRecordsInPerSecond(), app.metricNumRecordsOutPerSecond()] },
      { title: 'Busy and back-pressured time', metrics: [app.metricBusyTimeMsPerSecond(), app.metricBackPressuredTimeMsPerSecond()] },
      { title: 'Downtime and restarts', metrics: [app.metricDowntime(), app.metricFullRestarts()] },
      {
        title: 'Checkpoints',
        metrics: [app.metricLastCheckpointDuration(), app.metricLastCheckpointSize(), app.metricNumberOfFailedCheckpoints()],
      },
      ...(alertsStream ? [{ title: 'Alerts stream: records written', metrics: [alertsStream.metricIncomingRecords()] }] : []),
      {
        title: 'Input stream: records written and read (all consumers)',
        metrics: [inputStream.metricIncomingRecords(), inputStream.metricOutgoingRecords()],
        ...(props.incomingRecordsFloor !== undefined ? { threshold: props.incomingRecordsFloor } : {}),
      },
      { title: 'Job: malformed and late records (since start)', metrics: [app.metricMalformedRecords(), app.metricLateRecords()] },
      ...(props.extraPanels ?? []),
    ];
    return {
      widgets: panels.map((panel, i) => ({
        type: 'metric',
        x: (i % 2) * 12, y: Math.floor(i / 2) * 6, width: 12, height: 6,
        properties: {
          title: panel.title, region: env.region, view: 'timeSeries', stacked: false, period,
          metrics: panel.metrics.map(line),
          ...(panel.threshold !== undefined
            ? { annotations: { horizontal: [{ label: 'alarm threshold', value: panel.threshold }] } } : {}),
        },
      })),
    };
  }
}
