/**
 * `kpufit local sweep`: the ground truth a calibration is checked against. A backlog is written to the
 * stream once; every configuration then starts the real job fresh from TRIM_HORIZON (so the same backlog
 * serves every trial), and its saturated capacity is the steady-state one derived from the source's
 * consumption while the backlog lasts, after a warm-up: the drain rate, or less where one source subtask
 * would carry more than its part of the live load (steady-capacity.ts). Configurations that place the same
 * subtasks per KPU (P with any k >= P: one KPU of P subtasks) are measured once and share the measurement;
 * every other k is a layout of its own, since each KPU's subtasks share that KPU's vCPU only
 * (./kpu-threads.ts). The output has the shape of `kpufit twin sweep --json` (docs/json-shapes.md), plus a
 * `measured` block per row.
 */
import { cpus } from 'node:os';
import { PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { costOf, DEFAULT_PRICING } from '../../core/pricing';
import { kpusFor, layoutKey } from '../../core/managed-flink';
import { createWorkload } from '../../simulator/workloads';
import { assertCpuEmulation, EMULATOR_READ_CEILING, measurePutCeiling } from './local-world';
import { IDLE_SETTLE_MS, IDLE_WINDOW_MS, LocalCluster, type PollSample } from './local-cluster';
import { drainsBetween, readSourceSubtasks, type SourceSubtasksReading } from './source-subtasks';
import { sharesOf, steadyCapacity, type SubtaskShare } from './steady-capacity';
import type { LocalSettings } from './settings';

/** A configuration whose JVM used this share of the machine's cores was bound by the host (see MeasuredCapacity.hostBound). */
export const HOST_BOUND_SHARE = 0.85;

/** ParallelismPerKPU Managed Flink allows. */
const MAX_K = 8;

export interface MeasuredCapacity {
  /** Source records/s over the measurement window while draining the backlog (the drain rate), and the window. */
  recordsPerSecond: number;
  windowSeconds: number;
  /** The backlog ran out before the window was long enough: the capacity is at least this. */
  lowerBound: boolean;
  /**
   * The job's cgroup used at least HOST_BOUND_SHARE of this machine's cores: the host, not the KPUs, set the
   * rate (kinesis-local and the load driver need CPU too). Kept in the sweep, left out of `twin fit`.
   */
  hostBound?: boolean;
  busyAvg: number | null;
  busyMax: number | null;
  backPressuredAvg: number | null;
  idleAvg: number | null;
  /** Cores the job's cgroup used while saturated (the fixed overhead included), or null without CPU emulation. */
  cpuCores: number | null;
  quotaCores: number | null;
  heapUsedMb: number | null;
  heapUtilization: number;
  startSeconds: number;
  /** Subtasks per KPU as Flink placed them, largest first (absent without CPU emulation, or when unread). */
  placement?: number[];
  /**
   * The capacity at steady state (steady-capacity.ts): the drain rate, or less when one source subtask carries
   * more than its part of the live load (a hot key's shard, or more shards than the others) and saturates first.
   * The row's capacityRecordsPerSecond.
   */
  steadyRecordsPerSecond: number;
  /** Each source subtask's part of the drain rate, the shards it read and their share of the offered load. */
  subtasks: SubtaskShare[];
  /** The subtask that saturates first at steady state, and its share; null when the drain rate binds. */
  bindingSubtask: number | null;
  bindingShare: number | null;
  /** Why the drain rate stands as the steady capacity without per-subtask readings; null when they were used. */
  steadyFallback: string | null;
}

export interface LocalSweepConfiguration {
  parallelism: number;
  parallelismPerKpu: number;
  kpus: number;
  capacityRecordsPerSecond: number;
  bottleneck: 'compute' | 'io' | 'source';
  heapUtilization: number;
  costPerHourUsd: number;
  feasible: boolean;
  reasons: string[];
  measured: MeasuredCapacity;
}

export interface LocalSweep {
  scenario: string;
  maxKpu: number;
  verdict: 'recommended' | 'infeasible-within-limits';
  peakRecordsPerSecond: number;
  requiredCapacityRecordsPerSecond: number;
  rightSize: LocalSweepConfiguration | null;
  streamAdvice: { shards: number; requiredShards: number };
  configurations: LocalSweepConfiguration[];
  local: {
    workload: string;
    jobProperties: Record<string, string>;
    kpuCpu: number | null;
    kpuHeapMb: number;
    shards: number;
    backlogRecords: number;
    /** One stop with savepoint + restore, wall seconds: the D of the catch-up requirement. */
    updateDowntimeSeconds: number;
    catchUpSeconds: number;
    emulatorPutRecordsPerSecond: number;
    emulatorReadRecordsPerSecond: number;
    /** The idle JVM's CPU, granted on top of every quota, cores. */
    overheadCores: number;
    /** The run-to-run noise, measured by re-measuring the configuration nearest the requirement (null: not measured). */
    noise: SweepNoise | null;
    wallSeconds: number;
  };
}

export interface SweepNoise {
  parallelism: number;
  kpus: number;
  /** Every measurement of that configuration, records/s (its row carries their mean). */
  samples: number[];
  /** (max - min) / mean of the samples: how far two runs of the same configuration land apart here. */
  relativeSpread: number;
}

export interface SweepOptions {
  workDir: string;
  /** Records written once and read by every configuration. @default 15000 */
  backlogRecords?: number;
  warmupSeconds?: number;
  windowSeconds?: number;
  /**
   * Re-measure the configuration whose capacity is nearest the requirement this many more times, and report
   * the spread as the sweep's noise (a fresh JVM each time). @default 0
   */
  noiseRepeats?: number;
  /** D of the catch-up requirement when already measured (a calibration's update): skips the sweep's own stop + restore. */
  updateDowntimeSeconds?: number;
  /** The idle JVM's CPU when already measured on this machine moments ago: skips the sweep's own 15-s measurement. */
  overheadCores?: number;
  log(message: string): void;
}

/** The measured configuration whose capacity is relatively nearest `required` (ties: the first). */
export function nearestToRequirement<T extends { recordsPerSecond: number }>(measured: T[], required: number): T | null {
  let best: T | null = null;
  for (const m of measured) {
    if (!best || Math.abs(m.recordsPerSecond / required - 1) < Math.abs(best.recordsPerSecond / required - 1)) best = m;
  }
  return best;
}

/** (max - min) / mean of repeated capacity measurements; 0 for fewer than two. */
export function relativeSpread(samples: number[]): number {
  if (samples.length < 2) return 0;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return mean > 0 ? (Math.max(...samples) - Math.min(...samples)) / mean : 0;
}

/** Every (P, k) with at most maxKpu KPUs and P <= maxParallelism, by KPUs, then k, then P (the twin's order). */
export function sweepGrid(maxKpu: number, maxParallelism: number): { parallelism: number; parallelismPerKpu: number; kpus: number }[] {
  const out: { parallelism: number; parallelismPerKpu: number; kpus: number }[] = [];
  for (let k = 1; k <= MAX_K; k++) {
    for (let p = 1; p <= Math.min(maxParallelism, maxKpu * k); p++) out.push({ parallelism: p, parallelismPerKpu: k, kpus: kpusFor(p, k) });
  }
  return out.sort((a, b) => a.kpus - b.kpus || a.parallelismPerKpu - b.parallelismPerKpu || a.parallelism - b.parallelism);
}

/** Writes the backlog; returns each shard's share of it (the same generator as a calibration's load, so its steady-state shares). */
async function prefill(cluster: LocalCluster, s: LocalSettings, records: number, log: (m: string) => void): Promise<Map<string, number>> {
  const gen = createWorkload(s.workload, { seed: 11, hotKeyShare: s.hotKeyShare, anomalyShare: 0.01 });
  const started = Date.now();
  const byShard = new Map<string, number>();
  for (let sent = 0; sent < records;) {
    const batch: PutRecordsRequestEntry[] = [];
    for (let i = 0; i < Math.min(500, records - sent); i++) {
      const g = gen.next(Date.now());
      batch.push({ Data: Buffer.from(JSON.stringify(g.event)), PartitionKey: g.key });
    }
    const out = await cluster.client.send(new PutRecordsCommand({ StreamARN: cluster.inputArn, Records: batch }));
    if (out.FailedRecordCount) throw new Error(`PutRecords: ${out.FailedRecordCount} records rejected while writing the backlog`);
    for (const r of out.Records ?? []) if (r.ShardId) byShard.set(r.ShardId, (byShard.get(r.ShardId) ?? 0) + 1);
    sent += batch.length;
  }
  const shares = sharesOf(byShard);
  const top = Math.max(0, ...shares.values());
  log(`backlog of ${records} records written in ${((Date.now() - started) / 1000).toFixed(1)} s over ${shares.size} shards`
    + ` (largest share ${(100 * top).toFixed(1)}%)`);
  return shares;
}

/** Consumption slope between the first sample after `fromMs` and the last one with the backlog not yet drained. */
export function capacityFrom(samples: PollSample[], fromMs: number, backlog: number, windowSeconds: number): { rate: number; seconds: number; lowerBound: boolean } | null {
  const live = samples.filter((x) => x.running && x.consumed !== null && x.atMs >= fromMs);
  if (live.length < 2) return null;
  const first = live[0];
  // Stop before the tail of the backlog: the last pages drain unevenly across shards.
  const usable = live.filter((x) => x.consumed! <= 0.9 * backlog);
  const last = usable.length >= 2 ? usable[usable.length - 1] : live[live.length - 1];
  const seconds = (last.atMs - first.atMs) / 1000;
  if (seconds <= 0) return null;
  return { rate: (last.consumed! - first.consumed!) / seconds, seconds, lowerBound: seconds < 0.5 * windowSeconds };
}

/** Rate of consumption between the samples closest to `fromMs` and `toMs`, records/s (null without two samples). */
function rateBetween(samples: PollSample[], fromMs: number, toMs: number): number | null {
  const pts = samples.filter((x) => x.running && x.consumed !== null && x.atMs >= fromMs && x.atMs <= toMs);
  if (pts.length < 2) return null;
  const a = pts[0];
  const b = pts[pts.length - 1];
  return b.atMs > a.atMs ? ((b.consumed! - a.consumed!) * 1000) / (b.atMs - a.atMs) : null;
}

/** Waits until the consumption rate has settled (or `latestMs`, or the backlog nearly drained); returns when. */
async function steadyFrom(cluster: LocalCluster, firstIndex: number, earliestMs: number, latestMs: number, backlog: number): Promise<number> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = Date.now();
    if (now < earliestMs) continue;
    const samples = cluster.samples.slice(firstIndex);
    const last = samples[samples.length - 1];
    if (now >= latestMs || (last?.consumed ?? 0) >= 0.6 * backlog) return now;
    const recent = rateBetween(samples, now - 3000, now);
    const before = rateBetween(samples, now - 6000, now - 3000);
    if (recent !== null && before !== null && recent > 0 && Math.abs(recent - before) <= 0.1 * recent) return now - 3000;
  }
}

export async function runLocalSweep(s: LocalSettings, o: SweepOptions): Promise<LocalSweep> {
  assertCpuEmulation(s.kpuCpu);
  const started = Date.now();
  const backlog = o.backlogRecords ?? 15_000;
  const warmup = o.warmupSeconds ?? 4;
  const window = o.windowSeconds ?? 8;
  const cluster = new LocalCluster({
    workload: s.workload, workDir: o.workDir, shards: s.shards, jobProperties: s.jobProperties, kpuCpu: s.kpuCpu,
    kpuHeapMb: s.kpuHeapMb, initialPosition: 'TRIM_HORIZON', log: o.log, pollMs: 500,
  });
  try {
    await cluster.startEmulator();
    const put = await measurePutCeiling(cluster.client, s.workload, s.shards);
    // Before the backlog exists: the idle JVM's CPU (granted on top of every quota, as in a calibration) and
    // D for the catch-up requirement, one stop with savepoint + restore at P=1, k=1.
    let overhead = o.overheadCores ?? 0;
    let downtime = o.updateDowntimeSeconds ?? 0;
    const measureOverhead = s.kpuCpu !== null && o.overheadCores === undefined;
    if (measureOverhead || o.updateDowntimeSeconds === undefined) {
      await cluster.start({ parallelism: 1, parallelismPerKpu: 1 }, false);
      if (measureOverhead) {
        overhead = await cluster.measureIdleCores(IDLE_SETTLE_MS, IDLE_WINDOW_MS);
        o.log(`fixed overhead of the emulation: ${overhead.toFixed(3)} cores idle`);
      }
      cluster.setOverheadCores(overhead);
      if (o.updateDowntimeSeconds === undefined) {
        const stopAt = Date.now();
        await cluster.stopWithSavepoint();
        await cluster.start({ parallelism: 1, parallelismPerKpu: 1 }, true);
        downtime = (Date.now() - stopAt) / 1000;
        o.log(`one stop with savepoint + restore: ${downtime.toFixed(1)} s`);
      }
      await cluster.cancelJob();
    } else {
      cluster.setOverheadCores(overhead);
      o.log(`fixed overhead ${overhead.toFixed(3)} cores and update downtime ${downtime.toFixed(1)} s as measured before`);
    }
    const shardShares = await prefill(cluster, s, backlog, o.log);

    const grid = sweepGrid(s.maxKpu, s.maxParallelism);
    const measureOne = async (c: { parallelism: number; parallelismPerKpu: number }): Promise<MeasuredCapacity> => {
      const k = c.parallelismPerKpu;
      const kpus = kpusFor(c.parallelism, k);
      const t0 = Date.now();
      await cluster.start({ parallelism: c.parallelism, parallelismPerKpu: k }, false);
      const runningAt = Date.now();
      const firstIndex = cluster.samples.length;
      // A fresh JVM under its quota spends its first seconds on JIT compilation: measure once two successive
      // 3-second rates agree within 10% (at least `warmup` s, at most 40 s), so the capacity is the steady one.
      const measureFrom = await steadyFrom(cluster, firstIndex, runningAt + warmup * 1000, runningAt + 40_000, backlog);
      const readSubtasks = async (): Promise<SourceSubtasksReading | null> => {
        const src = cluster.runningSource;
        return src ? readSourceSubtasks(src).catch(() => null) : null;
      };
      const subtasksFrom = await readSubtasks();
      while (Date.now() < measureFrom + window * 1000) {
        await new Promise((r) => setTimeout(r, 500));
        const last = cluster.samples[cluster.samples.length - 1];
        if (last?.consumed !== null && last?.consumed !== undefined && last.consumed >= 0.9 * backlog && Date.now() > measureFrom + 2000) break;
      }
      const subtasksTo = await readSubtasks();
      const samples = cluster.samples.slice(firstIndex).filter((x) => x.running);
      const cap = capacityFrom(samples, measureFrom, backlog, window) ?? capacityFrom(samples, runningAt, backlog, window);
      const inWindow = samples.filter((x) => x.atMs >= measureFrom);
      const avg = (pick: (x: PollSample) => number | null) => {
        const v = inWindow.map(pick).filter((n): n is number => n !== null);
        return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      const cpu = (() => {
        const v = inWindow.filter((x) => x.cpuNs !== null);
        if (v.length < 2) return null;
        return (v[v.length - 1].cpuNs! - v[0].cpuNs!) / 1e6 / (v[v.length - 1].atMs - v[0].atMs);
      })();
      const heaps = samples.map((x) => x.heapUsedBytes).filter((h): h is number => h !== null);
      const heapUsed = heaps.length > 0 ? Math.max(...heaps) / (1024 * 1024) : null;
      const drain = cap?.rate ?? 0;
      const steady = steadyCapacity(drain, drainsBetween(drain, subtasksFrom, subtasksTo), shardShares);
      const m: MeasuredCapacity = {
        recordsPerSecond: drain,
        windowSeconds: cap?.seconds ?? 0,
        lowerBound: cap?.lowerBound ?? true,
        ...(cpu !== null && cpu >= HOST_BOUND_SHARE * cpus().length ? { hostBound: true } : {}),
        busyAvg: avg((x) => x.busyAvg), busyMax: avg((x) => x.busyMax),
        backPressuredAvg: avg((x) => x.backPressuredAvg), idleAvg: avg((x) => x.idleAvg),
        cpuCores: cpu, quotaCores: cluster.quotaCoresFor({ parallelism: c.parallelism, parallelismPerKpu: k }),
        heapUsedMb: heapUsed,
        // Heap per KPU as Managed Flink shows it: the TaskManagers' share of what the JVM uses.
        heapUtilization: heapUsed === null ? 0 : heapUsed / (kpus * s.kpuHeapMb + 256),
        startSeconds: (runningAt - t0) / 1000,
        ...(cluster.placement ? { placement: cluster.placement } : {}),
        steadyRecordsPerSecond: steady.recordsPerSecond, subtasks: steady.subtasks,
        bindingSubtask: steady.bindingSubtask, bindingShare: steady.bindingShare, steadyFallback: steady.fallback,
      };
      const binds = steady.fallback !== null ? `steady = drain: ${steady.fallback}`
        : steady.bindingSubtask === null ? 'the drain binds'
          : `subtask ${steady.bindingSubtask} binds (${(100 * steady.bindingShare!).toFixed(1)}% of the load on ${steady.subtasks.find((t) => t.subtask === steady.bindingSubtask)?.shards.length ?? '?'} shards)`;
      o.log(`P=${c.parallelism} k=${k} (${cluster.placement?.join('+') ?? `${kpus} KPUs`}): steady ${m.steadyRecordsPerSecond.toFixed(1)} records/s (${binds}),`
        + ` drain ${m.recordsPerSecond.toFixed(1)} records/s over ${m.windowSeconds.toFixed(1)} s`
        + `${m.lowerBound ? ' (lower bound: backlog ran out)' : ''}${m.hostBound ? ' (host-bound: the machine\'s cores, not the KPUs, set it)' : ''}, busy ${m.busyAvg?.toFixed(0) ?? '-'} ms/s`
        + `${cpu !== null ? `, ${cpu.toFixed(2)} cores` : ''}, heap ${heapUsed?.toFixed(0) ?? '-'} MB, start ${m.startSeconds.toFixed(1)} s`);
      await cluster.cancelJob();
      return m;
    };
    const measured = new Map<string, MeasuredCapacity>();
    for (const c of grid) {
      const key = layoutKey(c);
      if (!measured.has(key)) measured.set(key, await measureOne(c));
    }

    const peak = s.recordsPerSecond;
    const required = peak * Math.max(1 / s.slo.targetUtilization, 1 + downtime / s.sloWall.catchUpSeconds);
    let noise: SweepNoise | null = null;
    const repeats = o.noiseRepeats ?? 0;
    const nearestKey = nearestToRequirement([...measured.entries()].filter(([, m]) => !m.lowerBound).map(([key, m]) => ({ key, recordsPerSecond: m.steadyRecordsPerSecond })), required)?.key;
    if (repeats > 0 && nearestKey !== undefined) {
      const [p, k] = nearestKey.split('/').map(Number);
      const n = kpusFor(p, k);
      const first = measured.get(nearestKey)!;
      const again: MeasuredCapacity[] = [];
      for (let i = 0; i < repeats; i++) again.push(await measureOne({ parallelism: p, parallelismPerKpu: k }));
      const all = [first, ...again];
      const samples = all.map((m) => m.steadyRecordsPerSecond);
      const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      measured.set(nearestKey, {
        ...first, recordsPerSecond: meanOf(all.map((m) => m.recordsPerSecond)), steadyRecordsPerSecond: meanOf(samples),
        lowerBound: all.some((m) => m.lowerBound),
      });
      noise = { parallelism: p, kpus: n, samples, relativeSpread: relativeSpread(samples) };
      o.log(`noise: P=${p} n=${n} measured ${samples.map((x) => x.toFixed(1)).join(', ')} records/s, spread ${(100 * noise.relativeSpread).toFixed(1)}% (its row carries the mean)`);
    }
    const configurations: LocalSweepConfiguration[] = grid.map((c) => {
      const m = measured.get(layoutKey(c))!;
      const reasons: string[] = [];
      if (m.steadyRecordsPerSecond < required) reasons.push(`capacity below ${required.toFixed(1)} rec/s`);
      if (m.heapUtilization > s.slo.maxHeapUtilization) reasons.push(`heap ${(100 * m.heapUtilization).toFixed(0)}% above ${(100 * s.slo.maxHeapUtilization).toFixed(0)}%`);
      const saturatedCpu = m.cpuCores !== null && m.quotaCores !== null && m.cpuCores >= 0.9 * m.quotaCores;
      const bottleneck = m.recordsPerSecond >= 0.9 * EMULATOR_READ_CEILING ? 'source' : saturatedCpu ? 'compute' : 'io';
      return {
        parallelism: c.parallelism, parallelismPerKpu: c.parallelismPerKpu, kpus: c.kpus,
        capacityRecordsPerSecond: m.steadyRecordsPerSecond, bottleneck, heapUtilization: m.heapUtilization,
        costPerHourUsd: costOf(c.kpus, DEFAULT_PRICING).computePerHourUsd, feasible: reasons.length === 0, reasons, measured: m,
      };
    });
    let best: LocalSweepConfiguration | null = null;
    for (const c of configurations) {
      if (!c.feasible) continue;
      if (!best || c.kpus < best.kpus || (c.kpus === best.kpus && c.capacityRecordsPerSecond > best.capacityRecordsPerSecond)) best = c;
    }
    return {
      scenario: `local-${s.workload}`,
      maxKpu: s.maxKpu,
      verdict: best ? 'recommended' : 'infeasible-within-limits',
      peakRecordsPerSecond: peak,
      requiredCapacityRecordsPerSecond: required,
      rightSize: best,
      streamAdvice: { shards: s.shards, requiredShards: s.shards },
      configurations,
      local: {
        workload: s.workload, jobProperties: s.jobProperties, kpuCpu: s.kpuCpu, kpuHeapMb: s.kpuHeapMb, shards: s.shards,
        backlogRecords: backlog, updateDowntimeSeconds: downtime, catchUpSeconds: s.sloWall.catchUpSeconds,
        emulatorPutRecordsPerSecond: put, emulatorReadRecordsPerSecond: EMULATOR_READ_CEILING, overheadCores: overhead, noise, wallSeconds: (Date.now() - started) / 1000,
      },
    };
  } finally {
    await cluster.dispose();
  }
}
