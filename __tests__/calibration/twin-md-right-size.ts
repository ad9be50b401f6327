/**
 * The right answer for a scenario, written out from docs/twin-model.md section 2 and docs/json-shapes.md "What right-sized
 * means" — independently of the twin's code and of the calibrator's — so the end-to-end tests check the
 * calibrator against the specification itself.
 */
import type { Scenario } from '../../simulator/twin';
import type { CalibrationReport } from '../../calibration/report-types';
import { peakRate } from '../../core/rate-profile';

const MIB = 1048576;

/** c_j = cpu (1 + γ (j - 1)); rate(j) = min(1000 / (c_j + w), 1000 / (c_j j)). */
function rate(job: Scenario['job'], j: number): number {
  const c = job.cpuMsPerRecord * (1 + job.slotContention * (j - 1));
  return Math.min(1000 / (c + job.ioWaitMsPerRecord), 1000 / (c * j));
}

/** μ = min(C, H, R) with C = f k rate(k) + r rate(r), H = rate(j_hot) / (h + (1 - h) / P), R = S min(2 MiB / b, 50000). */
export function mu(s: Scenario, p: number, k: number, shards = s.stream.shards): number {
  const f = Math.floor(p / k);
  const r = p - f * k;
  const C = f * k * rate(s.job, k) + (r > 0 ? r * rate(s.job, r) : 0);
  const h = s.job.hotKeyShare;
  const H = rate(s.job, f >= 1 ? k : r) / (h + (1 - h) / p);
  const R = shards * Math.min((2 * MIB) / s.load.recordBytes, 50000);
  return Math.min(C, H, R);
}

/** D = restartSeconds + stateMb / snapshotMbps; required μ = λ max(1 / u, 1 + D / catchUp). */
export function requiredMu(s: Scenario): number {
  const D = s.job.restartSeconds + s.job.stateMb / s.job.snapshotMbps;
  return peakRate(s.load.profile) * Math.max(1 / s.slo.targetUtilization, 1 + D / s.slo.catchUpSeconds);
}

/** Heap per KPU = base + state / n, over the 3072 MB heap of a KPU. */
export function heap(s: Scenario, n: number): number {
  return (s.job.baseHeapMb + s.job.stateMb / n) / 3072;
}

/** Shard i gets hs + (1 - hs) / S (hottest) of λ; each accepts min(1000, 1 MiB / b) records/s. */
export function streamAccepts(s: Scenario, shards = s.stream.shards): boolean {
  const hs = s.stream.shardSkew;
  const limit = Math.min(1000, MIB / s.load.recordBytes);
  return peakRate(s.load.profile) * (hs + (1 - hs) / shards) <= limit + 1e-9;
}

/** The fewest shards that accept the peak, or null when the hot key alone exceeds a shard. */
export function shardsNeeded(s: Scenario): number | null {
  for (let shards = 1; shards <= 10000; shards++) if (streamAccepts(s, shards)) return shards;
  return null;
}

export interface Expected {
  verdict: 'recommended' | 'stream-bound' | 'infeasible-within-limits';
  /** The fewest KPUs of a feasible configuration (with the stream resized when it is the limit). */
  kpus: number | null;
  /** Largest μ among the feasible configurations with that many KPUs. */
  bestMu: number | null;
  requiredShards: number | null;
}

export function feasible(s: Scenario, p: number, k: number, shards = s.stream.shards): boolean {
  const n = Math.ceil(p / k);
  return mu(s, p, k, shards) >= requiredMu(s) && heap(s, n) <= s.slo.maxHeapUtilization
    && n <= s.limits.maxKpu && p <= s.limits.maxParallelism;
}

export function expectedRightSize(s: Scenario): Expected {
  const accepts = streamAccepts(s);
  const requiredShards = accepts ? s.stream.shards : shardsNeeded(s);
  const shards = Math.max(s.stream.shards, requiredShards ?? s.stream.shards);
  for (let n = 1; n <= s.limits.maxKpu; n++) {
    let best: number | null = null;
    for (let k = 1; k <= 8; k++) {
      for (let p = (n - 1) * k + 1; p <= Math.min(n * k, s.limits.maxParallelism); p++) {
        if (feasible(s, p, k, shards)) best = Math.max(best ?? 0, mu(s, p, k, shards));
      }
    }
    if (best !== null) {
      return { verdict: accepts ? 'recommended' : 'stream-bound', kpus: requiredShards === null ? null : n, bestMu: best, requiredShards };
    }
  }
  return { verdict: accepts ? 'infeasible-within-limits' : 'stream-bound', kpus: null, bestMu: null, requiredShards };
}

/** What every right answer must satisfy, for any scenario. */
export function expectRightAnswer(s: Scenario, report: CalibrationReport): void {
  const want = expectedRightSize(s);
  expect(report.verdict).toBe(want.verdict);
  if (want.kpus === null) {
    expect(report.recommendation).toBeNull();
  } else {
    const rec = report.recommendation!;
    expect(rec).not.toBeNull();
    const shards = Math.max(s.stream.shards, want.requiredShards ?? 0);
    // Feasible by the specification, with the fewest KPUs, and (among those) the largest capacity, up to noise.
    expect(feasible(s, rec.parallelism, rec.parallelismPerKpu, shards)).toBe(true);
    expect(rec.kpus).toBe(want.kpus);
    expect(mu(s, rec.parallelism, rec.parallelismPerKpu, shards)).toBeGreaterThanOrEqual(want.bestMu! * 0.99);
    // The capacity it reports is what the configuration really has (noise 2%, a few minutes of data).
    expect(Math.abs(rec.estimatedCapacityRecordsPerSecond / mu(s, rec.parallelism, rec.parallelismPerKpu, shards) - 1)).toBeLessThan(0.02);
  }
  if (want.verdict === 'stream-bound') {
    expect(report.streamAdvice.cause).toBe(want.requiredShards === null ? 'hot-partition-key' : 'write-throughput');
    if (want.requiredShards !== null) expect(report.streamAdvice.requiredShards).toBe(want.requiredShards);
  }
}

