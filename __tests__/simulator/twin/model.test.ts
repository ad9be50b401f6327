/**
 * The model of docs/twin-model.md section 2 and the objective of docs/calibration.md, written out again here by hand so the
 * implementation is checked against the spec, not against itself.
 */
import {
  assess, capacity, costPerHourUsd, heapUtilization, rightSize, streamFit, updateDowntimeSeconds,
} from '../../../simulator/twin';
import { placementCapacity, placementOf } from '../../../simulator/twin/model';
import { scenario } from './fixtures';

/** docs/twin-model.md section 2, verbatim. */
function specMu(P: number, k: number, S: number, b: number, cpu: number, w: number, g: number, h: number): number {
  const c = (j: number) => cpu * (1 + g * (j - 1));
  const rate = (j: number) => Math.min(1000 / (c(j) + w), 1000 / (c(j) * j));
  const f = Math.floor(P / k);
  const r = P - f * k;
  const C = f * k * rate(k) + (r > 0 ? r * rate(r) : 0);
  const H = rate(f >= 1 ? k : r) / (h + (1 - h) / P);
  const R = S * Math.min(2097152 / b, 50000);
  return Math.min(C, H, R);
}

describe('capacity μ (docs/twin-model.md section 2)', () => {
  const job = { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, slotContention: 0.02, hotKeyShare: 0 };

  it('is the compute bound for an I/O-bound job on full KPUs: 8 subtasks of 1000 / (0.106 + 2) records/s', () => {
    const cap = capacity({ parallelism: 8, parallelismPerKpu: 4 }, 8, 450, job);
    expect(cap.computeBound).toBeCloseTo(8 * (1000 / (0.1 * 1.06 + 2)), 9);
    expect(cap.recordsPerSecond).toBeCloseTo(specMu(8, 4, 8, 450, 0.1, 2, 0.02, 0), 9);
  });

  it('counts the partial last KPU at its own contention: P=10, K=4 is two full KPUs and one of 2 subtasks', () => {
    const cpuBound = { cpuMsPerRecord: 0.5, ioWaitMsPerRecord: 0, slotContention: 0.05, hotKeyShare: 0 };
    const cap = capacity({ parallelism: 10, parallelismPerKpu: 4 }, 64, 200, cpuBound);
    const c4 = 0.5 * (1 + 0.05 * 3);
    const c2 = 0.5 * (1 + 0.05 * 1);
    expect(cap.computeBound).toBeCloseTo(8 * (1000 / (c4 * 4)) + 2 * (1000 / (c2 * 2)), 9);
    expect(cap.recordsPerSecond).toBeCloseTo(specMu(10, 4, 64, 200, 0.5, 0, 0.05, 0), 9);
  });

  it('is the hot-key bound when one key carries a large share: rate(k) / (h + (1 - h) / P)', () => {
    const hot = { ...job, hotKeyShare: 0.2 };
    const cap = capacity({ parallelism: 16, parallelismPerKpu: 4 }, 8, 450, hot);
    expect(cap.bottleneck).toBe('hot-key');
    expect(cap.recordsPerSecond).toBeCloseTo((1000 / (0.106 + 2)) / (0.2 + 0.8 / 16), 9);
    expect(cap.recordsPerSecond).toBeCloseTo(specMu(16, 4, 8, 450, 0.1, 2, 0.02, 0.2), 9);
  });

  it('names compute, not a hot key, when evenly spread keys leave the busiest subtask on a full KPU the bound', () => {
    // P=10, K=4 with strong slot contention and no hot key: c_4 = 0.5 * 2.5, H = 10 rate(4) = 10 * 1000 / (1.25 * 4)
    // = 2,000 is below C = 8 rate(4) + 2 rate(2) = 1,600 + 2 * 1000 / (0.75 * 2) = 2,933: a full KPU's vCPU binds.
    const contended = { cpuMsPerRecord: 0.5, ioWaitMsPerRecord: 0, slotContention: 0.5, hotKeyShare: 0 };
    const cap = capacity({ parallelism: 10, parallelismPerKpu: 4 }, 64, 200, contended);
    expect(cap.recordsPerSecond).toBeCloseTo(10 * (1000 / (1.25 * 4)), 9);
    expect(cap.recordsPerSecond).toBeLessThan(cap.computeBound);
    expect(cap.bottleneck).toBe('compute');
    // With a 5% key the hot subtask gets 0.05 + 0.95 / 10 = 14.5% of the records: the key binds.
    expect(capacity({ parallelism: 10, parallelismPerKpu: 4 }, 64, 200, { ...contended, hotKeyShare: 0.05 }).bottleneck).toBe('hot-key');
  });

  it('uses the partial KPU for the hot subtask when there is no full KPU (P < K)', () => {
    const hot = { ...job, hotKeyShare: 0.5 };
    expect(capacity({ parallelism: 3, parallelismPerKpu: 8 }, 8, 450, hot).recordsPerSecond)
      .toBeCloseTo(specMu(3, 8, 8, 450, 0.1, 2, 0.02, 0.5), 9);
  });

  it('is the source bound when the shards cannot be read faster: S * min(2 MiB / b, 50000)', () => {
    const cap = capacity({ parallelism: 256, parallelismPerKpu: 1 }, 2, 100000, job);
    expect(cap.bottleneck).toBe('source');
    expect(cap.recordsPerSecond).toBeCloseTo(2 * (2097152 / 100000), 9);
  });
});

describe('capacity of a placement (subtasks per KPU, as a local run reports Flink made it)', () => {
  const cpuBound = { cpuMsPerRecord: 4, ioWaitMsPerRecord: 0, slotContention: 0, hotKeyShare: 0 };
  const job = { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, slotContention: 0.02, hotKeyShare: 0.2 };

  it('fills KPUs as the twin does: floor(P/k) full KPUs, then the rest', () => {
    expect(placementOf({ parallelism: 10, parallelismPerKpu: 4 })).toEqual([4, 4, 2]);
    expect(placementOf({ parallelism: 4, parallelismPerKpu: 8 })).toEqual([4]);
    expect(placementOf({ parallelism: 4, parallelismPerKpu: 2 })).toEqual([2, 2]);
  });

  it('is the twin\'s own capacity for the twin\'s placement', () => {
    for (const [p, k] of [[10, 4], [3, 8], [7, 2], [1, 1]]) {
      const config = { parallelism: p, parallelismPerKpu: k };
      expect(placementCapacity(placementOf(config), 8, 450, job)).toEqual(capacity(config, 8, 450, job));
    }
  });

  it('sees 4 CPU-bound subtasks as 3+1 slower than as 2+2: the crowded KPU binds the evenly fed subtasks', () => {
    // 2+2: every subtask has half a vCPU, 125/s each, 500/s. 3+1: the three share one vCPU at 83.3/s each, and
    // every subtask gets a quarter of the records, so 4 x 83.3 = 333/s.
    expect(placementCapacity([2, 2], 8, 450, cpuBound).recordsPerSecond).toBeCloseTo(500, 9);
    expect(placementCapacity([3, 1], 8, 450, cpuBound).recordsPerSecond).toBeCloseTo(1000 / 3, 9);
    expect(placementCapacity([3, 1, 0], 8, 450, cpuBound).recordsPerSecond).toBeCloseTo(1000 / 3, 9);
  });
});

describe('downtime, heap, stream and cost', () => {
  it('D = restartSeconds + stateMb / snapshotMbps', () => {
    expect(updateDowntimeSeconds({ restartSeconds: 30, stateMb: 500, snapshotMbps: 50 })).toBe(40);
  });

  it('heap per KPU = (baseHeapMb + stateMb / n) / 3072', () => {
    expect(heapUtilization({ baseHeapMb: 600, stateMb: 9000 }, 5)).toBeCloseTo((600 + 1800) / 3072, 12);
  });

  it('a shard accepts min(1000, 1 MiB / b) records/s; the hottest gets hs + (1 - hs) / S of λ', () => {
    expect(streamFit(3000, 2, 0, 400)).toEqual({ accepts: false, requiredShards: 3, minimumShards: 3, shardsOnceSpread: 3 });
    // 7900/s needs ceil(7.9) = 8 shards; the stream has 8.
    expect(streamFit(7900, 8, 0, 450)).toEqual({ accepts: true, requiredShards: 8, minimumShards: 8, shardsOnceSpread: 8 });
    // 2000-byte records: 524.288 records/s per shard.
    expect(streamFit(2000, 4, 0, 2000)).toEqual({ accepts: true, requiredShards: 4, minimumShards: 4, shardsOnceSpread: 4 });
    expect(streamFit(2200, 4, 0, 2000)).toEqual({ accepts: false, requiredShards: 5, minimumShards: 5, shardsOnceSpread: 5 });
    // 10% of 20,000 records/s on one key is 2,000/s: no shard count helps; spread, 20 shards take 20,000/s.
    expect(streamFit(20000, 8, 0.1, 100)).toEqual({ accepts: false, requiredShards: null, minimumShards: null, shardsOnceSpread: 20 });
  });

  it('the fewest shards may be fewer than the stream has: 5,200/s of 450-byte records need 6 of 8', () => {
    expect(streamFit(5200, 8, 0, 450)).toEqual({ accepts: true, requiredShards: 8, minimumShards: 6, shardsOnceSpread: 6 });
    // Skew 0.2 at 3000/s: S >= 0.8 * 3000 / (1000 - 600) = 6, though 8 shards already accept it.
    expect(streamFit(3000, 8, 0.2, 200)).toEqual({ accepts: true, requiredShards: 8, minimumShards: 6, shardsOnceSpread: 3 });
  });

  it('costs (n + 1) KPU-hours plus 50 GB of running storage per KPU', () => {
    expect(costPerHourUsd(2, { kpuHourUsd: 0.11, storageGbMonthUsd: 0.1 })).toBeCloseTo(3 * 0.11 + (2 * 50 * 0.1) / 730, 12);
  });
});

describe('the objective (docs/calibration.md "The objective")', () => {
  it('requires μ >= λ max(1 / targetUtilization, 1 + D / catchUpSeconds) and names what fails', () => {
    const s = scenario({ load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 3000 } } });
    // D = 40 s, catch-up 600 s: factor max(1.25, 1.0667) = 1.25 -> 3750 records/s.
    const ok = assess(s, { parallelism: 8, parallelismPerKpu: 4 });
    expect(ok.capacityRecordsPerSecond).toBeGreaterThan(3750);
    expect(ok.feasible).toBe(true);
    const small = assess(s, { parallelism: 7, parallelismPerKpu: 4 });
    expect(small.feasible).toBe(false);
    expect(small.reasons).toEqual(['capacity below 3750 rec/s']);
  });

  it('picks the fewest KPUs, then the largest μ', () => {
    const s = scenario();
    const sizing = rightSize(s);
    expect(sizing.verdict).toBe('recommended');
    // Brute force over the spec's formulas.
    let best: { P: number; k: number; n: number; mu: number } | null = null;
    for (let k = 1; k <= 8; k++) {
      for (let P = 1; P <= Math.min(256, 64 * k); P++) {
        const n = Math.ceil(P / k);
        const mu = specMu(P, k, 8, 450, 0.1, 2, 0.02, 0);
        const heap = (600 + 500 / n) / 3072;
        if (mu >= 3000 * 1.25 && heap <= 0.9 && (!best || n < best.n || (n === best.n && mu > best.mu))) best = { P, k, n, mu };
      }
    }
    expect(sizing.rightSize).toMatchObject({ parallelism: best!.P, parallelismPerKpu: best!.k, kpus: best!.n });
    expect(sizing.configurations).toHaveLength(64 + 128 + 192 + 5 * 256);
  });

  it('is stream-bound with the shard count that would accept λ when the stream throttles', () => {
    const s = scenario({ stream: { name: 'x', shards: 2 }, load: { recordBytes: 400, profile: { type: 'constant', recordsPerSecond: 3000 } } });
    const sizing = rightSize(s);
    expect(sizing.verdict).toBe('stream-bound');
    expect(sizing.rightSize).toBeNull();
    expect(sizing.streamAdvice).toEqual({ shards: 2, requiredShards: 3, cause: 'write-throughput', minimumShards: 3, shardsOnceKeySpread: 3 });
  });

  it('is infeasible within limits when even the largest configuration is too slow or too full', () => {
    // 7000 records/s need 8750 records/s; 2 KPUs give at most 16 * 1000 / (0.114 + 2) = 7569.
    const s = scenario({ limits: { maxKpu: 2 }, load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 7000 } } });
    expect(rightSize(s).verdict).toBe('infeasible-within-limits');
    expect(rightSize(s).rightSize).toBeNull();
    const heavy = scenario({}, { stateMb: 100000 });
    const sizing = rightSize(heavy, 8);
    expect(sizing.verdict).toBe('infeasible-within-limits');
    expect(sizing.configurations.every((c) => c.reasons.some((r) => r.startsWith('heap')))).toBe(true);
  });

  it('sizes for the profile peak, not its mean', () => {
    const s = scenario({ load: { recordBytes: 450, profile: { type: 'daily', min: 500, max: 3000, periodSeconds: 3600 } } });
    expect(rightSize(s).peakRecordsPerSecond).toBe(3000);
    expect(rightSize(s).rightSize).toEqual(rightSize(scenario()).rightSize);
  });
});
