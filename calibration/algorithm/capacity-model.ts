/**
 * How capacity scales with Parallelism P and ParallelismPerKPU k (docs/twin-model.md section 2, the structure the
 * calibrator assumes of a Managed Flink job), evaluated on *estimated* job parameters:
 *   c_j = cpu (1 + γ (j - 1))            CPU ms per record with j subtasks sharing a KPU's vCPU
 *   rate(j) = min(1000 / (c_j + w), 1000 / (c_j j))
 *   C = f k rate(k) + r rate(r),  H = rate(j_hot) / (h + (1 - h) / P),  R = S min(2 MiB / b, 50000)
 * A CPU-bound job (w small) gains nothing from more subtasks per KPU; an I/O-bound one does.
 */
import type { Slo } from '../report-types';
import { HEAP_MB_PER_KPU } from '../../core/aws-facts';

export interface JobEstimate {
  /** c_j for the j subtasks sharing a KPU (1..8). */
  cpuMsPerRecord(j: number): number;
  ioWaitMsPerRecord: number;
  hotKeyShare: number;
}

export type Bottleneck = 'compute' | 'io' | 'hot-key' | 'source';

export interface CapacityEstimate {
  recordsPerSecond: number;
  computeBound: number;
  hotKeyBound: number;
  sourceBound: number;
  bottleneck: Bottleneck;
}

export function subtaskRate(job: JobEstimate, j: number): number {
  const c = job.cpuMsPerRecord(j);
  return Math.min(1000 / (c + job.ioWaitMsPerRecord), 1000 / (c * j));
}

export function capacity(job: JobEstimate, parallelism: number, parallelismPerKpu: number, source: number): CapacityEstimate {
  const k = parallelismPerKpu;
  const full = Math.floor(parallelism / k);
  const rest = parallelism - full * k;
  const compute = full * k * subtaskRate(job, k) + (rest > 0 ? rest * subtaskRate(job, rest) : 0);
  const jHot = full >= 1 ? k : rest;
  const h = job.hotKeyShare;
  const hotRate = subtaskRate(job, jHot);
  const hotKey = hotRate / (h + (1 - h) / parallelism);
  const mu = Math.min(compute, hotKey, source);
  let bottleneck: Bottleneck;
  if (mu === source) bottleneck = 'source';
  // With evenly spread keys H = P rate(j_hot), below C only when the last KPU is partly filled: the
  // busiest subtask then shares a full KPU's vCPU, which is compute, not a key. The key binds only when
  // its share pulls H below both.
  else if (mu === hotKey && h > 0 && hotKey < Math.min(compute, parallelism * hotRate)) bottleneck = 'hot-key';
  else bottleneck = resourceOf(job, jHot);
  return { recordsPerSecond: mu, computeBound: compute, hotKeyBound: hotKey, sourceBound: source, bottleneck };
}

/**
 * Which term of rate(j) binds: the shared vCPU (compute) or the subtask's own time. The own-time term is
 * c_j + w, so it binds for any w > 0 at j = 1; it is I/O only when the wait is at least the CPU time
 * (a job waiting less than it computes gains little from more subtasks per KPU, whatever the term).
 */
export function resourceOf(job: JobEstimate, j: number): 'compute' | 'io' {
  const c = job.cpuMsPerRecord(j);
  const w = job.ioWaitMsPerRecord;
  return c + w > c * j && w >= c ? 'io' : 'compute';
}

/**
 * docs/calibration.md: μ must cover the peak with headroom and catch up an update's backlog in time:
 * λ max(1 / targetUtilization, 1 + D / catchUpSeconds).
 */
export function requiredCapacity(peak: number, slo: Slo, downtimeSeconds: number): number {
  return peak * Math.max(1 / slo.targetUtilization, 1 + downtimeSeconds / slo.catchUpSeconds);
}

/** Heap per KPU = base + state / n, as a fraction of the KPU's 3 GB heap. */
export function heapUtilization(baseHeapMb: number, stateMb: number, kpus: number): number {
  return (baseHeapMb + stateMb / kpus) / HEAP_MB_PER_KPU;
}
