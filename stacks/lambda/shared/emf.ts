/**
 * CloudWatch Embedded Metric Format: the counts ride on one log line per dimension set and CloudWatch
 * turns them into metrics asynchronously, so the handler never calls PutMetricData on the hot path.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

export type EmfUnit = 'Count' | 'Milliseconds' | 'Seconds' | 'None';

export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  readonly value: number;
}

export interface EmfLine {
  readonly namespace: string;
  readonly timestampMs: number;
  /** Dimension name -> value; all of them form the single dimension set of this line. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly metrics: readonly EmfMetric[];
  /** Searchable context that is not a metric (e.g. the request id); CloudWatch keeps it in the log only. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** The EMF spec caps a dimension set at 30 names and a directive at 100 metrics. */
const MAX_DIMENSIONS = 30;
const MAX_METRICS = 100;

export function emfLine({ namespace, timestampMs, dimensions, metrics, properties = {} }: EmfLine): string {
  const dimensionNames = Object.keys(dimensions);
  if (dimensionNames.length > MAX_DIMENSIONS) throw new Error(`EMF: more than ${MAX_DIMENSIONS} dimensions`);
  if (metrics.length === 0 || metrics.length > MAX_METRICS) throw new Error(`EMF: 1..${MAX_METRICS} metrics per line`);
  const members: Record<string, string | number> = { ...properties, ...dimensions };
  for (const m of metrics) {
    if (m.name in members) throw new Error(`EMF: ${m.name} is used twice (metric names and dimensions share one object)`);
    if (!Number.isFinite(m.value)) throw new Error(`EMF: ${m.name} is not a finite number`);
    members[m.name] = m.value;
  }
  return JSON.stringify({
    _aws: {
      Timestamp: Math.floor(timestampMs),
      CloudWatchMetrics: [{
        Namespace: namespace,
        Dimensions: [dimensionNames],
        Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
      }],
    },
    ...members,
  });
}
