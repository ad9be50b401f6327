/**
 * Step 1 of the loop (collect): one batched GetMetricData call for a time window, turned into one
 * MinuteSample per 60-second period. The queries are exactly what CloudWatch needs for Managed Flink and
 * Kinesis (namespaces, dimensions, statistics, Period 60), so the same collector reads AWS and the twin.
 */
import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { MetricsSource } from '../ports';
import type { MinuteSample } from './observation';

const PERIOD = 60;

type SampleField = Exclude<keyof MinuteSample, 'second' | 'startMs'>;

interface QuerySpec {
  id: string;
  field: SampleField;
  namespace: 'AWS/KinesisAnalytics' | 'AWS/Kinesis';
  metric: string;
  stat: 'Average' | 'Maximum' | 'Minimum' | 'Sum';
  dimensions: 'application' | 'input' | 'stream';
}

const QUERIES: readonly QuerySpec[] = [
  { id: 'lag_max', field: 'lagMaxMs', namespace: 'AWS/KinesisAnalytics', metric: 'millisBehindLatest', stat: 'Maximum', dimensions: 'input' },
  { id: 'lag_avg', field: 'lagAvgMs', namespace: 'AWS/KinesisAnalytics', metric: 'millisBehindLatest', stat: 'Average', dimensions: 'input' },
  { id: 'lag_min', field: 'lagMinMs', namespace: 'AWS/KinesisAnalytics', metric: 'millisBehindLatest', stat: 'Minimum', dimensions: 'input' },
  { id: 'records_in', field: 'consumed', namespace: 'AWS/KinesisAnalytics', metric: 'numRecordsInPerSecond', stat: 'Average', dimensions: 'application' },
  { id: 'cpu', field: 'cpu', namespace: 'AWS/KinesisAnalytics', metric: 'cpuUtilization', stat: 'Average', dimensions: 'application' },
  { id: 'container_cpu_max', field: 'containerCpuMax', namespace: 'AWS/KinesisAnalytics', metric: 'containerCPUUtilization', stat: 'Maximum', dimensions: 'application' },
  { id: 'busy_avg', field: 'busyAvg', namespace: 'AWS/KinesisAnalytics', metric: 'busyTimeMsPerSecond', stat: 'Average', dimensions: 'application' },
  { id: 'busy_max', field: 'busyMax', namespace: 'AWS/KinesisAnalytics', metric: 'busyTimeMsPerSecond', stat: 'Maximum', dimensions: 'application' },
  { id: 'busy_min', field: 'busyMin', namespace: 'AWS/KinesisAnalytics', metric: 'busyTimeMsPerSecond', stat: 'Minimum', dimensions: 'application' },
  { id: 'heap_max', field: 'heapMax', namespace: 'AWS/KinesisAnalytics', metric: 'heapMemoryUtilization', stat: 'Maximum', dimensions: 'application' },
  { id: 'kpus', field: 'kpus', namespace: 'AWS/KinesisAnalytics', metric: 'KPUs', stat: 'Maximum', dimensions: 'application' },
  { id: 'downtime_max', field: 'downtimeMaxMs', namespace: 'AWS/KinesisAnalytics', metric: 'downtime', stat: 'Maximum', dimensions: 'application' },
  { id: 'uptime_min', field: 'uptimeMinMs', namespace: 'AWS/KinesisAnalytics', metric: 'uptime', stat: 'Minimum', dimensions: 'application' },
  { id: 'restarts_max', field: 'fullRestartsMax', namespace: 'AWS/KinesisAnalytics', metric: 'fullRestarts', stat: 'Maximum', dimensions: 'application' },
  { id: 'incoming', field: 'incomingRecords', namespace: 'AWS/Kinesis', metric: 'IncomingRecords', stat: 'Sum', dimensions: 'stream' },
  { id: 'write_throttled', field: 'writeThrottled', namespace: 'AWS/Kinesis', metric: 'WriteProvisionedThroughputExceeded', stat: 'Sum', dimensions: 'stream' },
];

/** millisBehindLatest's Id dimension: the stream name with '-' replaced by '_' (Managed Flink's rule). */
export function inputFlowId(streamName: string): string {
  return streamName.replace(/-/g, '_');
}

export function metricQueries(application: string, stream: string): MetricDataQuery[] {
  const dims = {
    application: [{ Name: 'Application', Value: application }],
    input: [
      { Name: 'Id', Value: inputFlowId(stream) },
      { Name: 'Application', Value: application },
      { Name: 'Flow', Value: 'Input' },
    ],
    stream: [{ Name: 'StreamName', Value: stream }],
  };
  return QUERIES.map((q) => ({
    Id: q.id,
    MetricStat: {
      Metric: { Namespace: q.namespace, MetricName: q.metric, Dimensions: dims[q.dimensions] },
      Period: PERIOD,
      Stat: q.stat,
    },
    ReturnData: true,
  }));
}

export class MetricsCollector {
  private readonly queries: MetricDataQuery[];

  constructor(
    private readonly source: MetricsSource,
    application: string,
    stream: string,
    /** Epoch ms the run started: samples are stamped in seconds since then. */
    private readonly runStartMs: number,
  ) {
    this.queries = metricQueries(application, stream);
  }

  /** One sample per minute in [fromMs, toMs) that has any datapoint, oldest first. */
  async collect(fromMs: number, toMs: number): Promise<MinuteSample[]> {
    const byMinute = new Map<number, MinuteSample>();
    let token: string | undefined;
    do {
      const out = await this.source.getMetricData({
        MetricDataQueries: this.queries,
        StartTime: new Date(fromMs),
        EndTime: new Date(toMs),
        ScanBy: 'TimestampAscending',
        NextToken: token,
      });
      for (const result of out.MetricDataResults ?? []) this.absorb(result, byMinute);
      token = out.NextToken;
    } while (token);
    return [...byMinute.values()].sort((a, b) => a.startMs - b.startMs);
  }

  private absorb(result: MetricDataResult, byMinute: Map<number, MinuteSample>): void {
    const spec = QUERIES.find((q) => q.id === result.Id);
    if (!spec) return;
    const stamps = result.Timestamps ?? [];
    const values = result.Values ?? [];
    for (let i = 0; i < stamps.length; i++) {
      const startMs = new Date(stamps[i]).getTime();
      let sample = byMinute.get(startMs);
      if (!sample) {
        sample = blankSample(startMs, Math.round((startMs - this.runStartMs) / 1000));
        byMinute.set(startMs, sample);
      }
      sample[spec.field] = values[i];
    }
  }
}

function blankSample(startMs: number, second: number): MinuteSample {
  return {
    second, startMs, lagMaxMs: null, lagAvgMs: null, lagMinMs: null, consumed: null, cpu: null, containerCpuMax: null,
    busyAvg: null, busyMax: null, busyMin: null, heapMax: null, kpus: null, downtimeMaxMs: null, uptimeMinMs: null,
    fullRestartsMax: null, incomingRecords: null, writeThrottled: null,
  };
}
