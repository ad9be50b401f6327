/**
 * Stands in for Managed Flink and Kinesis publishing their metrics: after every step of simulated time,
 * the minutes the twin has completed are copied into a CloudWatch endpoint (moto) with PutMetricData, as
 * one aggregated datum per metric and minute (SampleCount, Sum, Minimum, Maximum), the way CloudWatch
 * stores 1-minute data. The calibration then reads them back over HTTP with its own GetMetricData.
 */
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { metricQueries } from '../../../../calibration/adapters/cloudwatch-metrics';
import type { CloudWatchApi } from '../../../../core/aws-api';
import type { Clock } from '../../../../core/clock';

interface Stats {
  namespace: string;
  name: string;
  dimensions: Array<{ Name: string; Value: string }>;
  byMinute: Map<number, Partial<Record<'Maximum' | 'Minimum' | 'Average' | 'Sum', number>>>;
}

export class MetricsBridge {
  private publishedUntil: number;
  datapointsPublished = 0;

  constructor(
    private readonly source: CloudWatchApi,
    private readonly target: CloudWatchClient,
    private readonly application: string,
    private readonly stream: string,
    private readonly clock: Clock,
  ) {
    this.publishedUntil = Math.floor(clock.now() / 60000) * 60000;
  }

  /**
   * The application ran before the twin's epoch (calibration needs it RUNNING): one datum per series an hour
   * earlier, so CloudWatch's ListMetrics knows the series before the first minute completes, as on AWS.
   * Calibration reads from its own start on and never sees these datapoints.
   */
  async announce(): Promise<void> {
    const before = new Date(this.clock.now() - 3600_000);
    const byNamespace = new Map<string, MetricDatum[]>();
    const seen = new Set<string>();
    for (const q of metricQueries(this.application, this.stream)) {
      const m = q.MetricStat!.Metric!;
      const key = `${m.Namespace}|${m.MetricName}|${JSON.stringify(m.Dimensions)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      byNamespace.set(m.Namespace!, [...(byNamespace.get(m.Namespace!) ?? []), { MetricName: m.MetricName, Dimensions: m.Dimensions, Timestamp: before, Value: 0 }]);
    }
    for (const [namespace, data] of byNamespace) {
      await this.target.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
    }
  }

  /** The twin's clock, publishing what completed after every sleep. */
  publishingClock(): Clock {
    return {
      now: () => this.clock.now(),
      sleep: async (ms) => {
        await this.clock.sleep(ms);
        await this.publish();
      },
    };
  }

  async publish(): Promise<void> {
    const until = Math.floor(this.clock.now() / 60000) * 60000;
    if (until <= this.publishedUntil) return;
    const queries = metricQueries(this.application, this.stream);
    const out = await this.source.getMetricData({ MetricDataQueries: queries, StartTime: new Date(this.publishedUntil), EndTime: new Date(until) });
    const metrics = new Map<string, Stats>();
    for (const q of queries) {
      const m = q.MetricStat!.Metric!;
      const key = `${m.Namespace}|${m.MetricName}|${JSON.stringify(m.Dimensions)}`;
      if (!metrics.has(key)) metrics.set(key, { namespace: m.Namespace!, name: m.MetricName!, dimensions: m.Dimensions as Stats['dimensions'], byMinute: new Map() });
      const result = out.MetricDataResults!.find((r) => r.Id === q.Id)!;
      const stats = metrics.get(key)!;
      (result.Timestamps ?? []).forEach((t, i) => {
        const minute = new Date(t).getTime();
        stats.byMinute.set(minute, { ...stats.byMinute.get(minute), [q.MetricStat!.Stat!]: result.Values![i] });
      });
    }
    const byNamespace = new Map<string, MetricDatum[]>();
    for (const m of metrics.values()) {
      for (const [minute, s] of m.byMinute) {
        const any = s.Average ?? s.Sum ?? s.Maximum ?? s.Minimum ?? 0;
        const datum: MetricDatum = {
          MetricName: m.name,
          Dimensions: m.dimensions,
          Timestamp: new Date(minute),
          StatisticValues: { SampleCount: 1, Sum: s.Sum ?? s.Average ?? any, Minimum: s.Minimum ?? any, Maximum: s.Maximum ?? any },
        };
        byNamespace.set(m.namespace, [...(byNamespace.get(m.namespace) ?? []), datum]);
      }
    }
    for (const [namespace, data] of byNamespace) {
      for (let i = 0; i < data.length; i += 500) {
        await this.target.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + 500) }));
        this.datapointsPublished += Math.min(500, data.length - i);
      }
    }
    this.publishedUntil = until;
  }
}
