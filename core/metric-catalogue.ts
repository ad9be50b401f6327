/**
 * The CloudWatch series kpufit reads, alarms on and simulates, defined once: Managed Service for Apache
 * Flink's application metrics (AWS/KinesisAnalytics) and the Kinesis stream's (AWS/Kinesis). The stack's
 * typed metric helpers, the calibrator's CloudWatch queries and the twin's published metrics all take
 * namespace, name, dimensions and unit from here, so the three cannot drift apart.
 */

export type MetricNamespace = 'AWS/KinesisAnalytics' | 'AWS/Kinesis';
export type Statistic = 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';
export type MetricUnit = 'Milliseconds' | 'Count' | 'Count/Second' | 'Percent' | 'Bytes';

/**
 * The dimension sets a series is published with: the application alone; the application's Kinesis input
 * (Managed Flink's source metrics carry Id and Flow); the stream alone.
 */
export type DimensionSet = 'application' | 'application-input' | 'stream';

export interface MetricDefinition {
  readonly namespace: MetricNamespace;
  readonly name: string;
  readonly dimensions: DimensionSet;
  /** The statistic that makes sense for an alarm or a dashboard line (queries may ask for others). */
  readonly statistic: Statistic;
  readonly unit: MetricUnit;
  /** Short label for dashboards and alarm descriptions. */
  readonly label: string;
  /**
   * The value a gauge reports before it knows (millisBehindLatest: -1 until the source's first GetRecords
   * answer). Readers must treat it as "no reading", never as a measurement (-1 is not "caught up").
   */
  readonly unknownValue?: number;
}

/** What millisBehindLatest reads before the source's first GetRecords answer: unknown, not caught up. */
export const LAG_NOT_YET_REPORTED = -1;

type Named<N extends string> = MetricDefinition & { readonly name: N };
const flink = <N extends string>(name: N, statistic: Statistic, unit: MetricUnit, label: string, dimensions: DimensionSet = 'application', unknownValue?: number): Named<N> =>
  ({ namespace: 'AWS/KinesisAnalytics', name, dimensions, statistic, unit, label, ...(unknownValue === undefined ? {} : { unknownValue }) });
const stream = <N extends string>(name: N, statistic: Statistic, unit: MetricUnit, label: string): Named<N> =>
  ({ namespace: 'AWS/Kinesis', name, dimensions: 'stream', statistic, unit, label });

/** Every series, keyed by its CloudWatch metric name. */
export const METRICS = {
  /**
   * How far the Kinesis source is behind the newest record of the stream; the calibration SLO. Published by
   * the job's own gauge (flink-app JobMetrics.lagGauge: kinesisanalytics → Id → Flow=Input), -1 until the
   * source's first GetRecords answer.
   */
  millisBehindLatest: flink('millisBehindLatest', 'Maximum', 'Milliseconds', 'millisBehindLatest (ms)', 'application-input', LAG_NOT_YET_REPORTED),
  numRecordsInPerSecond: flink('numRecordsInPerSecond', 'Average', 'Count/Second', 'Records in/s'),
  numRecordsOutPerSecond: flink('numRecordsOutPerSecond', 'Average', 'Count/Second', 'Records out/s'),
  cpuUtilization: flink('cpuUtilization', 'Average', 'Percent', 'CPU (%)'),
  containerCPUUtilization: flink('containerCPUUtilization', 'Average', 'Percent', 'Container CPU (%)'),
  containerMemoryUtilization: flink('containerMemoryUtilization', 'Average', 'Percent', 'Container memory (%)'),
  /** ms per second the busiest subtask worked: near 1000 means that operator is the bottleneck. */
  busyTimeMsPerSecond: flink('busyTimeMsPerSecond', 'Maximum', 'Milliseconds', 'Busy (ms/s)'),
  /** ms per second a subtask waited on its downstream. */
  backPressuredTimeMsPerSecond: flink('backPressuredTimeMsPerSecond', 'Maximum', 'Milliseconds', 'Back-pressured (ms/s)'),
  idleTimeMsPerSecond: flink('idleTimeMsPerSecond', 'Average', 'Milliseconds', 'Idle (ms/s)'),
  heapMemoryUtilization: flink('heapMemoryUtilization', 'Maximum', 'Percent', 'Heap utilization (%)'),
  /** KPUs billed (the application's n plus the orchestration KPU); what calibration minimises. */
  KPUs: flink('KPUs', 'Maximum', 'Count', 'KPUs'),
  /** ms the job was not running during the period (restarting, failing). */
  downtime: flink('downtime', 'Maximum', 'Milliseconds', 'Downtime (ms)'),
  uptime: flink('uptime', 'Maximum', 'Milliseconds', 'Uptime (ms)'),
  /** Full restarts since the job started; an increase is a failure. Renamed numRestarts from FLINK-2_2. */
  fullRestarts: flink('fullRestarts', 'Maximum', 'Count', 'Full restarts'),
  /** fullRestarts' name from FLINK-2_2 on (see metricFor). */
  numRestarts: flink('numRestarts', 'Maximum', 'Count', 'Restarts'),
  numberOfFailedCheckpoints: flink('numberOfFailedCheckpoints', 'Maximum', 'Count', 'Failed checkpoints'),
  lastCheckpointDuration: flink('lastCheckpointDuration', 'Maximum', 'Milliseconds', 'Last checkpoint duration (ms)'),
  lastCheckpointSize: flink('lastCheckpointSize', 'Maximum', 'Bytes', 'Last checkpoint size (bytes)'),
  /**
   * The job's own counters (flink-app JobMetrics, group kinesisanalytics): records refused by the parser and
   * records behind the watermark whose window had closed. Cumulative since the job started, so alarms
   * evaluate their increase (DIFF).
   */
  malformedRecords: flink('malformedRecords', 'Maximum', 'Count', 'Malformed records (since start)'),
  lateRecords: flink('lateRecords', 'Maximum', 'Count', 'Late records (since start)'),
  IncomingRecords: stream('IncomingRecords', 'Sum', 'Count', 'Incoming records'),
  /** Records read from the stream by all its consumers (the Flink source, the processor, the archive). */
  OutgoingRecords: stream('OutgoingRecords', 'Sum', 'Count', 'Outgoing records'),
  IncomingBytes: stream('IncomingBytes', 'Sum', 'Bytes', 'Incoming bytes'),
  WriteProvisionedThroughputExceeded: stream('WriteProvisionedThroughputExceeded', 'Sum', 'Count', 'Write throttles'),
  ReadProvisionedThroughputExceeded: stream('ReadProvisionedThroughputExceeded', 'Sum', 'Count', 'Read throttles'),
  'GetRecords.IteratorAgeMilliseconds': stream('GetRecords.IteratorAgeMilliseconds', 'Maximum', 'Milliseconds', 'Iterator age (ms)'),
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

/** What a series is about: the application and the stream it reads. */
export interface MetricScope {
  application: string;
  stream: string;
}

/** The Id dimension of the application's Kinesis input: the stream name with '-' replaced by '_'. */
export function inputFlowId(streamName: string): string {
  return streamName.replace(/-/g, '_');
}

/** The dimensions (name → value) a series is published with for this application and stream. */
export function metricDimensions(def: MetricDefinition, scope: MetricScope): Record<string, string> {
  switch (def.dimensions) {
    case 'application':
      return { Application: scope.application };
    case 'application-input':
      return { Id: inputFlowId(scope.stream), Application: scope.application, Flow: 'Input' };
    case 'stream':
      return { StreamName: scope.stream };
  }
}

/**
 * Metric names that depend on the Managed Flink runtime: from `since` on, `name` is published as `renamed`
 * (or, with `renamed` absent, deprecated without a successor). A runtime upgrade is then a configuration
 * change: callers ask metricFor(name, runtime) instead of naming the series themselves.
 */
export const RUNTIME_RENAMES: readonly { name: MetricName; since: string; renamed?: MetricName }[] = [
  { name: 'fullRestarts', since: 'FLINK-2_2', renamed: 'numRestarts' },
  { name: 'uptime', since: 'FLINK-2_2' },
  { name: 'downtime', since: 'FLINK-2_2' },
];

/** The runtime the stack deploys (stacks/flink-application.ts default) and the calibrator assumes. */
export const DEFAULT_RUNTIME = 'FLINK-1_20';

/** [major, minor] of a runtime environment such as FLINK-1_20; throws on anything else. */
export function runtimeVersion(runtime: string): [number, number] {
  const m = /^FLINK-(\d+)_(\d+)$/.exec(runtime);
  if (!m) throw new Error(`runtime: expected FLINK-<major>_<minor> such as ${DEFAULT_RUNTIME} (got ${JSON.stringify(runtime)})`);
  return [Number(m[1]), Number(m[2])];
}

function atLeast(runtime: string, since: string): boolean {
  const [a, b] = runtimeVersion(runtime);
  const [c, d] = runtimeVersion(since);
  return a > c || (a === c && b >= d);
}

/** The definition of `name` as `runtime` publishes it: renamed where the runtime renamed it. */
export function metricFor(name: MetricName, runtime: string = DEFAULT_RUNTIME): MetricDefinition {
  const rename = RUNTIME_RENAMES.find((r) => r.name === name && r.renamed && atLeast(runtime, r.since));
  return METRICS[rename?.renamed ?? name];
}

/** Whether `runtime` has deprecated `name` without a successor (read it if present, never require it). */
export function isDeprecated(name: MetricName, runtime: string = DEFAULT_RUNTIME): boolean {
  return RUNTIME_RENAMES.some((r) => r.name === name && !r.renamed && atLeast(runtime, r.since));
}
