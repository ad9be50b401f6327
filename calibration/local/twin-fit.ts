/**
 * `kpufit twin fit --from SWEEP.json`: the twin's job parameters that best reproduce a measured sweep
 * (`kpufit local sweep --json`), and the prediction error per configuration. Capacity parameters (CPU ms
 * and I/O wait per record, slot contention, hot-key share) minimise the squared relative error of the
 * twin's μ (simulator/twin/model.ts, unchanged) over the measured rows by a coarse-to-fine grid search;
 * heap parameters come from a least-squares line through the JVM's heap: used = baseHeapMb x n + stateMb.
 * CPU is in the twin's units, ms of one KPU's vCPU: with --kpu-cpu c cores per KPU, real CPU ms = c x that.
 */
import { placementCapacity, placementOf } from '../../simulator/twin/model';
import { InputError } from '../../core/errors';

export interface SweepRow {
  parallelism: number;
  parallelismPerKpu: number;
  kpus: number;
  capacityRecordsPerSecond: number;
  /** `placement`: subtasks per KPU as Flink placed them (a local sweep reports it); the twin's own otherwise. */
  measured?: { lowerBound?: boolean; hostBound?: boolean; heapUsedMb?: number | null; placement?: number[] };
  bottleneck?: string;
}

export interface FittedJob {
  cpuMsPerRecord: number;
  ioWaitMsPerRecord: number;
  slotContention: number;
  hotKeyShare: number;
  baseHeapMb: number;
  stateMb: number;
}

export interface FitRow {
  parallelism: number;
  parallelismPerKpu: number;
  kpus: number;
  measuredRecordsPerSecond: number;
  predictedRecordsPerSecond: number;
  /** (predicted - measured) / measured. */
  relativeError: number;
  usedInFit: boolean;
}

export interface TwinFit {
  source: string;
  job: FittedJob;
  rows: FitRow[];
  meanAbsRelativeError: number;
  maxAbsRelativeError: number;
  /** Rows left out of the fit: lower bounds (backlog ran out), host-bound and emulator-bound ones. */
  excluded: number;
}

const SHARDS_UNBOUNDED = 1_000_000;

/** The measured placement when there is one (the twin's law applied to the layout that was measured), else the twin's. */
function placementFor(row: SweepRow): number[] {
  const placed = row.measured?.placement;
  return placed && placed.reduce((a, j) => a + j, 0) === row.parallelism ? placed : placementOf(row);
}

function predict(row: SweepRow, job: Omit<FittedJob, 'baseHeapMb' | 'stateMb'>): number {
  // The local emulator's read limit is not the twin's stream limit: left out (rows bound by it are excluded).
  return placementCapacity(placementFor(row), SHARDS_UNBOUNDED, 200, job).recordsPerSecond;
}

function loss(rows: SweepRow[], job: Omit<FittedJob, 'baseHeapMb' | 'stateMb'>): number {
  let sum = 0;
  for (const r of rows) {
    const e = (predict(r, job) - r.capacityRecordsPerSecond) / r.capacityRecordsPerSecond;
    sum += e * e;
  }
  return sum;
}

function span(lo: number, hi: number, n: number, log: boolean): number[] {
  return Array.from({ length: n }, (_, i) => (log ? lo * (hi / lo) ** (i / (n - 1)) : lo + ((hi - lo) * i) / (n - 1)));
}

export function parseSweep(text: string, source: string): SweepRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--from: ${source} is not JSON (${(e as Error).message})`);
  }
  const rows = (doc as { configurations?: unknown }).configurations;
  if (!Array.isArray(rows) || rows.length === 0) throw new InputError(`--from: ${source} has no configurations (expected the output of kpufit local sweep --json)`);
  for (const [i, r] of rows.entries()) {
    const row = r as SweepRow;
    if (!(row.parallelism >= 1) || !(row.parallelismPerKpu >= 1) || !(row.capacityRecordsPerSecond >= 0)) {
      throw new InputError(`--from: ${source}: configurations[${i}] needs parallelism, parallelismPerKpu and capacityRecordsPerSecond`);
    }
  }
  return rows as SweepRow[];
}

export function fitTwin(rows: SweepRow[], source: string): TwinFit {
  const usable = rows.filter((r) => r.capacityRecordsPerSecond > 0 && !r.measured?.lowerBound && !r.measured?.hostBound && r.bottleneck !== 'source');
  // Rows that share one measurement (P with every k >= P runs one KPU of P subtasks) count once: as listed,
  // the one-KPU placement of a sweep up to k = 8 would weigh eight times, and the fit would trade every
  // multi-KPU row's error for it.
  const distinct = [...new Map(usable.map((r) => [`${r.parallelism}/${placementFor(r).join('+')}`, r])).values()];
  if (usable.length < 2) throw new InputError(`--from: ${source}: fewer than two measured capacities to fit (lower bounds, host-bound and emulator-bound rows are left out)`);
  // A coarse grid, then five refinements, each a narrower grid around the best point so far.
  let ranges = { c: [0.01, 50], w: [0, 50], g: [0, 0.5], h: [0, 0.9] };
  let best = { cpuMsPerRecord: 1, ioWaitMsPerRecord: 0, slotContention: 0, hotKeyShare: 0 };
  let bestLoss = Infinity;
  for (let round = 0; round < 6; round++) {
    const cs = span(ranges.c[0], ranges.c[1], 12, true);
    const ws = [0, ...span(Math.max(0.05, ranges.w[0]), Math.max(0.1, ranges.w[1]), 11, true)];
    const gs = span(ranges.g[0], ranges.g[1], 5, false);
    const hs = span(ranges.h[0], ranges.h[1], 5, false);
    for (const c of cs) for (const w of ws) for (const g of gs) for (const h of hs) {
      const job = { cpuMsPerRecord: c, ioWaitMsPerRecord: w, slotContention: g, hotKeyShare: h };
      const l = loss(distinct, job);
      if (l < bestLoss) {
        bestLoss = l;
        best = job;
      }
    }
    const around = (x: number, lo: number, hi: number, f: number) => [Math.max(lo, x / f), Math.min(hi, Math.max(x * f, lo + 1e-3))];
    const f = 1 + 1.5 / 2 ** round;
    const dg = 0.15 / 2 ** round;
    const dh = 0.25 / 2 ** round;
    ranges = {
      c: around(best.cpuMsPerRecord, 0.001, 100, f),
      w: around(Math.max(best.ioWaitMsPerRecord, 0.05), 0, 100, f),
      g: [Math.max(0, best.slotContention - dg), Math.min(0.5, best.slotContention + dg)],
      h: [Math.max(0, best.hotKeyShare - dh), Math.min(0.95, best.hotKeyShare + dh)],
    };
  }
  // Heap: used = base x n + state over rows that reported it.
  const heap = rows.filter((r) => typeof r.measured?.heapUsedMb === 'number').map((r) => ({ n: r.kpus, y: r.measured!.heapUsedMb! }));
  let baseHeapMb = 0;
  let stateMb = 0;
  if (heap.length >= 2) {
    const mn = heap.reduce((a, p) => a + p.n, 0) / heap.length;
    const my = heap.reduce((a, p) => a + p.y, 0) / heap.length;
    const sxx = heap.reduce((a, p) => a + (p.n - mn) ** 2, 0);
    const sxy = heap.reduce((a, p) => a + (p.n - mn) * (p.y - my), 0);
    baseHeapMb = sxx > 0 ? Math.max(0, sxy / sxx) : my;
    stateMb = Math.max(0, my - baseHeapMb * mn);
  } else if (heap.length === 1) {
    baseHeapMb = heap[0].y / heap[0].n;
  }
  const fitRows: FitRow[] = rows.map((r) => {
    const predicted = predict(r, best);
    return {
      parallelism: r.parallelism, parallelismPerKpu: r.parallelismPerKpu, kpus: r.kpus,
      measuredRecordsPerSecond: r.capacityRecordsPerSecond, predictedRecordsPerSecond: predicted,
      relativeError: r.capacityRecordsPerSecond > 0 ? (predicted - r.capacityRecordsPerSecond) / r.capacityRecordsPerSecond : 0,
      usedInFit: usable.includes(r),
    };
  });
  const errors = fitRows.filter((r, i) => r.usedInFit && distinct.includes(rows[i])).map((r) => Math.abs(r.relativeError));
  return {
    source,
    job: { ...best, baseHeapMb, stateMb },
    rows: fitRows,
    meanAbsRelativeError: errors.reduce((a, b) => a + b, 0) / errors.length,
    maxAbsRelativeError: Math.max(...errors),
    excluded: rows.length - usable.length,
  };
}
