/**
 * Alarms and dashboard panels of the consumers (alerts Lambda, raw archive). Each consumer knows its own
 * metrics; this turns a list of them into CloudWatch alarms on the pipeline's topic, so the consumers stay
 * self-contained and the pipeline's Monitoring only has to show their panels.
 */
import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { MetricSpec } from './metric';

/** A dashboard panel: same shape the pipeline dashboard draws. */
export interface ConsumerPanel {
  readonly title: string;
  readonly metrics: MetricSpec[];
  readonly threshold?: number;
}

export interface ConsumerAlarmDef {
  /** Appended to the alarm-name prefix; also the construct id. */
  readonly suffix: string;
  readonly description: string;
  readonly metric: MetricSpec;
  readonly threshold: number;
  /** @default 'GreaterThanThreshold' */
  readonly comparison?: 'GreaterThanThreshold' | 'LessThanThreshold';
  /**
   * true: one bad period fires (every occurrence matters: a lost alert, a failed delivery);
   * false: all evaluation periods must breach (a sustained condition such as lag). @default true
   */
  readonly firesOnFirstBreach?: boolean;
  /**
   * 'breaching' for a metric whose absence is the problem (records processed: nothing published means
   * nothing ran). @default 'notBreaching' (consumers emit nothing while idle: silence is health)
   */
  readonly treatMissingData?: 'breaching' | 'notBreaching';
}

export interface ConsumerAlarmOptions {
  /** SNS topic notified on ALARM and OK. */
  readonly topicArn: string;
  /**
   * Alarm names start with this; the pipeline's key and topic policies admit alarms by this prefix
   * (`<name>-`), so it must match theirs.
   */
  readonly alarmNamePrefix: string;
  /** @default 5 */
  readonly evaluationPeriods?: number;
}

export function createConsumerAlarms(scope: Construct, defs: readonly ConsumerAlarmDef[],
  options: ConsumerAlarmOptions): Record<string, CloudwatchMetricAlarm> {
  const evaluationPeriods = options.evaluationPeriods ?? 5;
  const alarms: Record<string, CloudwatchMetricAlarm> = {};
  for (const def of defs) {
    const m = def.metric;
    alarms[def.suffix] = new CloudwatchMetricAlarm(scope, `alarm_${def.suffix.replace(/-/g, '_')}`, {
      alarmName: `${options.alarmNamePrefix}${def.suffix}`,
      alarmDescription: def.description,
      namespace: m.namespace,
      metricName: m.metricName,
      dimensions: { ...m.dimensions },
      statistic: m.statistic,
      period: m.periodSeconds,
      comparisonOperator: def.comparison ?? 'GreaterThanThreshold',
      threshold: def.threshold,
      evaluationPeriods,
      datapointsToAlarm: def.firesOnFirstBreach === false ? evaluationPeriods : 1,
      treatMissingData: def.treatMissingData ?? 'notBreaching',
      alarmActions: [options.topicArn],
      okActions: [options.topicArn],
    });
  }
  return alarms;
}
