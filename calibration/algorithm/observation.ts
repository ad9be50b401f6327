/**
 * What the calibrator measured: one record per minute of CloudWatch datapoints, and per trial the
 * quantities the model is fitted on. Both are plain JSON so a run can be resumed from them.
 */

/** One 60-second period of the metrics the calibrator reads; null where CloudWatch had no datapoint. */
export interface MinuteSample {
  /** Seconds since the run started, at the beginning of this minute. */
  second: number;
  /** Epoch ms of the period's start (the datapoint's timestamp). */
  startMs: number;
  lagMaxMs: number | null;
  lagAvgMs: number | null;
  lagMinMs: number | null;
  /** numRecordsInPerSecond, Average. */
  consumed: number | null;
  /** cpuUtilization, Average (%). */
  cpu: number | null;
  containerCpuMax: number | null;
  /** busyTimeMsPerSecond over subtasks and seconds. */
  busyAvg: number | null;
  busyMax: number | null;
  busyMin: number | null;
  /** heapMemoryUtilization, Maximum (%). */
  heapMax: number | null;
  /** KPUs, Maximum (the billed count, n + 1). */
  kpus: number | null;
  /** downtime, Maximum (ms of the current outage). */
  downtimeMaxMs: number | null;
  /** uptime, Minimum (ms since the last (re)start): a whole running minute has >= 60000 at its end. */
  uptimeMinMs: number | null;
  fullRestartsMax: number | null;
  /** AWS/Kinesis IncomingRecords and WriteProvisionedThroughputExceeded, Sum over the minute. */
  incomingRecords: number | null;
  writeThrottled: number | null;
}

/** What a trial ran: the configuration, the load offered and the stream it came through. */
export interface TrialSetting {
  parallelism: number;
  parallelismPerKpu: number;
  kpus: number;
  /** Records/s the load driver offered during the trial. */
  offeredRecordsPerSecond: number;
  recordBytes: number;
  shards: number;
}

/** A trial's evidence, reduced to what the model needs. Fields are null when the trial could not show them. */
export interface TrialObservation extends TrialSetting {
  /** Minutes the job ran whole, without restart: the ones the estimates come from. */
  cleanMinutes: number;
  /**
   * Clean minutes with records waiting throughout: consumption there is the capacity μ. Shown by lag
   * Minimum > 0, or at lag 0 by consumption against the stream's intake (trial-evaluator.ts isBacklogged).
   */
  backloggedMinutes: number;
  /** Clean minutes caught up (lag under the threshold and consumption equal to the intake): consumption there is the offered load. */
  caughtUpMinutes: number;
  /** Per-second relative noise of the capacity, from the busy-time spread of backlogged minutes. */
  perSecondNoise: number | null;
  consumedRecordsPerSecond: number | null;
  /** μ observed directly: mean consumption over backlogged minutes, and its relative standard error. */
  backlogCapacity: number | null;
  backlogCapacityRelError: number | null;
  /** c_k: CPU ms per record on a full KPU, from cpuUtilization = 100 consumed c_k / (n 1000). */
  cpuMsPerRecord: number | null;
  /** Mean over records of (c_j + w): busyTimeMsPerSecond Average x P / consumed. */
  msPerRecord: number | null;
  /** Share of the records the busiest subtask gets, and the hot-key share h it implies. */
  hotSubtaskShare: number | null;
  hotKeyShare: number | null;
  /** h came from caught-up minutes (exact) rather than backlogged, noisy ones. */
  hotKeyShareExact: boolean;
  /** Relative scatter of the per-minute estimates above (their noise). */
  estimateRelError: number;
  /**
   * The same scatter for c_k and for the busy time per record separately (null below two minutes; absent in
   * observations saved before they existed). A capacity bound by one of them carries only its noise.
   */
  cpuRelError?: number | null;
  msRelError?: number | null;
  /** heapMemoryUtilization Maximum (%) and whether it was at the metric's 100% ceiling (OOM). */
  heapUtilization: number | null;
  heapAtCeiling: boolean;
  fullRestarts: number;
  /** Downtime of the update (or OOM restart) seen in this trial, seconds. */
  downtimeSeconds: number | null;
  /** Stream side: accepted records/s and throttled write attempts/s. */
  acceptedRecordsPerSecond: number | null;
  writeThrottledPerSecond: number | null;
  maxLagMs: number;
  finalLagMs: number | null;
  /** ms of lag per ms over the trial's running minutes (linear fit). */
  lagSlope: number;
  /** The job caught up (lag Maximum under the caught-up threshold) for the last minutes of the trial. */
  caughtUp: boolean;
}
