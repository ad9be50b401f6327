/**
 * The autoscaler's model of the job: the calibrator's capacity structure (capacity-model.ts) with point
 * estimates of its parameters, started from `kpufit calibrate`'s fit (model.json) or from priors, and
 * refined every minute from production metrics, as DS2 does: the busy time per record and the CPU per
 * record the job shows at its current configuration are its true processing costs, whatever the load.
 *   c_k = cpuUtilization n 1000 / (100 consumed)      (CPU ms per record with k subtasks per KPU)
 *   c + w = busyTimeMsPerSecond Average P / consumed    (busy ms per record)
 *   h = (Max / Average + Min / Average - 2) / (P - 2)  (hot-key share, busy time; hotKeyShareOf)
 *   heap MB = heapMemoryUtilization 3072 = base + state / n
 * Plain JSON, so it is written to model.json and kept in the autoscaler's table.
 */
import { capacity, type CapacityEstimate, type JobEstimate } from '../algorithm/capacity-model';
import type { ModelFit } from '../algorithm/model-fitter';
import { HEAP_MB_PER_KPU, MAX_PARALLELISM_PER_KPU } from '../../core/aws-facts';
import type { MetricPeriod } from '../ports';
import type { AutoscalerOptions } from './options';

export interface JobModel {
  schemaVersion: 1;
  /** Where the estimates started: the calibrator's fit or the options' priors. */
  origin: 'calibration' | 'prior';
  /** c_1: CPU ms per record with one subtask per KPU. */
  cpuMsPerRecord: number;
  /** γ of c_j = c_1 (1 + γ (j - 1)). */
  slotContention: number;
  ioWaitMsPerRecord: number;
  hotKeyShare: number;
  /** Seconds one update keeps the job down. */
  downtimeSeconds: number;
  /** The downtime was seen (a restart happened while the policy watched, or the calibration measured it). */
  downtimeMeasured: boolean;
  baseHeapMb: number;
  stateMb: number;
  /** c_k measured online per ParallelismPerKPU k ("1".."8"): the evidence γ is fitted from. */
  cpuByK: Record<string, number>;
  /** Heap MB per KPU measured online per KPU count n. */
  heapByKpus: Record<string, number>;
  /** Records/s the job could not exceed however it was scaled (stream read limit, hot key); null: none seen. */
  throughputCeiling: number | null;
  /** Clean running minutes the model has learned from. */
  learnedMinutes: number;
}

export function priorModel(options: AutoscalerOptions): JobModel {
  return {
    schemaVersion: 1, origin: 'prior', cpuMsPerRecord: options.priorCpuMsPerRecord, slotContention: options.priorSlotContention,
    ioWaitMsPerRecord: 0, hotKeyShare: 0, downtimeSeconds: options.priorDowntimeSeconds, downtimeMeasured: false, baseHeapMb: options.priorBaseHeapMb,
    stateMb: 0, cpuByK: {}, heapByKpus: {}, throughputCeiling: null, learnedMinutes: 0,
  };
}

/** The calibrator's fitted model, reduced to point estimates (its mid corner). */
export function modelFromFit(fit: ModelFit, options: AutoscalerOptions): JobModel {
  return {
    ...priorModel(options),
    origin: 'calibration',
    cpuMsPerRecord: fit.cpuAt(1).mid,
    slotContention: fit.slotContention.mid,
    ioWaitMsPerRecord: fit.ioWait.mid,
    hotKeyShare: fit.hotKeyShare.mid,
    downtimeSeconds: fit.downtimeSeconds.mid,
    downtimeMeasured: fit.measured.downtime,
    baseHeapMb: fit.baseHeapMb ?? options.priorBaseHeapMb,
    stateMb: fit.stateMb ?? 0,
  };
}

export function jobEstimate(model: JobModel): JobEstimate {
  return {
    cpuMsPerRecord: (j) => model.cpuMsPerRecord * (1 + model.slotContention * (j - 1)),
    ioWaitMsPerRecord: model.ioWaitMsPerRecord,
    hotKeyShare: model.hotKeyShare,
  };
}

/** Records/s the model expects of (P, K), never above a throughput ceiling the job has shown. */
export function predictCapacity(model: JobModel, parallelism: number, parallelismPerKpu: number): CapacityEstimate {
  const source = model.throughputCeiling ?? Infinity;
  return capacity(jobEstimate(model), parallelism, parallelismPerKpu, source);
}

/** What one restart costs in downtime: measured, else the larger of the prior and the state's snapshot/restore. */
export function expectedDowntimeSeconds(model: JobModel, options: AutoscalerOptions): number {
  if (model.downtimeMeasured) return model.downtimeSeconds;
  return Math.max(model.downtimeSeconds, options.priorRestartSeconds + model.stateMb / options.priorSnapshotMbPerSecond);
}

/** Heap utilization (0..1) per KPU with n KPUs. */
export function heapUtilizationAt(model: JobModel, kpus: number): number {
  return (model.baseHeapMb + model.stateMb / kpus) / HEAP_MB_PER_KPU;
}

/** The fewest KPUs whose heap stays at or under the limit. */
export function heapSafeKpus(model: JobModel, maxHeapUtilization: number): number {
  const room = maxHeapUtilization * HEAP_MB_PER_KPU - model.baseHeapMb;
  if (model.stateMb <= 0) return 1;
  if (room <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.ceil(model.stateMb / room - 1e-9));
}

/**
 * One clean running minute at (P, K) on n KPUs refines the model. Returns the new model; the input is
 * not changed. A minute that did not run whole at this configuration teaches nothing.
 */
export function learnMinute(model: JobModel, minute: MetricPeriod, config: { parallelism: number; parallelismPerKpu: number }, options: AutoscalerOptions): JobModel {
  const { parallelism: p, parallelismPerKpu: k } = config;
  const n = Math.ceil(p / k);
  const ranWhole = minute.uptimeMinMs !== null && minute.uptimeMinMs >= 60000 && minute.kpus === n + 1;
  if (!ranWhole || minute.consumed === null || !(minute.consumed > 1)) return model;
  const next: JobModel = { ...model, cpuByK: { ...model.cpuByK }, heapByKpus: { ...model.heapByKpus }, learnedMinutes: model.learnedMinutes + 1 };
  // Early minutes move the estimate fast; later ones smooth the noise.
  const rate = Math.max(options.learningRate, 1 / next.learnedMinutes);
  const ema = (old: number | undefined, x: number) => (old === undefined ? x : old + rate * (x - old));

  if (minute.cpu !== null && minute.cpu > 0 && minute.cpu < 99.5) {
    next.cpuByK[String(k)] = ema(model.cpuByK[String(k)], (minute.cpu * n * 1000) / (100 * minute.consumed));
    fitSlotContention(next, options);
  }
  if (minute.busyAvg !== null && minute.busyAvg > 0) {
    const msPerRecord = (minute.busyAvg * p) / minute.consumed;
    const cMean = meanCpuPerRecord(next, p, k);
    next.ioWaitMsPerRecord = Math.max(0, ema(model.learnedMinutes === 0 ? undefined : model.ioWaitMsPerRecord, msPerRecord - cMean));
    if (p > 1 && minute.busyMax !== null && minute.busyMax < 999) {
      const h = hotKeyShareOf(minute.busyAvg, minute.busyMax, minute.busyMin, p);
      next.hotKeyShare = ema(model.learnedMinutes === 0 ? undefined : model.hotKeyShare, h);
    }
  }
  if (minute.heapMax !== null && minute.heapMax > 0 && minute.heapMax < 100) {
    next.heapByKpus[String(n)] = (minute.heapMax / 100) * HEAP_MB_PER_KPU;
    fitHeap(next);
  }
  return next;
}

/**
 * The hot-key share h from one minute's busy time over subtasks and seconds. A hot key lifts one subtask
 * to avg (1 + h (P - 1)) and lowers the others to avg (1 - h); the input's own second-to-second variation
 * lifts the Maximum and lowers the Minimum alike (± δ), so Max / avg - 1 ≈ δ + h (P - 1) and
 * 1 - Min / avg ≈ δ + h, and their difference h (P - 2) is the hot key's alone. Reading h from the
 * Maximum alone took the variation for a hot key, and a hot-key bound cut the predicted capacity of
 * every larger configuration. With two subtasks (or no Minimum) the two cannot be told apart: the
 * Maximum alone, which errs on the side of less capacity.
 */
export function hotKeyShareOf(busyAvg: number, busyMax: number, busyMin: number | null, parallelism: number): number {
  const over = busyMax / busyAvg - 1;
  const raw = parallelism > 2 && busyMin !== null && busyMin <= busyAvg
    ? (over - (1 - busyMin / busyAvg)) / (parallelism - 2)
    : over / (parallelism - 1);
  return Math.min(1, Math.max(0, raw));
}

/** c_1 and γ from the c_k measured at each k: a line through them, or the prior γ through one. */
function fitSlotContention(model: JobModel, options: AutoscalerOptions): void {
  const points = Object.entries(model.cpuByK).map(([k, c]) => ({ x: Number(k) - 1, c }));
  if (points.length === 1) {
    const { x, c } = points[0];
    const gamma = model.origin === 'calibration' ? model.slotContention : options.priorSlotContention;
    model.cpuMsPerRecord = c / (1 + gamma * x);
    model.slotContention = gamma;
    return;
  }
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const mc = points.reduce((a, p) => a + p.c, 0) / points.length;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const slope = Math.max(0, points.reduce((a, p) => a + (p.x - mx) * (p.c - mc), 0) / sxx);
  const a = Math.max(1e-9, mc - slope * mx);
  model.cpuMsPerRecord = a;
  model.slotContention = Math.min(1, slope / a);
}

/** base + state / n from the heap seen at each n: a line through two or more, the prior base with one. */
function fitHeap(model: JobModel): void {
  const points = Object.entries(model.heapByKpus).map(([n, mb]) => ({ x: 1 / Number(n), mb }));
  if (points.length === 1) {
    const { x, mb } = points[0];
    const base = Math.min(model.baseHeapMb, mb);
    model.baseHeapMb = base;
    model.stateMb = Math.max(0, (mb - base) / x);
    return;
  }
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.mb, 0) / points.length;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const state = Math.max(0, points.reduce((a, p) => a + (p.x - mx) * (p.mb - my), 0) / sxx);
  model.stateMb = state;
  model.baseHeapMb = Math.max(0, my - state * mx);
}

function meanCpuPerRecord(model: JobModel, p: number, k: number): number {
  const c = jobEstimate(model).cpuMsPerRecord;
  const full = Math.floor(p / k);
  const rest = p - full * k;
  return (full * k * c(k) + (rest > 0 ? rest * c(rest) : 0)) / p;
}

/** Every ParallelismPerKPU value. */
export const PARALLELISM_PER_KPU_VALUES = Array.from({ length: MAX_PARALLELISM_PER_KPU }, (_, i) => i + 1);
