/**
 * `kpufit twin run`: one configuration on the twin for a while (docs/json-shapes.md "kpufit twin run --json").
 * Starts RUNNING at the given configuration with an empty backlog and the scenario's load from second 0.
 */
import { assess, costPerHourUsd, heapUtilization, round, type Config } from './model';
import { kpusFor } from '../../core/managed-flink';
import type { Scenario } from './scenario';
import { Twin } from './twin';

export interface TwinRunResult {
  scenario: string;
  parallelism: number;
  parallelismPerKpu: number;
  kpus: number;
  durationSeconds: number;
  /** The noise-free μ of docs/twin-model.md section 2. */
  capacityRecordsPerSecond: number;
  offeredPeakRecordsPerSecond: number;
  acceptedPeakRecordsPerSecond: number;
  maxLagMs: number;
  finalLagMs: number;
  /** ms of lag per second of time over the last third of the run (least squares). */
  lagSlope: number;
  heapUtilization: number;
  fullRestarts: number;
  feasible: boolean;
  kpuHours: number;
  costUsd: number;
  /** extra: lagSlope in ms of lag per ms of time (= 1 - μ/λ when the job falls behind). */
  lagGrowthMsPerMs: number;
  /** extra: which bound sets μ, and why the configuration is not feasible. */
  bottleneck: string;
  infeasibleBecause: string[];
  /** extra: records the producer still holds for retry at the end (the stream throttled). */
  producerPendingRetry: number;
}

export interface RunOptions extends Config {
  durationSeconds: number;
  /** Called every `progressEverySeconds` simulated seconds. */
  onProgress?: (second: number, lagMs: number | null) => void;
  progressEverySeconds?: number;
}

export function runScenario(scenario: Scenario, options: RunOptions): TwinRunResult {
  const config: Config = { parallelism: options.parallelism, parallelismPerKpu: options.parallelismPerKpu };
  const twin = Twin.fromScenario(scenario, { startStatus: 'RUNNING', ...config });
  twin.setOfferedLoad(scenario.load.profile, scenario.load.recordBytes);
  const duration = options.durationSeconds;
  const tailFrom = duration - Math.floor(duration / 3);
  const fit = new LeastSquares();
  let offeredPeak = 0;
  let acceptedPeak = 0;
  let maxLag = 0;
  let finalLag = 0;
  const every = options.progressEverySeconds ?? 3600;
  for (let s = 0; s < duration; s++) {
    twin.advance(1);
    const o = twin.lastSecond();
    offeredPeak = Math.max(offeredPeak, o.offered);
    acceptedPeak = Math.max(acceptedPeak, o.accepted);
    if (o.lagMs !== null) {
      maxLag = Math.max(maxLag, o.lagMs);
      finalLag = o.lagMs;
      if (s >= tailFrom) fit.add(s, o.lagMs);
    }
    if (options.onProgress && (s + 1) % every === 0) options.onProgress(s + 1, o.lagMs);
  }
  const kpus = kpusFor(config.parallelism, config.parallelismPerKpu);
  const kpuHours = twin.kpuHours();
  const verdict = assess(scenario, config);
  const slope = fit.slope();
  return {
    scenario: scenario.name,
    parallelism: config.parallelism,
    parallelismPerKpu: config.parallelismPerKpu,
    kpus,
    durationSeconds: duration,
    capacityRecordsPerSecond: verdict.capacityRecordsPerSecond,
    offeredPeakRecordsPerSecond: round(offeredPeak, 3),
    acceptedPeakRecordsPerSecond: round(acceptedPeak, 3),
    maxLagMs: Math.round(maxLag),
    finalLagMs: Math.round(finalLag),
    lagSlope: round(slope, 3),
    heapUtilization: round(heapUtilization(scenario.job, kpus), 4),
    fullRestarts: twin.fullRestarts(),
    feasible: verdict.feasible,
    kpuHours: round(kpuHours, 4),
    // Billed hours of the application = KPU-hours / (n + 1).
    costUsd: round((costPerHourUsd(kpus, scenario.pricing) * kpuHours) / (kpus + 1), 4),
    lagGrowthMsPerMs: round(slope / 1000, 5),
    bottleneck: verdict.bottleneck,
    infeasibleBecause: verdict.reasons,
    producerPendingRetry: round(twin.producerStats().pendingRetry, 3),
  };
}

/** Slope of a least-squares line through (x, y) points; 0 with fewer than two points. */
class LeastSquares {
  private n = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;

  add(x: number, y: number): void {
    this.n++;
    this.sx += x;
    this.sy += y;
    this.sxx += x * x;
    this.sxy += x * y;
  }

  slope(): number {
    const d = this.n * this.sxx - this.sx * this.sx;
    return this.n < 2 || d === 0 ? 0 : (this.n * this.sxy - this.sx * this.sy) / d;
  }
}
