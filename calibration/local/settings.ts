/**
 * The flags of `kpufit calibrate --target local` and `kpufit local sweep`, checked before anything starts:
 * every problem names its flag and what is allowed (exit 2).
 */
import { cpus } from 'node:os';
import { ValidationError } from '../../core/validation';
import { WORKLOAD_NAMES, type WorkloadName } from '../../simulator/workloads';
import type { Slo } from '../report-types';

/** The Job properties a local run may set (flink-app config/JobConfig.java's Job group). */
export const JOB_PROPERTY_KEYS = [
  'cost.cpu.spin.micros', 'cost.io.mode', 'cost.io.wait.millis', 'cost.io.async.capacity', 'cost.io.async.timeout.millis',
  'window.size.seconds', 'taxi.hotspot.threshold', 'iot.threshold.temperature', 'iot.threshold.pressure', 'iot.threshold.vibration',
] as const;
export const IO_MODES = ['NONE', 'BLOCKING', 'ASYNC'] as const;

/**
 * Defaults sized so kinesis-local never binds: 5 ms of blocking I/O per record makes a subtask good for
 * ~175 records/s, so 300 records/s needs P = 3 while the emulator reads ~2,500/s.
 */
export const DEFAULT_LOCAL = Object.freeze({
  workload: 'iot' as WorkloadName,
  rate: 300,
  jobProperties: { 'cost.io.mode': 'BLOCKING', 'cost.io.wait.millis': '5' } as Record<string, string>,
  maxKpu: 4,
  maxParallelism: 8,
  kpuCpu: 0.25,
  kpuHeapMb: 512,
  periodSeconds: 10,
  shards: 8,
  hotKeyShare: 0,
  /** Wall-clock SLO defaults: AWS's 60 s of lag and 600 s of catch-up, compressed like the clock. */
  sloLagWallMs: 10_000,
  catchUpWallSeconds: 100,
  targetUtilization: 0.8,
});

export interface LocalArgs {
  workload?: string;
  rate?: number;
  set?: string[];
  maxKpu?: number;
  maxParallelism?: number;
  kpuCpu?: number;
  kpuHeapMb?: number;
  periodSeconds?: number;
  shards?: number;
  hotKeyShare?: number;
  sloLagMs?: number;
  catchUpS?: number;
  targetUtilization?: number;
  out?: string;
  json?: boolean;
}

export interface LocalSettings {
  workload: WorkloadName;
  recordsPerSecond: number;
  jobProperties: Record<string, string>;
  maxKpu: number;
  maxParallelism: number;
  /** null: no CPU emulation (--kpu-cpu 0). */
  kpuCpu: number | null;
  kpuHeapMb: number;
  periodSeconds: number;
  shards: number;
  hotKeyShare: number;
  /** The SLO in the calibrator's compressed units (wall values x 60 / periodSeconds). */
  slo: Slo;
  sloWall: { maxLagMs: number; catchUpSeconds: number };
  out?: string;
  json: boolean;
}

/** `--set key=value` pairs as Job properties, each key and the cost knobs' values checked. */
export function jobProperties(pairs: string[], problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq) : '';
    const value = eq > 0 ? pair.slice(eq + 1) : '';
    if (!key) {
      problems.push(`--set: expected key=value, got "${pair}"`);
      continue;
    }
    if (!(JOB_PROPERTY_KEYS as readonly string[]).includes(key)) {
      problems.push(`--set: unknown Job property "${key}"; allowed: ${JOB_PROPERTY_KEYS.join(', ')}`);
      continue;
    }
    if (key === 'cost.io.mode') {
      if (!(IO_MODES as readonly string[]).includes(value.toUpperCase())) problems.push(`--set cost.io.mode: must be one of ${IO_MODES.join(', ')}, got "${value}"`);
      out[key] = value.toUpperCase();
      continue;
    }
    if (!/^\d+$/.test(value)) problems.push(`--set ${key}: must be a non-negative integer, got "${value}"`);
    out[key] = value;
  }
  return out;
}

export function resolveLocalSettings(args: LocalArgs, machineCores = cpus().length): LocalSettings {
  const problems: string[] = [];
  const num = (flag: string, value: number | undefined, fallback: number, ok: (n: number) => boolean, allowed: string): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) problems.push(`--${flag}: ${allowed}, got ${String(value)}`);
    return value;
  };
  const int = (a: number, b: number) => (n: number) => Number.isInteger(n) && n >= a && n <= b;
  const workload = args.workload ?? DEFAULT_LOCAL.workload;
  if (!(WORKLOAD_NAMES as readonly string[]).includes(workload)) problems.push(`--workload: must be one of ${WORKLOAD_NAMES.join(', ')}, got "${workload}"`);
  const rate = num('rate', args.rate, DEFAULT_LOCAL.rate, (n) => n > 0 && n <= 2000, 'must be records per second in (0, 2000] (kinesis-local reads ~2,500/s)');
  const given = jobProperties(args.set ?? [], problems);
  const props = args.set && args.set.length > 0 ? given : { ...DEFAULT_LOCAL.jobProperties };
  const maxKpu = num('max-kpu', args.maxKpu, DEFAULT_LOCAL.maxKpu, int(1, 16), 'must be an integer from 1 to 16');
  const maxParallelism = num('max-parallelism', args.maxParallelism, DEFAULT_LOCAL.maxParallelism, int(1, 32), 'must be an integer from 1 to 32');
  const kpuCpu = num('kpu-cpu', args.kpuCpu, DEFAULT_LOCAL.kpuCpu, (n) => n === 0 || (n >= 0.05 && n <= 8), 'must be 0 (no CPU emulation) or cores per KPU from 0.05 to 8');
  const kpuHeapMb = num('kpu-heap-mb', args.kpuHeapMb, DEFAULT_LOCAL.kpuHeapMb, int(128, 4096), 'must be an integer from 128 to 4096 (MB)');
  const periodSeconds = num('period-seconds', args.periodSeconds, DEFAULT_LOCAL.periodSeconds, int(5, 60), 'must be an integer from 5 to 60 (wall seconds per calibrator minute)');
  const shards = num('shards', args.shards, DEFAULT_LOCAL.shards, int(1, 32), 'must be an integer from 1 to 32 (kinesis-local breaks above 100 shards and slows with many)');
  const hotKeyShare = num('hot-key-share', args.hotKeyShare, DEFAULT_LOCAL.hotKeyShare, (n) => n >= 0 && n < 1, 'must be in [0, 1)');
  const sloLag = num('slo-lag-ms', args.sloLagMs, DEFAULT_LOCAL.sloLagWallMs, (n) => n > 0, 'must be > 0 (wall ms)');
  const catchUp = num('catch-up-s', args.catchUpS, DEFAULT_LOCAL.catchUpWallSeconds, (n) => n > 0, 'must be > 0 (wall seconds)');
  const targetUtilization = num('target-utilization', args.targetUtilization, DEFAULT_LOCAL.targetUtilization, (n) => n > 0 && n <= 1, 'must be in (0, 1]');
  if (kpuCpu > 0 && problems.length === 0 && maxKpu * kpuCpu > machineCores) {
    problems.push(`--kpu-cpu: ${kpuCpu} cores x --max-kpu ${maxKpu} KPUs exceeds this machine's ${machineCores} cores; lower either`);
  }
  if (problems.length) throw new ValidationError(problems);
  const scale = 60 / periodSeconds;
  return {
    workload: workload as WorkloadName,
    recordsPerSecond: rate,
    jobProperties: props,
    maxKpu,
    maxParallelism,
    kpuCpu: kpuCpu === 0 ? null : kpuCpu,
    kpuHeapMb,
    periodSeconds,
    shards,
    hotKeyShare,
    slo: { maxLagMs: sloLag * scale, catchUpSeconds: catchUp * scale, targetUtilization, maxHeapUtilization: 0.9 },
    sloWall: { maxLagMs: sloLag, catchUpSeconds: catchUp },
    out: args.out,
    json: Boolean(args.json),
  };
}
