/**
 * A CloudWatch metric as the alarms and the dashboard need it: namespace, dimensions and the statistic
 * that makes sense for it. The typed `metricXxx()` helpers of each construct return these.
 */
export type Statistic = 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';

export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  /** Seconds; 60 unless a construct says otherwise. */
  readonly periodSeconds: number;
  readonly label: string;
}

export function metricSpec(namespace: string, metricName: string, dimensions: Record<string, string>,
  statistic: Statistic, label = metricName, periodSeconds = 60): MetricSpec {
  return { namespace, metricName, dimensions, statistic, periodSeconds, label };
}
