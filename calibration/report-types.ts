/**
 * The right-sizing report: DIR/report.json and `kpufit calibrate --json`. The fields of docs/json-shapes.md are
 * fixed (scripts outside the code read them); the ones marked "extra" are ours to evolve.
 */
import type { RateProfile } from '../core/rate-profile';

export type CalibrationVerdict = 'recommended' | 'stream-bound' | 'infeasible-within-limits' | 'aborted';

export interface Slo {
  maxLagMs: number;
  catchUpSeconds: number;
  targetUtilization: number;
  maxHeapUtilization: number;
}

export interface Configuration {
  parallelism: number;
  parallelismPerKpu: number;
  kpus: number;
}

export interface Trial extends Configuration {
  startSecond: number;
  durationSeconds: number;
  /** Highest millisBehindLatest Maximum over the trial's minutes as the lag chart draws them (restart included). */
  maxLagMs: number;
  /** ms of lag per ms of time: least-squares slope of the same charted minutes. */
  lagSlope: number;
  estimatedCapacityRecordsPerSecond: number;
  /** Average cpuUtilization (%) over the trial. */
  cpuUtilization: number;
  verdict: 'pass' | 'fail' | 'inconclusive';
  reason: string;
  /** extra: how the capacity was estimated (lag-slope, catch-up, busy-time, cpu). */
  estimateMethod?: string;
  /** extra: measured downtime of the update that started this trial, seconds. */
  updateDowntimeSeconds?: number;
  /** extra: heapMemoryUtilization maximum (%), fullRestarts during the trial, busiest subtask busy ms/s. */
  heapUtilization?: number;
  fullRestarts?: number;
  maxBusyTimeMsPerSecond?: number;
  /**
   * extra: the evaluator's lag over the minutes once the trial's configuration was RUNNING (the update's
   * minutes left out), what the verdict used: highest millisBehindLatest Maximum, and the slope of the lag Average.
   */
  runningMaxLagMs?: number;
  runningLagSlope?: number;
}

/** extra: one point a minute for the charts. */
export interface TimelinePoint {
  second: number;
  millisBehindLatest: number | null;
  offeredRecordsPerSecond: number;
  recordsInPerSecond: number | null;
  kpus: number;
  parallelism: number;
  parallelismPerKpu: number;
  status: string;
}

/** extra: what Managed Flink's built-in CPU autoscaling does on the same load, run on the twin. */
export interface AutoscalingComparison {
  /** Seconds until millisBehindLatest stays within the SLO for good; null if it never does. */
  secondsToWithinSlo: number | null;
  kpuHours: number;
  finalParallelism: number;
  finalParallelismPerKpu: number;
  finalKpus: number;
  scalingEvents: number;
  simulatedSeconds: number;
}

export interface LocalRunInfo {
  workload: string;
  jobProperties: Record<string, string>;
  periodSeconds: number;
  /** Cores per emulated KPU (null: no CPU emulation) and heap per KPU, MB. */
  kpuCpu: number | null;
  kpuHeapMb: number;
  shards: number;
  /** The JVM's idle CPU measured at start, granted on top of every quota, cores. */
  overheadCores: number;
  /** kinesis-local's measured PutRecords rate and the highest rate a trial may offer, records/s. */
  emulatorPutRecordsPerSecond: number;
  emulatorUsableRecordsPerSecond: number;
  /** Every stop-with-savepoint + restore: wall seconds from the stop to every task RUNNING. */
  updates: { fromParallelism: number; fromParallelismPerKpu: number; parallelism: number; parallelismPerKpu: number; downtimeWallSeconds: number; error?: string }[];
  wallSeconds: number;
  /** The most seconds of load kinesis-local was behind the offered rate; above ~3 the emulator bound the run. */
  worstLoadShortfallSeconds: number;
}

/**
 * extra: one constraint that binds the answer, with its numbers (calibration/algorithm/binding-constraints.ts).
 * `required` is what the load asks of it and `limit` what it gives, both in `unit`.
 */
export type BindingConstraint =
  | {
    /** Writes: the shards accept at most S · L records/s even with evenly spread keys. */
    kind: 'stream-write-limit'; unit: 'records/s'; required: number; limit: number; shards: number; shardsNeeded: number;
  }
  | {
    /** One partition key's records all go to one shard, which accepts L records/s. */
    kind: 'hot-partition-key'; unit: 'records/s'; keyShare: number; required: number; limit: number;
    /** The key alone exceeds a shard: no shard count helps until it is spread. */
    spreadNeeded: boolean;
    /** Fewest shards at this key distribution (null when spreadNeeded), and once the key is spread. */
    shardsNeeded: number | null; shardsOnceSpread: number;
  }
  | {
    /** Reads: S · min(2 MiB/s / b, 50,000) under the required capacity. */
    kind: 'stream-read-limit'; unit: 'records/s'; required: number; limit: number; shards: number; shardsNeeded: number;
  }
  | {
    /** The subtask that gets the hot key's records: H = rate(j) / (h + (1 - h) / P). */
    kind: 'hot-key-subtask'; unit: 'records/s'; keyShare: number; required: number; limit: number; parallelism: number; parallelismPerKpu: number;
  }
  | {
    /** All subtasks busy: C; `resource` says whether the vCPU or the subtasks' own (I/O-waiting) time binds. */
    kind: 'compute'; unit: 'records/s'; resource: 'cpu' | 'io'; required: number; limit: number; parallelism: number; parallelismPerKpu: number;
  }
  | {
    /** Heap per KPU (base + state / n) against the SLO: the KPUs memory alone needs. */
    kind: 'memory'; unit: '% heap per KPU'; required: number; limit: number; kpus: number;
  };


/** extra: streamAdvice's fields beyond the reference's shards, requiredShards and cause. */
export interface StreamAdviceDetail {
  /** Fewest shards that accept the peak under the key distribution seen (may be fewer than the stream has); null: a hot partition key, no count helps. */
  minimumShards?: number | null;
  /** Fewest shards once the partition keys are spread evenly. */
  shardsOnceKeySpread?: number;
  /** Share of the records on the hottest partition key, when throttling showed it. */
  partitionKeyShare?: number;
}

export interface CalibrationReport {
  schemaVersion: 1;
  target: 'twin' | 'aws' | 'local';
  application: string;
  stream: string;
  load: { recordsPerSecond: number; recordBytes: number; profile?: RateProfile };
  slo: Slo;
  verdict: CalibrationVerdict;
  recommendation: (Configuration & {
    estimatedCapacityRecordsPerSecond: number;
    costPerHourUsd: number;
    costPerMonthUsd: number;
  }) | null;
  streamAdvice: { shards: number; requiredShards: number; cause?: 'write-throughput' | 'hot-partition-key' } & StreamAdviceDetail;
  initial: Configuration;
  trials: Trial[];
  reconfigurations: number;
  elapsedSeconds: number;
  calibrationKpuHours: number;
  restoredOriginal: boolean;
  /** extra: one line on why this verdict (e.g. "memory-bound: heap per KPU above 90% below 4 KPUs"). */
  explanation?: string;
  /** extra: the bottleneck the model found: compute, io, hot-key, source, memory, stream. */
  bottleneck?: string;
  /** extra: every constraint that binds (the stream's write and read limits, a hot partition key, the hot-key subtask, compute, memory), with its numbers. */
  constraints?: BindingConstraint[];
  /** extra: measured downtime of one update and the catch-up requirement it implies. */
  updateDowntimeSeconds?: number;
  timeline?: TimelinePoint[];
  builtInAutoscaling?: AutoscalingComparison;
  /** extra: the prices the costs were computed with (report.md shows the breakdown from them). */
  pricing?: { kpuHourUsd: number; storageGbMonthUsd: number };
  /**
   * extra, local target only: how the run was emulated. Times in the report (seconds, lags, downtimes, KPU-hours)
   * are in the calibrator's compressed units: one 60-second period lasted `periodSeconds` wall seconds.
   */
  local?: LocalRunInfo;
  /** extra: the scenario file on the twin. */
  scenario?: string;
  generatedAt?: string;
  /** extra: the series the calibrator read, found by discovery before it changed anything (docs/metrics.md). */
  metricsUsed?: MetricSeriesUsed[];
  /** extra: what discovery decided and why (e.g. lag read from the stream's iterator age). */
  metricsNotes?: string[];
}

export interface MetricSeriesUsed {
  /** lag, consumption, cpu, busy, heap, kpus, downtime, uptime, restarts, intake, throttles. */
  signal: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}
