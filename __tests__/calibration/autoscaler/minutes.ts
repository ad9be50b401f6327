/** Per-minute metric periods of a job with known parameters, as CloudWatch (and the twin) would show them. */
import type { MetricPeriod } from '../../../calibration/ports';

export const T0 = Date.UTC(2026, 0, 1);

export interface JobTruth {
  cpuMsPerRecord: number;
  slotContention: number;
  ioWaitMsPerRecord: number;
  hotKeyShare?: number;
  heapMbPerKpu?: number;
}

export function blank(startMs: number): MetricPeriod {
  return {
    startMs, lagMaxMs: null, lagAvgMs: null, lagMinMs: null, consumed: null, cpu: null, containerCpuMax: null,
    busyAvg: null, busyMax: null, busyMin: null, heapMax: null, kpus: null, downtimeMaxMs: null, uptimeMinMs: null,
    fullRestartsMax: null, incomingRecords: null, writeThrottled: null,
  };
}

/** One whole running minute at (P, K) consuming `consumed` records/s of an input of `input` records/s. */
export function runningMinute(
  index: number, job: JobTruth, config: { parallelism: number; parallelismPerKpu: number },
  load: { input: number; consumed?: number; lagMs?: number; lagMinMs?: number },
): MetricPeriod {
  const { parallelism: p, parallelismPerKpu: k } = config;
  const n = Math.ceil(p / k);
  const consumed = load.consumed ?? load.input;
  const ck = job.cpuMsPerRecord * (1 + job.slotContention * (k - 1));
  const h = job.hotKeyShare ?? 0;
  const busyAvg = (consumed * (ck + job.ioWaitMsPerRecord)) / p;
  const hotShare = h + (1 - h) / p;
  return {
    ...blank(T0 + index * 60000),
    lagMaxMs: load.lagMs ?? 0, lagAvgMs: load.lagMs ?? 0, lagMinMs: load.lagMinMs ?? 0,
    consumed,
    cpu: (100 * consumed * ck) / (n * 1000),
    containerCpuMax: (100 * consumed * ck) / (n * 1000),
    busyAvg,
    busyMax: Math.min(1000, consumed * hotShare * (ck + job.ioWaitMsPerRecord)),
    // The coolest subtask: every one but the hot key's gets (1 - h) / P of the records.
    busyMin: p > 1 ? (consumed * ((1 - h) / p) * (ck + job.ioWaitMsPerRecord)) : busyAvg,
    heapMax: job.heapMbPerKpu !== undefined ? (100 * job.heapMbPerKpu) / 3072 : null,
    kpus: n + 1,
    downtimeMaxMs: 0,
    uptimeMinMs: (index + 1) * 60000,
    fullRestartsMax: 0,
    incomingRecords: load.input * 60,
    writeThrottled: 0,
  };
}
