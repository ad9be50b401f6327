/**
 * What one running configuration means per second, computed once when it starts: the noise-free μ and the
 * per-subtask and per-KPU coefficients the busy-time and CPU metrics need. Subtasks come in at most three
 * kinds (the hot-key one, the others on full KPUs, those on the partial last KPU), so the per-subtask
 * metrics are a handful of multiplications instead of a loop over P subtasks.
 */
import type { JobParameters } from './scenario';
import { capacity, cpuMsPerRecordShared, heapUtilization, hotSubtaskShare, type Config } from './model';
import { kpusFor } from '../../core/managed-flink';

/** `count` identical members, each getting `share` of the consumed records at `msPerRecord`. */
export interface Group {
  share: number;
  msPerRecord: number;
  count: number;
}

export interface RunningConfig extends Config {
  kpus: number;
  /** Noise-free μ, records/s. */
  mu: number;
  /** c_k: CPU ms per record on a full KPU (cpuUtilization). */
  cpuMsFullKpu: number;
  heapUtilization: number;
  /** Subtasks: busy ms per consumed record is share * (c_j + w). */
  subtasks: Group[];
  /** KPUs: CPU ms per consumed record of the whole application landing on one such KPU. */
  kpuGroups: Group[];
}

export function runningConfig(config: Config, shards: number, recordBytes: number, job: JobParameters): RunningConfig {
  const p = config.parallelism;
  const k = config.parallelismPerKpu;
  const full = Math.floor(p / k);
  const rest = p - full * k;
  const hot = hotSubtaskShare(job.hotKeyShare, p);
  const other = (1 - job.hotKeyShare) / p;
  const cFull = cpuMsPerRecordShared(job, k);
  const cRest = cpuMsPerRecordShared(job, Math.max(1, rest));
  const w = job.ioWaitMsPerRecord;
  const onFull = full >= 1;
  const cHot = onFull ? cFull : cRest;
  const subtasks: Group[] = [
    { share: hot, msPerRecord: cHot + w, count: 1 },
    { share: other, msPerRecord: cFull + w, count: onFull ? full * k - 1 : 0 },
    { share: other, msPerRecord: cRest + w, count: onFull ? rest : rest - 1 },
  ].filter((g) => g.count > 0);
  const kpuGroups: Group[] = [
    { share: onFull ? hot + (k - 1) * other : hot + (rest - 1) * other, msPerRecord: cHot, count: 1 },
    { share: k * other, msPerRecord: cFull, count: onFull ? full - 1 : 0 },
    { share: rest * other, msPerRecord: cRest, count: onFull && rest > 0 ? 1 : 0 },
  ].filter((g) => g.count > 0);
  const kpus = kpusFor(p, k);
  return {
    ...config,
    kpus,
    mu: capacity(config, shards, recordBytes, job).recordsPerSecond,
    cpuMsFullKpu: cFull,
    heapUtilization: heapUtilization(job, kpus),
    subtasks,
    kpuGroups,
  };
}
