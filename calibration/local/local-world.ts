/**
 * Everything a local calibration or sweep runs on, opened and closed as one: kinesis-local and its
 * streams, the emulator's measured ceiling, the job at its first layout, the JVM's fixed CPU overhead
 * (measured idle, then granted on top of every quota), the load driver and the compressed clock.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { WorkloadName } from '../../simulator/workloads';
import { createWorkload } from '../../simulator/workloads';
import { cpuControllerUnavailable } from './cpu-cgroup';
import { createStream } from './kinesis-local';
import { IDLE_SETTLE_MS, IDLE_WINDOW_MS, LocalCluster, type Layout } from './local-cluster';
import { LocalLoadDriver } from './load-driver';
import { CompressedClock, localPorts, type LocalApplicationControl } from './local-ports';
import type { CalibrationPorts } from '../ports';

/**
 * kinesis-local's read ceiling on this machine, records/s (~3,000/s at ~1.2 cores, measured with the job at
 * P=8 reading 8 shards: it capped at ~2,650/s). Reading is not probed at start: it needs a full job.
 */
export const EMULATOR_READ_CEILING = 2500;
/** Use at most this share of a measured ceiling, so the emulator never binds a trial. */
export const CEILING_SHARE = 0.6;

export interface LocalWorldOptions {
  workload: WorkloadName;
  shards: number;
  jobProperties: Record<string, string>;
  /** Cores per KPU; null: no CPU emulation. */
  kpuCpu: number | null;
  kpuHeapMb: number;
  periodSeconds: number;
  workDir: string;
  initial: Layout;
  hotKeyShare: number;
  /** Skip measuring the fixed overhead (0 assumed). @default false */
  skipOverhead?: boolean;
  log(message: string): void;
}

export interface EmulatorCeiling {
  /** PutRecords into a fresh stream of the same shard count, records/s. */
  putRecordsPerSecond: number;
  readRecordsPerSecond: number;
  /** The highest rate a trial may offer: CEILING_SHARE of the lower of the two. */
  usableRecordsPerSecond: number;
}

export interface LocalWorld {
  cluster: LocalCluster;
  load: LocalLoadDriver;
  clock: CompressedClock;
  ports: CalibrationPorts & { control: LocalApplicationControl };
  ceiling: EmulatorCeiling;
  /** The JVM's idle CPU (JobManager, REST, source polling), cores; granted on top of every quota. */
  overheadCores: number;
  dispose(): Promise<void>;
}

/** Throws when CPU emulation is asked for and this machine cannot enforce it. */
export function assertCpuEmulation(kpuCpu: number | null): void {
  if (kpuCpu === null) return;
  const why = cpuControllerUnavailable();
  if (why) throw new Error(`--kpu-cpu: cannot emulate KPU CPU here: ${why}. Run without --kpu-cpu (the job then shares the machine's CPUs)`);
}

/**
 * PutRecords throughput of kinesis-local into a fresh stream of `shards` shards, records/s: 4 x 500 records
 * after one warm-up batch (the first call pays for connections and the emulator's JIT).
 */
export async function measurePutCeiling(client: KinesisClient, workload: WorkloadName, shards: number): Promise<number> {
  const arn = await createStream(client, `kpufit-ceiling-probe-${Date.now()}`, shards);
  const gen = createWorkload(workload, { seed: 7 });
  let started = Date.now();
  let sent = 0;
  for (let b = -1; b < 4; b++) {
    if (b === 0) started = Date.now();
    const Records = Array.from({ length: 500 }, () => {
      const g = gen.next(Date.now());
      return { Data: Buffer.from(JSON.stringify(g.event)), PartitionKey: g.key };
    });
    await client.send(new PutRecordsCommand({ StreamARN: arn, Records }));
    if (b >= 0) sent += Records.length;
  }
  return sent / ((Date.now() - started) / 1000);
}

export async function openLocalWorld(o: LocalWorldOptions): Promise<LocalWorld> {
  assertCpuEmulation(o.kpuCpu);
  let load: LocalLoadDriver | undefined;
  const cluster = new LocalCluster({
    workload: o.workload, workDir: o.workDir, shards: o.shards, jobProperties: o.jobProperties,
    kpuCpu: o.kpuCpu, kpuHeapMb: o.kpuHeapMb, initialPosition: 'LATEST', log: o.log,
    intake: () => load?.stats().acknowledged ?? 0,
  });
  const dispose = async () => {
    await load?.stop().catch(() => undefined);
    await cluster.dispose();
  };
  try {
    await cluster.startEmulator();
    const put = await measurePutCeiling(cluster.client, o.workload, o.shards);
    const ceiling: EmulatorCeiling = {
      putRecordsPerSecond: put,
      readRecordsPerSecond: EMULATOR_READ_CEILING,
      usableRecordsPerSecond: CEILING_SHARE * Math.min(put, EMULATOR_READ_CEILING),
    };
    o.log(`emulator ceiling: PutRecords ${Math.round(put)} records/s into an empty stream, reads ~${EMULATOR_READ_CEILING}/s; `
      + `trials may offer up to ${Math.round(ceiling.usableRecordsPerSecond)}/s`);
    load = new LocalLoadDriver({ client: cluster.client, streamArn: cluster.inputArn, workload: o.workload, hotKeyShare: o.hotKeyShare,
      onError: (e) => o.log(`load: ${e instanceof Error ? e.message : String(e)}`) });
    await cluster.start(o.initial, false);
    let overheadCores = 0;
    if (o.kpuCpu !== null && !o.skipOverhead) {
      overheadCores = await cluster.measureIdleCores(IDLE_SETTLE_MS, IDLE_WINDOW_MS);
      cluster.setOverheadCores(overheadCores);
      o.log(`fixed overhead of the emulation: ${overheadCores.toFixed(3)} cores idle (granted on top of every quota)`);
    }
    const clock = new CompressedClock(o.periodSeconds);
    const ports = localPorts({
      application: `local-${o.workload}`, stream: `kpufit-${o.workload}-input`, shards: o.shards, cluster, load, clock,
      initial: { parallelism: o.initial.parallelism, parallelismPerKpu: o.initial.parallelismPerKpu, autoScalingEnabled: false },
      metrics: { clock, kpuCpu: o.kpuCpu, overheadCores, lagFloorMs: LAG_FLOOR_MS, warmupMs: WARMUP_MS },
    });
    return { cluster, load, clock, ports, ceiling, overheadCores, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/**
 * Lag under this counts as none, wall ms: the feed's 100 ms batches, the source's 200 ms watermark
 * interval, the GetRecords pacing and one 1-second metric fetch, with margin.
 */
export const LAG_FLOOR_MS = 1500;

/**
 * Wall ms after each job start whose periods the calibrator does not count (JIT compilation inside the quota;
 * the sweep, which waits for two successive 3-s rates within 10%, typically found the rate steady 4-10 s
 * after RUNNING on this machine).
 */
export const WARMUP_MS = 10_000;
