/**
 * MetricsSource over CloudWatch's GetMetricData (CloudWatchApi: the SDK wrapper on AWS, the twin's
 * CloudWatch in process): one batched call per page for a time window, folded into one reading per
 * 60-second period. Namespaces, names and dimensions come from the metric catalogue; this adapter chooses
 * the statistics the calibrator needs of each.
 */
import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchApi } from '../../core/aws-api';
import { METRICS, metricDimensions, type MetricDefinition, type MetricScope, type Statistic } from '../../core/metric-catalogue';
import type { MetricPeriod, MetricsSource } from '../ports';

const PERIOD = 60;

type Signal = Exclude<keyof MetricPeriod, 'startMs'>;

interface QuerySpec {
  id: string;
  field: Signal;
  metric: MetricDefinition;
  stat: Statistic;
}

const QUERIES: readonly QuerySpec[] = [
  { id: 'lag_max', field: 'lagMaxMs', metric: METRICS.millisBehindLatest, stat: 'Maximum' },
  { id: 'lag_avg', field: 'lagAvgMs', metric: METRICS.millisBehindLatest, stat: 'Average' },
  { id: 'lag_min', field: 'lagMinMs', metric: METRICS.millisBehindLatest, stat: 'Minimum' },
  { id: 'records_in', field: 'consumed', metric: METRICS.numRecordsInPerSecond, stat: 'Average' },
  { id: 'cpu', field: 'cpu', metric: METRICS.cpuUtilization, stat: 'Average' },
  { id: 'container_cpu_max', field: 'containerCpuMax', metric: METRICS.containerCPUUtilization, stat: 'Maximum' },
  { id: 'busy_avg', field: 'busyAvg', metric: METRICS.busyTimeMsPerSecond, stat: 'Average' },
  { id: 'busy_max', field: 'busyMax', metric: METRICS.busyTimeMsPerSecond, stat: 'Maximum' },
  { id: 'busy_min', field: 'busyMin', metric: METRICS.busyTimeMsPerSecond, stat: 'Minimum' },
  { id: 'heap_max', field: 'heapMax', metric: METRICS.heapMemoryUtilization, stat: 'Maximum' },
  { id: 'kpus', field: 'kpus', metric: METRICS.KPUs, stat: 'Maximum' },
  { id: 'downtime_max', field: 'downtimeMaxMs', metric: METRICS.downtime, stat: 'Maximum' },
  { id: 'uptime_min', field: 'uptimeMinMs', metric: METRICS.uptime, stat: 'Minimum' },
  { id: 'restarts_max', field: 'fullRestartsMax', metric: METRICS.fullRestarts, stat: 'Maximum' },
  { id: 'incoming', field: 'incomingRecords', metric: METRICS.IncomingRecords, stat: 'Sum' },
  { id: 'write_throttled', field: 'writeThrottled', metric: METRICS.WriteProvisionedThroughputExceeded, stat: 'Sum' },
];

/** The GetMetricData queries for one application and its input stream. */
export function metricQueries(application: string, stream: string): MetricDataQuery[] {
  const scope: MetricScope = { application, stream };
  return QUERIES.map((q) => ({
    Id: q.id,
    MetricStat: {
      Metric: {
        Namespace: q.metric.namespace,
        MetricName: q.metric.name,
        Dimensions: Object.entries(metricDimensions(q.metric, scope)).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: PERIOD,
      Stat: q.stat,
    },
    ReturnData: true,
  }));
}

export class CloudWatchMetricsSource implements MetricsSource {
  private readonly queries: MetricDataQuery[];

  constructor(private readonly api: CloudWatchApi, scope: MetricScope) {
    this.queries = metricQueries(scope.application, scope.stream);
  }

  async read(fromMs: number, toMs: number): Promise<MetricPeriod[]> {
    const byPeriod = new Map<number, MetricPeriod>();
    let token: string | undefined;
    do {
      const out = await this.api.getMetricData({
        MetricDataQueries: this.queries,
        StartTime: new Date(fromMs),
        EndTime: new Date(toMs),
        ScanBy: 'TimestampAscending',
        NextToken: token,
      });
      for (const result of out.MetricDataResults ?? []) absorb(result, byPeriod);
      token = out.NextToken;
    } while (token);
    return [...byPeriod.values()].sort((a, b) => a.startMs - b.startMs);
  }
}

function absorb(result: MetricDataResult, byPeriod: Map<number, MetricPeriod>): void {
  const spec = QUERIES.find((q) => q.id === result.Id);
  if (!spec) return;
  const stamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  for (let i = 0; i < stamps.length; i++) {
    const startMs = new Date(stamps[i]).getTime();
    let period = byPeriod.get(startMs);
    if (!period) {
      period = blankPeriod(startMs);
      byPeriod.set(startMs, period);
    }
    period[spec.field] = values[i];
  }
}

function blankPeriod(startMs: number): MetricPeriod {
  return {
    startMs, lagMaxMs: null, lagAvgMs: null, lagMinMs: null, consumed: null, cpu: null, containerCpuMax: null,
    busyAvg: null, busyMax: null, busyMin: null, heapMax: null, kpus: null, downtimeMaxMs: null, uptimeMinMs: null,
    fullRestartsMax: null, incomingRecords: null, writeThrottled: null,
  };
}
