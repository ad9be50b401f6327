/**
 * MetricsSource over CloudWatch's GetMetricData (CloudWatchApi: the SDK wrapper on AWS, the twin's
 * CloudWatch in process): one batched call per page for a time window, folded into one reading per
 * 60-second period. Namespaces, names and dimensions come from the metric catalogue; this adapter chooses
 * the statistics the calibrator needs of each.
 */
import type { Dimension, MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchApi } from '../../core/aws-api';
import {
  DEFAULT_RUNTIME, LAG_NOT_YET_REPORTED, METRICS, metricDimensions, metricFor, type MetricDefinition, type MetricScope, type Statistic,
} from '../../core/metric-catalogue';
import type { MetricPeriod, MetricsSource, RequiredSignal, SeriesDiscovery, SeriesRef } from '../ports';

const PERIOD = 60;

type Signal = Exclude<keyof MetricPeriod, 'startMs'>;

interface QuerySpec {
  id: string;
  field: Signal;
  /** The signal in the calibrator's terms, as the report's metricsUsed names it. */
  signal: string;
  metric: MetricDefinition;
  stat: Statistic;
}

/** The queries, with the metric names of `runtime` (fullRestarts is numRestarts from FLINK-2_2). */
function querySpecs(runtime: string): QuerySpec[] {
  return [
    { id: 'lag_max', field: 'lagMaxMs', signal: 'lag', metric: METRICS.millisBehindLatest, stat: 'Maximum' },
    { id: 'lag_avg', field: 'lagAvgMs', signal: 'lag', metric: METRICS.millisBehindLatest, stat: 'Average' },
    { id: 'lag_min', field: 'lagMinMs', signal: 'lag', metric: METRICS.millisBehindLatest, stat: 'Minimum' },
    { id: 'records_in', field: 'consumed', signal: 'consumption', metric: METRICS.numRecordsInPerSecond, stat: 'Average' },
    { id: 'cpu', field: 'cpu', signal: 'cpu', metric: METRICS.cpuUtilization, stat: 'Average' },
    { id: 'container_cpu_max', field: 'containerCpuMax', signal: 'cpu', metric: METRICS.containerCPUUtilization, stat: 'Maximum' },
    { id: 'busy_avg', field: 'busyAvg', signal: 'busy', metric: METRICS.busyTimeMsPerSecond, stat: 'Average' },
    { id: 'busy_max', field: 'busyMax', signal: 'busy', metric: METRICS.busyTimeMsPerSecond, stat: 'Maximum' },
    { id: 'busy_min', field: 'busyMin', signal: 'busy', metric: METRICS.busyTimeMsPerSecond, stat: 'Minimum' },
    { id: 'heap_max', field: 'heapMax', signal: 'heap', metric: METRICS.heapMemoryUtilization, stat: 'Maximum' },
    { id: 'kpus', field: 'kpus', signal: 'kpus', metric: METRICS.KPUs, stat: 'Maximum' },
    { id: 'downtime_max', field: 'downtimeMaxMs', signal: 'downtime', metric: METRICS.downtime, stat: 'Maximum' },
    { id: 'uptime_min', field: 'uptimeMinMs', signal: 'uptime', metric: METRICS.uptime, stat: 'Minimum' },
    { id: 'restarts_max', field: 'fullRestartsMax', signal: 'restarts', metric: metricFor('fullRestarts', runtime), stat: 'Maximum' },
    { id: 'incoming', field: 'incomingRecords', signal: 'intake', metric: METRICS.IncomingRecords, stat: 'Sum' },
    { id: 'write_throttled', field: 'writeThrottled', signal: 'throttles', metric: METRICS.WriteProvisionedThroughputExceeded, stat: 'Sum' },
  ];
}

/** The signals without which the calibrator is blind, and the series behind each. */
const REQUIRED: ReadonlyArray<{ signal: RequiredSignal; field: Signal }> = [
  { signal: 'lag', field: 'lagMaxMs' },
  { signal: 'consumption', field: 'consumed' },
];

export interface CloudWatchMetricsOptions {
  /**
   * The user asserts that no other consumer polls the stream. Only then does the stream's
   * GetRecords.IteratorAgeMilliseconds (the oldest record any GetRecords call returned, across every consumer)
   * measure this job's lag, so only then may it stand in for a missing millisBehindLatest.
   * @default false
   */
  soleConsumer?: boolean;
  /** The Managed Flink runtime, whose metric names the queries use. @default DEFAULT_RUNTIME (FLINK-1_20) */
  runtime?: string;
}

/** The GetMetricData queries for one application and its input stream. */
export function metricQueries(application: string, stream: string, runtime: string = DEFAULT_RUNTIME): MetricDataQuery[] {
  return toQueries(querySpecs(runtime), { application, stream });
}

function toQueries(specs: readonly QuerySpec[], scope: MetricScope): MetricDataQuery[] {
  return specs.map((q) => ({
    Id: q.id,
    MetricStat: {
      Metric: { Namespace: q.metric.namespace, MetricName: q.metric.name, Dimensions: dimensionList(q.metric, scope) },
      Period: PERIOD,
      Stat: q.stat,
    },
    ReturnData: true,
  }));
}

const dimensionList = (def: MetricDefinition, scope: MetricScope): Dimension[] =>
  Object.entries(metricDimensions(def, scope)).map(([Name, Value]) => ({ Name, Value }));

const seriesKey = (namespace: string, name: string, dims: Record<string, string>) =>
  `${namespace}|${name}|${Object.keys(dims).sort().map((k) => `${k}=${dims[k]}`).join(',')}`;

const dimensionRecord = (dims: Dimension[] | undefined): Record<string, string> =>
  Object.fromEntries((dims ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));

export class CloudWatchMetricsSource implements MetricsSource {
  private specs: QuerySpec[];
  private queries: MetricDataQuery[];
  private readonly scope: MetricScope;

  constructor(private readonly api: CloudWatchApi, scope: MetricScope, private readonly options: CloudWatchMetricsOptions = {}) {
    this.scope = { application: scope.application, stream: scope.stream };
    this.specs = querySpecs(options.runtime ?? DEFAULT_RUNTIME);
    this.queries = toQueries(this.specs, this.scope);
  }

  /**
   * ListMetrics for each series the queries name, with its exact dimensions. A missing millisBehindLatest
   * falls back to the stream's iterator age only under soleConsumer; when a required signal is still missing,
   * everything listed for the application and its stream is returned so the caller can name it.
   */
  async discover(): Promise<SeriesDiscovery> {
    const exists = new Map<string, boolean>();
    const check = async (def: MetricDefinition): Promise<boolean> => {
      const dims = metricDimensions(def, this.scope);
      const key = seriesKey(def.namespace, def.name, dims);
      if (!exists.has(key)) {
        const listed = await this.list({ Namespace: def.namespace, MetricName: def.name, Dimensions: dimensionList(def, this.scope) });
        exists.set(key, listed.some((m) => seriesKey(m.namespace, m.name, m.dimensions) === key));
      }
      return exists.get(key)!;
    };
    const notes: string[] = [];
    for (const spec of this.specs) await check(spec.metric);
    const lagSeries = METRICS.millisBehindLatest;
    if (!(await check(lagSeries))) {
      const iteratorAge = METRICS['GetRecords.IteratorAgeMilliseconds'];
      if (this.options.soleConsumer && (await check(iteratorAge))) {
        this.specs = this.specs.map((s) => (s.signal === 'lag' ? { ...s, metric: iteratorAge } : s));
        this.queries = toQueries(this.specs, this.scope);
        notes.push(`no ${lagSeries.name} series for ${this.scope.application}; lag is read from the stream's ${iteratorAge.name} because no other consumer polls ${this.scope.stream} (asserted by the user)`);
      } else {
        notes.push(this.options.soleConsumer
          ? `no ${lagSeries.name} series and no ${iteratorAge.name} series for ${this.scope.stream}`
          : `no ${lagSeries.name} series; ${iteratorAge.name} can stand in only when the user asserts that no other consumer polls ${this.scope.stream}`);
      }
    }
    const used: SeriesRef[] = [];
    const seen = new Set<string>();
    for (const spec of this.specs) {
      const dims = metricDimensions(spec.metric, this.scope);
      const key = `${spec.signal}|${seriesKey(spec.metric.namespace, spec.metric.name, dims)}`;
      if (seen.has(key) || !(await check(spec.metric))) continue;
      seen.add(key);
      used.push({ signal: spec.signal, namespace: spec.metric.namespace, name: spec.metric.name, dimensions: dims });
    }
    const missing = REQUIRED.filter((r) => !used.some((u) => u.signal === r.signal)).map((r) => r.signal);
    const found = missing.length === 0 ? [] : [
      ...(await this.list({ Namespace: 'AWS/KinesisAnalytics', Dimensions: [{ Name: 'Application', Value: this.scope.application }] })),
      ...(await this.list({ Namespace: 'AWS/Kinesis', Dimensions: [{ Name: 'StreamName', Value: this.scope.stream }] })),
    ];
    return { used, missing, found, notes };
  }

  private async list(filter: { Namespace: string; MetricName?: string; Dimensions: Dimension[] }): Promise<Array<Omit<SeriesRef, 'signal'>>> {
    const out: Array<Omit<SeriesRef, 'signal'>> = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.api.listMetrics({ ...filter, NextToken: token });
      for (const m of page.Metrics ?? []) {
        const series = { namespace: m.Namespace ?? '', name: m.MetricName ?? '', dimensions: dimensionRecord(m.Dimensions) };
        // Each series once (an emulator, moto, lists a series once per datapoint).
        const key = seriesKey(series.namespace, series.name, series.dimensions);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(series);
      }
      token = page.NextToken;
    } while (token);
    return out;
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
      for (const result of out.MetricDataResults ?? []) absorb(this.specs, result, byPeriod);
      token = out.NextToken;
    } while (token);
    return [...byPeriod.values()].sort((a, b) => a.startMs - b.startMs).map(withoutUnknownLag);
  }
}

/**
 * millisBehindLatest is -1 until the source's first GetRecords answer: never a reading, and never "caught up".
 * A minute whose Minimum is -1 mixed unknown samples into its Average too, so both are dropped; its Maximum
 * stands when it is a real reading.
 */
function withoutUnknownLag(p: MetricPeriod): MetricPeriod {
  const unknown = LAG_NOT_YET_REPORTED;
  if (p.lagMinMs === null || p.lagMinMs > unknown) return p;
  return { ...p, lagMinMs: null, lagAvgMs: null, lagMaxMs: p.lagMaxMs !== null && p.lagMaxMs > unknown ? p.lagMaxMs : null };
}

function absorb(specs: readonly QuerySpec[], result: MetricDataResult, byPeriod: Map<number, MetricPeriod>): void {
  const spec = specs.find((q) => q.id === result.Id);
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
