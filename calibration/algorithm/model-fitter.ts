/**
 * Step 3 of the loop (model): the job's parameters fitted from every trial so far, each as a range
 * [lo, hi] around a point estimate. A parameter a trial has measured collapses to its measurement (± its
 * noise); one no trial could show yet (γ before two ParallelismPerKPU values, h before Parallelism > 1,
 * the heap's base/state split before two KPU counts, the update downtime before the first update) spans
 * what is possible, with the prior of AlgorithmOptions as the point estimate.
 */
import type { Slo } from '../report-types';
import { capacity, requiredCapacity, type CapacityEstimate, type JobEstimate } from './capacity-model';
import { streamReadLimit } from '../../core/aws-facts';
import type { AlgorithmOptions } from './options';
import { HEAP_MB_PER_KPU } from '../../core/aws-facts';
import type { TrialObservation } from './observation';

export interface Range {
  lo: number;
  mid: number;
  hi: number;
}

export type Corner = 'lo' | 'mid' | 'hi';

export interface ModelFit {
  /** c_j (CPU ms per record with j subtasks per KPU). */
  cpuAt(j: number): Range;
  slotContention: Range;
  ioWait: Range;
  hotKeyShare: Range;
  downtimeSeconds: Range;
  /** Heap MB per KPU with n KPUs; hi may be Infinity when only out-of-memory readings exist. */
  heapMbAt(n: number): Range;
  /** ≤ 1: scales predictions down when a directly observed μ fell short of the model's. */
  capacityCorrection: number;
  /**
   * ≤ 1: scales the optimistic corner down where it promised more than a trial directly observed (plus
   * its noise) at that very configuration — wide parameter ranges must not keep hopeless sizes "possible".
   */
  optimisticCorrection: number;
  /** Relative uncertainty of the fitted parameters (AlgorithmOptions.marginZ standard errors). */
  margin: number;
  measured: { slotContention: boolean; hotKeyShare: boolean; heap: 'none' | 'ceiling' | 'one' | 'fit'; downtime: boolean };
  baseHeapMb: number | null;
  stateMb: number | null;
}

const DEFAULT_IO_WAIT_MAX_MS = 1000;

export function fitModel(observations: TrialObservation[], options: AlgorithmOptions): ModelFit {
  const ratios = ratioEvidence(observations);
  const margin = noiseMargin(ratios, options);
  const cpu = fitCpu(ratios, options, margin);
  const ioWait = fitIoWait(ratios, cpu.at, margin);
  const hot = fitHotKey(observations, options, margin, cpu.at, ioWait);
  const heap = fitHeap(observations, options);
  const downtimes = observations.map((o) => o.downtimeSeconds).filter((d): d is number => d !== null);
  const downtimeSeconds: Range = downtimes.length > 0
    ? { lo: Math.max(...downtimes), mid: Math.max(...downtimes), hi: Math.max(...downtimes) }
    : { lo: 0, mid: options.priorUpdateDowntimeSeconds, hi: options.priorUpdateDowntimeSeconds };
  const fit: ModelFit = {
    cpuAt: cpu.at,
    slotContention: cpu.gamma,
    ioWait,
    hotKeyShare: hot.range,
    downtimeSeconds,
    heapMbAt: heap.at,
    capacityCorrection: 1,
    optimisticCorrection: 1,
    margin,
    measured: { slotContention: cpu.measured, hotKeyShare: hot.measured, heap: heap.kind, downtime: downtimes.length > 0 },
    baseHeapMb: heap.base,
    stateMb: heap.state,
  };
  fit.capacityCorrection = correctionFromObservedCapacity(fit, observations, options, 'mid');
  fit.optimisticCorrection = correctionFromObservedCapacity(fit, observations, options, 'hi');
  return fit;
}

/** The job as seen at one corner of the ranges: lo = every parameter at its worst (least capacity). */
export function jobAt(fit: ModelFit, corner: Corner): JobEstimate {
  const worst = corner === 'lo' ? 'hi' : corner === 'hi' ? 'lo' : 'mid';
  return {
    cpuMsPerRecord: (j) => fit.cpuAt(j)[worst],
    ioWaitMsPerRecord: fit.ioWait[worst],
    hotKeyShare: fit.hotKeyShare[worst],
  };
}

export interface CapacityRange {
  lo: number;
  mid: number;
  hi: number;
  midDetail: CapacityEstimate;
}

export function predictCapacity(fit: ModelFit, parallelism: number, parallelismPerKpu: number, source: number): CapacityRange {
  const at = (c: Corner) => capacity(jobAt(fit, c), parallelism, parallelismPerKpu, source);
  const mid = at('mid');
  return {
    lo: at('lo').recordsPerSecond * fit.capacityCorrection,
    mid: mid.recordsPerSecond * fit.capacityCorrection,
    hi: at('hi').recordsPerSecond * fit.optimisticCorrection,
    midDetail: mid,
  };
}

export function requirementRange(peak: number, slo: Slo, fit: ModelFit): Range {
  return {
    lo: requiredCapacity(peak, slo, fit.downtimeSeconds.lo),
    mid: requiredCapacity(peak, slo, fit.downtimeSeconds.mid),
    hi: requiredCapacity(peak, slo, fit.downtimeSeconds.hi),
  };
}

/**
 * The capacity one trial shows for its own configuration: consumption while backlogged when there was a
 * backlog (the capacity itself), else the model evaluated with this trial's own c_k, per-record time and
 * hot share — exact for that configuration whatever γ is.
 */
export function trialCapacity(obs: TrialObservation, fit: ModelFit, source: number, options: Pick<AlgorithmOptions, 'marginZ' | 'minRelativeMargin'>): { recordsPerSecond: number; method: string; relativeMargin: number } | null {
  // Consumption pinned at the stream's read limit measures the stream, not the application.
  const atReadLimit = obs.backlogCapacity !== null && obs.backlogCapacity >= streamReadLimit(obs.shards, obs.recordBytes) * (1 - 3 * (obs.backlogCapacityRelError ?? 0) - options.minRelativeMargin);
  const direct = obs.backlogCapacity !== null && obs.backloggedMinutes > 0 && !atReadLimit
    ? { recordsPerSecond: obs.backlogCapacity, method: 'backlog-throughput', relativeMargin: Math.max(options.minRelativeMargin, options.marginZ * (obs.backlogCapacityRelError ?? 0)) }
    : null;
  // Caught-up minutes give noise-free ratios (consumption = offered load): prefer them to the noisy direct μ.
  if (obs.caughtUpMinutes === 0 || obs.cpuMsPerRecord === null || obs.msPerRecord === null) return direct;
  const k = obs.parallelismPerKpu;
  const scale = obs.cpuMsPerRecord / fit.cpuAt(k).mid;
  const cAt = (j: number) => fit.cpuAt(j).mid * scale;
  const job: JobEstimate = {
    cpuMsPerRecord: cAt,
    ioWaitMsPerRecord: Math.max(0, obs.msPerRecord - meanCpuPerRecord(obs.parallelism, k, cAt)),
    hotKeyShare: obs.hotKeyShare ?? fit.hotKeyShare.mid,
  };
  const modelled = capacity(job, obs.parallelism, k, source).recordsPerSecond;
  const relativeMargin = Math.max(options.minRelativeMargin, options.marginZ * bindingRelError(obs, job, source, options.marginZ));
  if (direct && direct.recordsPerSecond * (1 + direct.relativeMargin) < modelled) return direct;
  // Consumption never exceeds the capacity: a job seen consuming clearly more while backlogged than the model
  // of its caught-up ratios allows has at least that capacity (on a real job, a CPU reading net of an idle
  // overhead measured at another layout can overstate c_k and so understate the compute bound).
  if (direct && direct.recordsPerSecond * (1 - direct.relativeMargin) > modelled) return direct;
  return { recordsPerSecond: modelled, method: 'busy-time+cpu', relativeMargin };
}

/**
 * The relative error of a caught-up trial's capacity estimate: that of the term that binds it. When the
 * estimate is the subtasks' own time per record (1000 / (c + w), measured by busy time) and the shared-CPU
 * bound stays above it even with c at z standard errors high, the CPU reading's scatter cannot move the
 * estimate: an I/O-bound job's capacity must not inherit the noise of a CPU reading that is mostly a host's
 * background (docs/local-calibration.md). Otherwise the larger of the two errors, as before.
 */
function bindingRelError(obs: TrialObservation, job: JobEstimate, source: number, z: number): number {
  const cpuErr = obs.cpuRelError;
  const msErr = obs.msRelError;
  if (cpuErr === undefined || msErr === undefined || cpuErr === null || msErr === null) return obs.estimateRelError;
  const k = obs.parallelismPerKpu;
  const base = capacity(job, obs.parallelism, k, source);
  const pessimisticCpu: JobEstimate = { ...job, cpuMsPerRecord: (j) => job.cpuMsPerRecord(j) * (1 + z * cpuErr) };
  // w is the busy time per record less c: with c higher, w is lower by the same amount, so c + w stays.
  const ms = obs.msPerRecord!;
  const pessimistic = capacity({ ...pessimisticCpu, ioWaitMsPerRecord: Math.max(0, ms - meanCpuPerRecord(obs.parallelism, k, pessimisticCpu.cpuMsPerRecord)) }, obs.parallelism, k, source);
  const cpuCannotBind = base.bottleneck !== 'compute' && pessimistic.computeBound >= base.recordsPerSecond;
  return cpuCannotBind ? msErr : Math.max(cpuErr, msErr);
}

/** Mean c_j over the P subtasks (full KPUs at c_k, the partial last one at c_r). */
function meanCpuPerRecord(parallelism: number, k: number, cAt: (j: number) => number): number {
  const full = Math.floor(parallelism / k);
  const rest = parallelism - full * k;
  return (full * k * cAt(k) + (rest > 0 ? rest * cAt(rest) : 0)) / parallelism;
}

/**
 * The trials the per-record times are fitted on: for each ParallelismPerKPU, those with caught-up
 * minutes if any (exact ratios), else the backlogged ones (their CPU and busy samples are clipped at the
 * 100% / 1000 ms ceilings by the per-second noise, a bias the direct μ then corrects).
 */
function ratioEvidence(observations: TrialObservation[]): TrialObservation[] {
  const ks = new Set(observations.map((o) => o.parallelismPerKpu));
  return [...ks].flatMap((k) => {
    const atK = observations.filter((o) => o.parallelismPerKpu === k);
    const steady = atK.filter((o) => o.caughtUpMinutes > 0);
    return steady.length > 0 ? steady : atK;
  });
}

/**
 * The parameters' own uncertainty: marginZ standard errors of the per-minute ratio estimates. Zero when
 * they came from caught-up minutes, where consumption is the noise-free offered load; the floor
 * (minRelativeMargin) is applied where a decision compares against a threshold, not here, so that
 * well-measured parameters do not compound it into a wide optimistic corner.
 */
function noiseMargin(observations: TrialObservation[], options: AlgorithmOptions): number {
  const errors = observations.map((o) => o.estimateRelError);
  return options.marginZ * Math.max(0, ...errors);
}

function fitCpu(observations: TrialObservation[], options: AlgorithmOptions, margin: number) {
  const byK = new Map<number, number[]>();
  for (const o of observations) {
    const c = o.cpuMsPerRecord ?? (o.msPerRecord !== null ? o.msPerRecord : null);
    if (c === null || !(c > 0)) continue;
    byK.set(o.parallelismPerKpu, [...(byK.get(o.parallelismPerKpu) ?? []), c]);
  }
  const points = [...byK.entries()].map(([k, cs]) => ({ k, c: cs.reduce((a, b) => a + b, 0) / cs.length }));
  // A per-record cost is positive: a margin above 100% (a CPU reading that is mostly noise) must not make the
  // optimistic corner's cost negative, which would turn its capacity negative and exclude every size.
  const widen = (x: number): Range => ({ lo: Math.max(UNKNOWN_CPU_MS.lo, x * (1 - margin)), mid: x, hi: x * (1 + margin) });
  if (points.length >= 2) {
    // Least squares of c = a + b (k - 1): a = cpu, b = cpu γ.
    const line = leastSquares(points.map((p) => p.k - 1), points.map((p) => p.c));
    const b = Math.max(0, line.slope);
    const a = Math.max(1e-9, line.mean.y - b * line.mean.x);
    const gamma = b / a;
    return {
      at: (j: number) => widen(a * (1 + gamma * (j - 1))),
      gamma: { lo: gamma, mid: gamma, hi: gamma },
      measured: true,
    };
  }
  if (points.length === 1) {
    const { k: k0, c: c0 } = points[0];
    const cAt = (g: number, j: number) => (c0 * (1 + g * (j - 1))) / (1 + g * (k0 - 1));
    return {
      at: (j: number) => {
        const a = cAt(0, j);
        const b = cAt(options.maxSlotContention, j);
        return { lo: Math.max(UNKNOWN_CPU_MS.lo, Math.min(a, b) * (1 - margin)), mid: cAt(options.priorSlotContention, j), hi: Math.max(a, b) * (1 + margin) };
      },
      gamma: { lo: 0, mid: options.priorSlotContention, hi: options.maxSlotContention },
      measured: false,
    };
  }
  // Nothing measured yet (no whole running minute): anything is possible; the next trial will tell.
  return {
    at: (): Range => ({ lo: UNKNOWN_CPU_MS.lo, mid: UNKNOWN_CPU_MS.mid, hi: UNKNOWN_CPU_MS.hi }),
    gamma: { lo: 0, mid: options.priorSlotContention, hi: options.maxSlotContention },
    measured: false,
  };
}

/** CPU ms per record before any measurement: from a trivial map to a heavy model call. */
const UNKNOWN_CPU_MS = { lo: 0.001, mid: 1, hi: 1000 } as const;

function fitIoWait(observations: TrialObservation[], cpuAt: (j: number) => Range, margin: number): Range {
  const ws: number[] = [];
  for (const o of observations) {
    if (o.msPerRecord === null) continue;
    const k = o.parallelismPerKpu;
    // This trial's own c_k where measured, the fit's shape for the partial KPU.
    const scale = o.cpuMsPerRecord !== null ? o.cpuMsPerRecord / cpuAt(k).mid : 1;
    ws.push(o.msPerRecord - meanCpuPerRecord(o.parallelism, k, (j) => cpuAt(j).mid * scale));
  }
  if (ws.length === 0) return { lo: 0, mid: 0, hi: DEFAULT_IO_WAIT_MAX_MS };
  const w = Math.max(0, ws.reduce((a, b) => a + b, 0) / ws.length);
  const spread = Math.max(...ws) - Math.min(...ws);
  const slack = Math.max(spread / 2, margin * Math.max(w, cpuAt(1).mid));
  return { lo: Math.max(0, w - slack), mid: w, hi: w + slack };
}

/**
 * h from every trial with Parallelism > 1, as the intersection of what each shows: caught-up minutes
 * measure it exactly from busy Maximum/Average; backlogged minutes through the noise; and a trial whose
 * capacity was seen directly while hot-key-bound pins it by solving H(h) = μ observed.
 */
function fitHotKey(observations: TrialObservation[], options: AlgorithmOptions, margin: number, cpuAt: (j: number) => Range, ioWait: Range) {
  type Interval = { lo: number; mid: number; hi: number };
  const fromBusy: Interval[] = [];
  const fromCapacity: Interval[] = [];
  for (const o of observations) {
    if (o.hotKeyShare === null) continue;
    const h = o.hotKeyShare;
    let own: Interval;
    if (o.hotKeyShareExact) {
      own = { lo: Math.max(0, h * (1 - margin)), mid: h, hi: Math.min(1, h * (1 + margin)) };
    } else {
      const sigma = o.perSecondNoise ?? 0;
      const slack = Math.max(margin * h, (options.marginZ * sigma) / Math.sqrt(60 * Math.max(1, o.backloggedMinutes)));
      own = { lo: Math.max(0, h - slack), mid: h, hi: Math.min(1, h + slack) };
    }
    fromBusy.push(own);
    // Only a trial whose busy times show a hot key for sure was limited by it: then its directly
    // observed capacity pins h more tightly than the noisy busy-time spread.
    if (own.lo > 0 && o.backlogCapacity !== null && o.backloggedMinutes > 0) {
      const pinned = solveHotKeyShare(o, cpuAt, ioWait, options);
      if (pinned) fromCapacity.push(pinned);
    }
  }
  if (fromBusy.length === 0) {
    return { range: { lo: 0, mid: options.priorHotKeyShare, hi: options.maxHotKeyShare }, measured: false };
  }
  const range = intersect([...fromBusy, ...fromCapacity]) ?? intersect(fromBusy) ?? fromBusy[fromBusy.length - 1];
  return { range, measured: true };
}

function intersect(intervals: Array<{ lo: number; mid: number; hi: number }>): Range | null {
  if (intervals.length === 0) return null;
  const lo = Math.max(...intervals.map((i) => i.lo));
  const hi = Math.min(...intervals.map((i) => i.hi));
  if (lo > hi) return null;
  const mids = intervals.map((i) => i.mid).filter((m) => m >= lo && m <= hi);
  return { lo, mid: mids.length > 0 ? mids.reduce((a, b) => a + b, 0) / mids.length : (lo + hi) / 2, hi };
}

/** h such that the hot-key bound H equals the capacity a trial observed (± its noise), by bisection. */
function solveHotKeyShare(o: TrialObservation, cpuAt: (j: number) => Range, ioWait: Range, options: AlgorithmOptions): Range | null {
  const source = streamReadLimit(o.shards, o.recordBytes);
  const at = (h: number) => capacity({ cpuMsPerRecord: (j) => cpuAt(j).mid, ioWaitMsPerRecord: ioWait.mid, hotKeyShare: h }, o.parallelism, o.parallelismPerKpu, source).recordsPerSecond;
  const mu = o.backlogCapacity!;
  if (at(0) <= mu) return null;
  const e = options.marginZ * (o.backlogCapacityRelError ?? 0);
  const solve = (target: number) => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2;
      if (at(mid) > target) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  return { lo: solve(mu * (1 + e)), mid: solve(mu), hi: solve(mu * (1 - e)) };
}

function fitHeap(observations: TrialObservation[], options: AlgorithmOptions) {
  const below: Array<{ n: number; mb: number }> = [];
  const ceiling: number[] = [];
  for (const o of observations) {
    if (o.heapUtilization === null) continue;
    if (o.heapAtCeiling) ceiling.push(o.kpus);
    else below.push({ n: o.kpus, mb: (o.heapUtilization / 100) * HEAP_MB_PER_KPU });
  }
  const distinct = new Map<number, number>();
  for (const p of below) distinct.set(p.n, Math.max(distinct.get(p.n) ?? 0, p.mb));
  const points = [...distinct.entries()].map(([n, mb]) => ({ n, mb }));
  const exact = (base: number, state: number) => (n: number): Range => {
    const v = base + state / n;
    return { lo: v, mid: v, hi: v };
  };
  if (points.length >= 2) {
    // Least squares of heap = base + state (1 / n).
    const line = leastSquares(points.map((p) => 1 / p.n), points.map((p) => p.mb));
    const state = Math.max(0, line.slope);
    const base = Math.max(0, line.mean.y - state * line.mean.x);
    return { at: exact(base, state), kind: 'fit' as const, base, state };
  }
  if (points.length === 1) {
    const { n: nu, mb: hu } = points[0];
    // An out-of-memory reading at fewer KPUs bounds the state from below.
    let baseMax = hu;
    for (const nc of ceiling) {
      if (nc < nu) baseMax = Math.min(baseMax, hu - ((HEAP_MB_PER_KPU - hu) / (1 / nc - 1 / nu)) / nu);
    }
    baseMax = Math.max(0, baseMax);
    const baseMid = Math.min(options.priorBaseHeapMb, baseMax);
    const heapWith = (base: number, n: number) => base + ((hu - base) * nu) / n;
    return {
      at: (n: number): Range => {
        const a = heapWith(0, n);
        const b = heapWith(baseMax, n);
        return { lo: Math.min(a, b), mid: heapWith(baseMid, n), hi: Math.max(a, b) };
      },
      kind: 'one' as const,
      base: baseMid,
      state: (hu - baseMid) * nu,
    };
  }
  if (ceiling.length > 0) {
    const nc = Math.max(...ceiling);
    const assumed = options.ceilingHeapFactor * HEAP_MB_PER_KPU;
    const state = (assumed - options.priorBaseHeapMb) * nc;
    return {
      at: (n: number): Range => ({
        lo: n >= nc ? (HEAP_MB_PER_KPU * nc) / n : HEAP_MB_PER_KPU,
        mid: options.priorBaseHeapMb + state / n,
        hi: Infinity,
      }),
      kind: 'ceiling' as const,
      base: options.priorBaseHeapMb,
      state,
    };
  }
  return { at: exact(0, 0), kind: 'none' as const, base: null, state: null };
}

/**
 * Where a trial saw its capacity directly and the model (at the given corner) predicts clearly more for
 * that configuration, the observation wins: the factor that brings the prediction down to it.
 */
function correctionFromObservedCapacity(fit: ModelFit, observations: TrialObservation[], options: AlgorithmOptions, corner: Corner): number {
  let correction = 1;
  const tolerance = (o: TrialObservation) => Math.max(fit.margin, options.minRelativeMargin, options.marginZ * (o.backlogCapacityRelError ?? 0));
  for (const o of observations) {
    if (o.backlogCapacity === null || o.backloggedMinutes === 0) continue;
    if (o.backlogCapacity >= streamReadLimit(o.shards, o.recordBytes) * (1 - tolerance(o))) continue; // the stream's read limit
    const predicted = capacity(jobAt(fit, corner), o.parallelism, o.parallelismPerKpu, streamReadLimit(o.shards, o.recordBytes)).recordsPerSecond;
    if (corner === 'mid' && o.backlogCapacity < predicted * (1 - tolerance(o))) correction = Math.min(correction, o.backlogCapacity / predicted);
    if (corner === 'hi') correction = Math.min(correction, (o.backlogCapacity * (1 + tolerance(o))) / predicted);
  }
  return correction;
}

/** Ordinary least squares of y on x; callers clamp the slope to what their physics allows. */
function leastSquares(xs: number[], ys: number[]): { slope: number; mean: { x: number; y: number } } {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return { slope: sxy / sxx, mean: { x: mx, y: my } };
}
