/**
 * The twin's CloudWatch: per-second samples folded as they come into one (sum, min, max, count) per metric
 * per minute, so memory grows with simulated minutes, not with samples. A minute with no sample has no
 * datapoint, as in CloudWatch.
 */
import { METRICS, type Statistic } from '../../core/metric-catalogue';
import { CLOUDWATCH_ONE_MINUTE_RETENTION_DAYS } from '../../core/aws-facts';

export type { Statistic };

/**
 * Every series the twin publishes, as the catalogue defines it; the index in this list is the metric's id
 * inside the store.
 */
export const METRIC_DEFINITIONS = [
  METRICS.millisBehindLatest,
  METRICS.numRecordsInPerSecond,
  METRICS.numRecordsOutPerSecond,
  METRICS.cpuUtilization,
  METRICS.containerCPUUtilization,
  METRICS.busyTimeMsPerSecond,
  METRICS.backPressuredTimeMsPerSecond,
  METRICS.idleTimeMsPerSecond,
  METRICS.heapMemoryUtilization,
  METRICS.KPUs,
  METRICS.downtime,
  METRICS.uptime,
  METRICS.fullRestarts,
  METRICS.IncomingRecords,
  METRICS.IncomingBytes,
  METRICS.WriteProvisionedThroughputExceeded,
  METRICS.ReadProvisionedThroughputExceeded,
  METRICS['GetRecords.IteratorAgeMilliseconds'],
] as const;

export type TwinMetricName = (typeof METRIC_DEFINITIONS)[number]['name'];

export const M = Object.fromEntries(METRIC_DEFINITIONS.map((d, i) => [d.name, i])) as { [K in TwinMetricName]: number };

const FIELDS = 4; // sum, min, max, count
const METRIC_COUNT = METRIC_DEFINITIONS.length;

export interface Aggregate {
  sum: number;
  min: number;
  max: number;
  count: number;
}

/**
 * Minutes the store keeps: CloudWatch keeps 1-minute datapoints for 15 days, and nothing reads older
 * minutes; without a bound a year-long `twin run` held every minute (GBs).
 */
export const RETAINED_MINUTES = CLOUDWATCH_ONE_MINUTE_RETENTION_DAYS * 1440;
/** Old minutes are dropped a day at a time, so dropping costs O(1) per minute on average. */
const DROP_BATCH = 1440;

export class MetricsStore {
  private minutes: Float64Array[] = [];
  /** Completed minutes dropped so far: minutes[i] is minute `dropped + i`. */
  private dropped = 0;
  private current = MetricsStore.blank();
  private currentMinute = 0;

  constructor(private readonly retainedMinutes = RETAINED_MINUTES) {}

  private static blank(): Float64Array {
    const a = new Float64Array(METRIC_COUNT * FIELDS);
    for (let m = 0; m < METRIC_COUNT; m++) {
      a[m * FIELDS + 1] = Infinity;
      a[m * FIELDS + 2] = -Infinity;
    }
    return a;
  }

  /** One sample of `metric` in simulated second `second`. */
  add(second: number, metric: number, value: number): void {
    this.addMany(second, metric, value, 1);
  }

  /** `samples` identical samples (e.g. P - 1 identical subtasks) in one call. */
  addMany(second: number, metric: number, value: number, samples: number): void {
    if (samples <= 0) return;
    const minute = Math.floor(second / 60);
    if (minute !== this.currentMinute) this.roll(minute);
    const a = this.current;
    const o = metric * FIELDS;
    a[o] += value * samples;
    if (value < a[o + 1]) a[o + 1] = value;
    if (value > a[o + 2]) a[o + 2] = value;
    a[o + 3] += samples;
  }

  /** Closes every minute before `minute` (a minute is complete once the clock has passed it). */
  roll(minute: number): void {
    while (this.currentMinute < minute) {
      this.minutes.push(this.current);
      this.current = MetricsStore.blank();
      this.currentMinute++;
    }
    if (this.minutes.length > this.retainedMinutes + DROP_BATCH) {
      const drop = this.minutes.length - this.retainedMinutes;
      this.minutes = this.minutes.slice(drop);
      this.dropped += drop;
    }
  }

  /** Completed minutes (dropped ones included: minute numbers never shift). */
  get completedMinutes(): number {
    return this.dropped + this.minutes.length;
  }

  /** The aggregate of `metric` over completed minutes [from, to); null when no samples. */
  aggregate(metric: number, fromMinute: number, toMinute: number): Aggregate | null {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let count = 0;
    const end = Math.min(toMinute, this.completedMinutes) - this.dropped;
    for (let i = Math.max(0, fromMinute - this.dropped); i < end; i++) {
      const a = this.minutes[i];
      const o = metric * FIELDS;
      if (a[o + 3] === 0) continue;
      sum += a[o];
      if (a[o + 1] < min) min = a[o + 1];
      if (a[o + 2] > max) max = a[o + 2];
      count += a[o + 3];
    }
    return count === 0 ? null : { sum, min, max, count };
  }
}

export const STATISTICS: readonly Statistic[] = ['Maximum', 'Minimum', 'Average', 'Sum', 'SampleCount'];

export function statisticOf(a: Aggregate, stat: Statistic): number {
  switch (stat) {
    case 'Maximum':
      return a.max;
    case 'Minimum':
      return a.min;
    case 'Average':
      return a.sum / a.count;
    case 'Sum':
      return a.sum;
    case 'SampleCount':
      return a.count;
  }
}
