/**
 * Minute samples as CloudWatch would show them for a job of known parameters (docs/twin-model.md "Metrics"), for
 * unit tests of the evaluator, the fitter and the decision without a twin.
 */
import type { MinuteSample, TrialObservation } from '../../../calibration/algorithm/observation';
import { capacity, type JobEstimate } from '../../../calibration/algorithm/capacity-model';
import { kpusFor } from '../../../core/managed-flink';
import { streamReadLimit } from '../../../core/aws-facts';
import { evaluateTrial } from '../../../calibration/algorithm/trial-evaluator';

export interface FakeJob {
  cpu: number;
  w: number;
  gamma: number;
  h: number;
  baseHeapMb: number;
  stateMb: number;
  downtimeSeconds: number;
}

export const estimateOf = (j: FakeJob): JobEstimate => ({
  cpuMsPerRecord: (k) => j.cpu * (1 + j.gamma * (k - 1)), ioWaitMsPerRecord: j.w, hotKeyShare: j.h,
});

/**
 * One minute at (P, k) consuming `consumed` records/s; backlogged minutes carry lag and (with `noise`)
 * the per-second spread of the busy samples. P must be a multiple of k.
 */
export function minute(j: FakeJob, p: number, k: number, index: number, consumed: number, backlogged: boolean, noise = 0): MinuteSample {
  const n = kpusFor(p, k);
  const c = estimateOf(j).cpuMsPerRecord(k);
  const t = c + j.w;
  const hot = j.h + (1 - j.h) / p;
  const cold = (1 - j.h) / p;
  const dip = 2.32 * noise;
  return {
    second: index * 60, startMs: index * 60000,
    lagMaxMs: backlogged ? 30000 + index * 1000 : 0, lagAvgMs: backlogged ? 25000 + index * 1000 : 0, lagMinMs: backlogged ? 20000 + index * 1000 : 0,
    consumed, cpu: (100 * consumed * c) / (n * 1000), containerCpuMax: null,
    busyAvg: (consumed * t) / p, busyMax: Math.min(1000, hot * consumed * t * (1 + dip)), busyMin: cold * consumed * t * (1 - dip),
    heapMax: Math.min(100, (100 * (j.baseHeapMb + j.stateMb / n)) / 3072), kpus: n + 1, downtimeMaxMs: 0, uptimeMinMs: 60000,
    fullRestartsMax: 0, incomingRecords: consumed * 60, writeThrottled: 0,
  };
}

/** A whole trial's observation: backlogged at μ if the offered rate exceeds it, else caught up. */
export function observe(j: FakeJob, p: number, k: number, offered: number, opts: { minutes?: number; shards?: number; recordBytes?: number; update?: boolean } = {}): TrialObservation {
  const shards = opts.shards ?? 8;
  const recordBytes = opts.recordBytes ?? 400;
  const mu = capacity(estimateOf(j), p, k, streamReadLimit(shards, recordBytes)).recordsPerSecond;
  const backlogged = mu < offered;
  const samples = Array.from({ length: opts.minutes ?? 3 }, (_, i) => minute(j, p, k, i, backlogged ? mu : offered, backlogged));
  if (opts.update) samples.unshift({ ...samples[0], second: -60, startMs: -60000, downtimeMaxMs: j.downtimeSeconds * 1000, consumed: null, lagMaxMs: null, lagAvgMs: null, lagMinMs: null });
  return evaluateTrial(samples, {
    parallelism: p, parallelismPerKpu: k, kpus: kpusFor(p, k), offeredRecordsPerSecond: offered, recordBytes, shards,
    runningSinceMs: 0, restartsBefore: 0, polledDowntimeSeconds: opts.update ? j.downtimeSeconds + 3 : null, caughtUpLagMs: 2000,
  });
}
