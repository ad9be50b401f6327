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
  const run = new ScenarioRun(scenario, options);
  run.advance(options.durationSeconds);
  return run.result();
}

/** At most this many blocks of per-second lag sums, whatever the duration (memory stays bounded). */
const SLOPE_BLOCKS = 4096;

/**
 * One `twin run` that can be advanced a stretch at a time, so a caller can stop it between stretches
 * (a signal) and still get the result of the seconds simulated so far.
 */
export class ScenarioRun {
  private readonly twin: Twin;
  private readonly config: Config;
  private readonly duration: number;
  private readonly tailFrom: number;
  /** The slope over the requested run's last third, exact. */
  private readonly fit = new LeastSquares();
  /**
   * Per-block sums of the lag, for the last third of a run stopped early. Blocks start at 1 s and double
   * (neighbours merged) whenever there would be more than SLOPE_BLOCKS: the tail then starts at most
   * 1/2,048 of the seconds simulated late, and is exact for the first 4,096 s.
   */
  private blockSeconds = 1;
  private blocks: Array<LeastSquares | undefined> = [];
  private second = 0;
  private offeredPeak = 0;
  private acceptedPeak = 0;
  private maxLag = 0;
  private finalLag = 0;

  constructor(private readonly scenario: Scenario, private readonly options: RunOptions) {
    this.config = { parallelism: options.parallelism, parallelismPerKpu: options.parallelismPerKpu };
    this.twin = Twin.fromScenario(scenario, { startStatus: 'RUNNING', ...this.config });
    this.twin.setOfferedLoad(scenario.load.profile, scenario.load.recordBytes);
    this.duration = options.durationSeconds;
    this.tailFrom = this.duration - Math.floor(this.duration / 3);
  }

  /** Seconds simulated so far. */
  get simulatedSeconds(): number {
    return this.second;
  }

  get done(): boolean {
    return this.second >= this.duration;
  }

  /** Simulates up to `seconds` more seconds, never past the requested duration. */
  advance(seconds: number): void {
    const until = Math.min(this.duration, this.second + seconds);
    const every = this.options.progressEverySeconds ?? 3600;
    for (let s = this.second; s < until; s++) {
      this.twin.advance(1);
      const o = this.twin.lastSecond();
      this.offeredPeak = Math.max(this.offeredPeak, o.offered);
      this.acceptedPeak = Math.max(this.acceptedPeak, o.accepted);
      if (o.lagMs !== null) {
        this.maxLag = Math.max(this.maxLag, o.lagMs);
        this.finalLag = o.lagMs;
        if (s >= this.tailFrom) this.fit.add(s, o.lagMs);
        this.addToBlock(s, o.lagMs);
      }
      if (this.options.onProgress && (s + 1) % every === 0) this.options.onProgress(s + 1, o.lagMs);
    }
    this.second = until;
  }

  /** The result over the seconds simulated so far (the whole run once `done`). */
  result(): TwinRunResult {
    const { scenario, config, twin } = this;
    const kpus = kpusFor(config.parallelism, config.parallelismPerKpu);
    const kpuHours = twin.kpuHours();
    const verdict = assess(scenario, config);
    const slope = this.done ? this.fit.slope() : this.partialSlope();
    return {
      scenario: scenario.name,
      parallelism: config.parallelism,
      parallelismPerKpu: config.parallelismPerKpu,
      kpus,
      durationSeconds: this.second,
      capacityRecordsPerSecond: verdict.capacityRecordsPerSecond,
      offeredPeakRecordsPerSecond: round(this.offeredPeak, 3),
      acceptedPeakRecordsPerSecond: round(this.acceptedPeak, 3),
      maxLagMs: Math.round(this.maxLag),
      finalLagMs: Math.round(this.finalLag),
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

  private addToBlock(s: number, lagMs: number): void {
    while (Math.floor(s / this.blockSeconds) >= SLOPE_BLOCKS) {
      const merged: Array<LeastSquares | undefined> = [];
      this.blocks.forEach((block, k) => {
        if (!block) return;
        const into = (merged[k >> 1] ??= new LeastSquares());
        into.merge(block);
      });
      this.blocks = merged;
      this.blockSeconds *= 2;
    }
    (this.blocks[Math.floor(s / this.blockSeconds)] ??= new LeastSquares()).add(s, lagMs);
  }

  /** The last third of the seconds simulated so far, from the first whole block in it. */
  private partialSlope(): number {
    const from = Math.ceil((this.second - Math.floor(this.second / 3)) / this.blockSeconds);
    const tail = new LeastSquares();
    for (let b = from; b < this.blocks.length; b++) {
      const block = this.blocks[b];
      if (block) tail.merge(block);
    }
    return tail.slope();
  }
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

  merge(other: LeastSquares): void {
    this.n += other.n;
    this.sx += other.sx;
    this.sy += other.sy;
    this.sxx += other.sxx;
    this.sxy += other.sxy;
  }

  slope(): number {
    const d = this.n * this.sxx - this.sx * this.sx;
    return this.n < 2 || d === 0 ? 0 : (this.n * this.sxy - this.sx * this.sy) / d;
  }
}
