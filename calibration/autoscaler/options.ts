/**
 * Every knob of the autoscaling policy in one place, each with its default and why (as the Flink
 * Kubernetes operator's AutoScalerOptions and the calibrator's AlgorithmOptions). The defaults are about
 * Managed Flink in general, not about any one job: the model learns the job.
 */
export interface AutoscalerOptions {
  /**
   * Share of a configuration's capacity the steady input may use (the SLO's targetUtilization). Default
   * 0.8, as the calibrator's: room for the noise of a minute and for the input to grow while a scale-up
   * restarts the job.
   */
  targetUtilization: number;
  /**
   * Scale up when the input needs more than this share of the current capacity; a forecast peak is sized
   * at it. Default 0.9: above the target, so noise around the target does not trigger a restart
   * (hysteresis with scaleDownUtilization).
   */
  scaleUpUtilization: number;
  /**
   * The scale-up threshold instead, when a restart alone breaches the SLO's lag (large state): such a
   * restart costs SLO minutes for certain, while running hot costs none as long as the input stays under
   * the capacity (the lag does not grow), so scale up only when the input is predicted (now, on its trend
   * or by the daily forecast within the restart time) to exceed the capacity itself, or the lag grows.
   * Default 1.
   */
  slowRestartScaleUpUtilization: number;
  /**
   * Scale down only when the input, over the stabilisation window and the forecast horizon, uses less
   * than this share of the current capacity. Default 0.5.
   */
  scaleDownUtilization: number;
  /** Seconds within which a backlog (and a restart's own backlog) must be drained (the SLO's catchUpSeconds). Default 600. */
  catchUpSeconds: number;
  /**
   * Lag (ms) above which the job counts as behind even at a modest utilization: a backlog that should be
   * drained now. Default 15000 (a quarter of the usual 60 s SLO).
   */
  backlogLagMs: number;
  /** Minutes after a reconfiguration before another scale-up is considered. Default 3 (the restart's catch-up). */
  scaleUpCooldownMinutes: number;
  /**
   * Whole running minutes the new configuration must show before any further decision: a slow restart
   * (large state) must not be mistaken for a configuration that cannot keep up. Default 2; waiting ends
   * after 30 minutes whatever happened (e.g. the application was changed by someone else).
   */
  settleMinutes: number;
  /**
   * Minutes of stable metrics after any reconfiguration before a scale-down is considered, and the window
   * whose peak input a scale-down must still cover. Default 60 (the Flink operator's scale-down interval).
   */
  scaleDownStabilizationMinutes: number;
  /**
   * Hours a scale-down's saving is counted over (or until the forecast says the input comes back).
   * Default 3.
   */
  scaleDownHorizonHours: number;
  /**
   * KPU-hours a restart is worth: a scale-down must save more than this (plus the SLO penalty below) over
   * its horizon. Default 1.5: the restart's downtime, the catch-up and the risk of a wrong estimate.
   */
  restartCostKpuHours: number;
  /**
   * KPU-hours charged per minute a restart is predicted to spend above the SLO's lag: a slow-restarting
   * (large-state) job scales down only for a large saving. Default 10 (an SLO minute is worth more than
   * an hour of a large configuration).
   */
  sloMinutePenaltyKpuHours: number;
  /**
   * When a restart alone keeps the job down longer than the SLO's lag allows (large state), the new
   * configuration must bring the lag back under the SLO within this many minutes of the restart's end,
   * so each restart costs few violation minutes. Default 3.
   */
  restartRecoveryMinutes: number;
  /** Fewest and most KPUs the policy may choose. Defaults 1 and 64 (the default quota). */
  minKpus: number;
  maxKpus: number;
  /** Largest Parallelism (the job's max parallelism). Default 256. */
  maxParallelism: number;
  /** Highest hourly cost the policy may choose, USD; null: no cap. Default null. */
  maxCostPerHourUsd: number | null;
  /** Largest heap utilization a configuration may run at (memory-bound jobs set the floor). Default 0.85. */
  maxHeapUtilization: number;
  /**
   * A scale-up whose throughput rose less than this share of what the model promised was ineffective:
   * further scale-ups are blocked (stream-bound or hot key). Default 0.3.
   */
  minEffectiveGain: number;
  /** Minutes an ineffective scale-up blocks further ones before the policy tries again. Default 360. */
  ineffectiveBlockMinutes: number;
  /** Predict the daily pattern from the last days and pre-scale before it. Default true. */
  predictDaily: boolean;
  /** Period of the pattern, seconds. Default 86400. */
  seasonSeconds: number;
  /** Resolution of the stored input history, minutes. Default 5. */
  historyBucketMinutes: number;
  /** Days of input history kept for the prediction. Default 3. */
  historyDays: number;
  /**
   * How far ahead a scale-up sizes for (the forecast's peak over this window), minutes: fewer, larger
   * steps on a rising input. Default 240.
   */
  scaleUpLookaheadMinutes: number;
  /** Minutes of recent input used for the trend of a ramp. Default 10. */
  trendMinutes: number;
  /** How far a rising trend is projected when sizing a scale-up, minutes. Default 60. */
  trendHorizonMinutes: number;
  /**
   * Reconfigurations per rolling day the policy plans for: a scale-down waits while fewer than two remain
   * (room for the scale-up that may follow). Scale-ups are never refused for it. Default 6.
   */
  maxReconfigurationsPerDay: number;
  /**
   * Clean running minutes the policy watches before acting on a model that started from priors (no
   * model.json): one minute of the job's own busy time and CPU replaces the priors. Default 2.
   */
  warmupMinutes: number;
  /** Weight of the newest minute in the online model (exponential moving average). Default 0.2. */
  learningRate: number;
  /** Priors before any measurement: CPU ms per record, slot contention, downtime seconds, base heap MB. */
  priorCpuMsPerRecord: number;
  priorSlotContention: number;
  priorDowntimeSeconds: number;
  priorBaseHeapMb: number;
  /**
   * Before a restart was measured, its downtime is taken as priorRestartSeconds + state / this (the state
   * the heap shows is snapshotted and restored), if that is longer than priorDowntimeSeconds. Defaults 30 s
   * and 50 MB/s (twin.md's Managed Flink restart model).
   */
  priorRestartSeconds: number;
  priorSnapshotMbPerSecond: number;
}

export const DEFAULT_AUTOSCALER_OPTIONS: Readonly<AutoscalerOptions> = Object.freeze({
  targetUtilization: 0.8,
  scaleUpUtilization: 0.9,
  slowRestartScaleUpUtilization: 1,
  scaleDownUtilization: 0.5,
  catchUpSeconds: 600,
  backlogLagMs: 15000,
  scaleUpCooldownMinutes: 3,
  settleMinutes: 2,
  scaleDownStabilizationMinutes: 60,
  scaleDownHorizonHours: 3,
  restartCostKpuHours: 1.5,
  sloMinutePenaltyKpuHours: 10,
  restartRecoveryMinutes: 3,
  minKpus: 1,
  maxKpus: 64,
  maxParallelism: 256,
  maxCostPerHourUsd: null,
  maxHeapUtilization: 0.85,
  minEffectiveGain: 0.3,
  ineffectiveBlockMinutes: 360,
  predictDaily: true,
  seasonSeconds: 86400,
  historyBucketMinutes: 5,
  historyDays: 3,
  scaleUpLookaheadMinutes: 240,
  trendMinutes: 10,
  trendHorizonMinutes: 60,
  maxReconfigurationsPerDay: 6,
  warmupMinutes: 2,
  learningRate: 0.2,
  priorCpuMsPerRecord: 1,
  priorSlotContention: 0.05,
  priorDowntimeSeconds: 60,
  priorBaseHeapMb: 600,
  priorRestartSeconds: 30,
  priorSnapshotMbPerSecond: 50,
});

/** The defaults with overrides, checked: the hysteresis band must be ordered, the limits consistent. */
export function autoscalerOptions(overrides: Partial<AutoscalerOptions> = {}): AutoscalerOptions {
  const o = { ...DEFAULT_AUTOSCALER_OPTIONS, ...overrides };
  const problems: string[] = [];
  if (!(o.scaleDownUtilization > 0 && o.scaleDownUtilization < o.targetUtilization && o.targetUtilization <= o.scaleUpUtilization && o.scaleUpUtilization <= 1)) {
    problems.push(`utilizations must satisfy 0 < scaleDown (${o.scaleDownUtilization}) < target (${o.targetUtilization}) <= scaleUp (${o.scaleUpUtilization}) <= 1`);
  }
  if (!(Number.isInteger(o.minKpus) && Number.isInteger(o.maxKpus) && o.minKpus >= 1 && o.minKpus <= o.maxKpus)) {
    problems.push(`KPU limits must be integers with 1 <= minKpus (${o.minKpus}) <= maxKpus (${o.maxKpus})`);
  }
  if (!(o.slowRestartScaleUpUtilization >= o.scaleUpUtilization && o.slowRestartScaleUpUtilization <= 1)) {
    problems.push(`slowRestartScaleUpUtilization (${o.slowRestartScaleUpUtilization}) must be between scaleUp (${o.scaleUpUtilization}) and 1`);
  }
  if (!(o.catchUpSeconds > 0)) problems.push(`catchUpSeconds must be > 0, got ${o.catchUpSeconds}`);
  if (o.maxCostPerHourUsd !== null && !(o.maxCostPerHourUsd > 0)) problems.push(`maxCostPerHourUsd must be > 0 or null, got ${o.maxCostPerHourUsd}`);
  if (problems.length > 0) throw new RangeError(`autoscaler options: ${problems.join('; ')}`);
  return o;
}
