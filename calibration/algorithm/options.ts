/**
 * Every knob of the calibration algorithm in one place, each with its default and why. The defaults are
 * priors about Managed Flink in general, not about any one scenario; the model replaces each prior with a
 * measurement as soon as a trial shows it.
 */
export interface AlgorithmOptions {
  /**
   * Slot contention γ assumed before two different ParallelismPerKPU values have been measured
   * (c_j = cpu (1 + γ (j - 1))). Default 0.05: pessimistic against the 1-3% typical of I/O-light
   * operators, so the first candidate rarely fails; the candidate's own trial then measures it.
   */
  priorSlotContention: number;
  /** Largest γ considered possible: bounds what "excluded by the model" may assume. Default 0.5. */
  maxSlotContention: number;
  /**
   * Hot-key share h assumed before a trial with Parallelism > 1 measured it. Default 0: busy-time skew is
   * visible in the first multi-subtask trial, which then corrects it.
   */
  priorHotKeyShare: number;
  /** Largest h considered possible before it was measured. Default 0.5. */
  maxHotKeyShare: number;
  /**
   * Update downtime assumed before the first update was measured, seconds. Default 60: Managed Flink's
   * snapshot + restart of a small-state job; the first update measures the real one.
   */
  priorUpdateDowntimeSeconds: number;
  /**
   * Heap a KPU uses without state, MB, before two KPU counts have been measured (heap per KPU =
   * base + state / n). Default 600: Flink's framework and task heap on an idle KPU.
   */
  priorBaseHeapMb: number;
  /**
   * An out-of-memory KPU shows heapMemoryUtilization at 100% however much it lacks; assume it needed this
   * multiple of its heap. Default 4 (two doublings): lands the next probe below the limit in one step for
   * state up to ~4 heaps, and the first unclipped reading then replaces the guess.
   */
  ceilingHeapFactor: number;
  /**
   * z-score of the noise margins: a measured quantity counts as above a threshold when it is more than
   * z standard errors above it. Default 3.
   */
  marginZ: number;
  /**
   * Floor of the relative margin, for estimates whose scatter could not be measured or is zero (ratios
   * from caught-up minutes carry no noise). Default 0.002 (0.2%).
   */
  minRelativeMargin: number;
  /** Minutes of clean metrics a trial needs before it can fail. Default 2. */
  minTrialMinutes: number;
  /** Minutes a passing trial must stay caught up after the catch-up. Default 2. */
  steadyMinutes: number;
  /** A minute counts as caught up when its lag Maximum is below this, ms. Default 2000 (docs/twin-model.md accuracy). */
  caughtUpLagMs: number;
  /** Longest first trial at the original configuration, minutes (autoscaling reacts after 15). Default 5. */
  firstTrialMaxMinutes: number;
  /** Most trials before the run gives its best answer. Default 8. */
  maxTrials: number;
  /** DescribeApplication polling while an update runs, seconds. Default 5 (twin) — the AWS run uses 15. */
  pollSeconds: number;
  /** Longest an update may take before the run fails, seconds. Default 1800. */
  updateTimeoutSeconds: number;
  /** How long to wait past a minute's end for its CloudWatch datapoints, seconds. Default 0 (twin); AWS 120. */
  metricsDelaySeconds: number;
}

export const DEFAULT_ALGORITHM_OPTIONS: Readonly<AlgorithmOptions> = Object.freeze({
  priorSlotContention: 0.05,
  maxSlotContention: 0.5,
  priorHotKeyShare: 0,
  maxHotKeyShare: 0.5,
  priorUpdateDowntimeSeconds: 60,
  priorBaseHeapMb: 600,
  ceilingHeapFactor: 4,
  marginZ: 3,
  minRelativeMargin: 0.002,
  minTrialMinutes: 2,
  steadyMinutes: 2,
  caughtUpLagMs: 2000,
  firstTrialMaxMinutes: 5,
  maxTrials: 8,
  pollSeconds: 5,
  updateTimeoutSeconds: 1800,
  metricsDelaySeconds: 0,
});

export function algorithmOptions(overrides: Partial<AlgorithmOptions> = {}): AlgorithmOptions {
  return { ...DEFAULT_ALGORITHM_OPTIONS, ...overrides };
}
