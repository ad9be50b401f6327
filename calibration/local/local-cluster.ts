/**
 * The real job on this machine, as Managed Flink would run it: kinesis-local with the input stream, and the
 * shaded job in a MiniCluster JVM laid out as n = ceil(P/k) TaskManagers of k slots (n KPUs of
 * ParallelismPerKPU k). A MiniCluster runs every TaskManager in one JVM. The KPUs' CPU is emulated with
 * nested cgroups: the JVM's group has a quota of n x kpuCpu cores plus the JVM's measured fixed overhead
 * (which on Managed Flink lives on the extra KPU), and inside it one group per TaskManager with a quota of
 * kpuCpu, into which the threads of the subtasks Flink placed there are moved (./kpu-threads.ts): a KPU's
 * subtasks share its vCPU and cannot borrow an idle neighbour's. Heap is one -Xmx of n x kpuHeapMb plus the
 * JobManager's share. A separate JVM per TaskManager would need a Flink distribution; the local MiniCluster
 * is what the repository already runs and restores from savepoints.
 *
 * Reconfiguration is what an UpdateApplication does: stop with a savepoint, start a new JVM at the new
 * parallelism from it. A poller reads the REST API every `pollMs` (its metric reads lag one fetch, so only
 * continuous polling sees every change) and the cgroup's CPU usage; `samples` keeps them for aggregation.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { WorkloadName } from '../../simulator/workloads';
import { kpusFor } from '../../core/managed-flink';
import { execFile } from 'node:child_process';
import { CpuCgroup, cpuControllerUnavailable } from './cpu-cgroup';
import { placeThreads } from './kpu-threads';
import { freePort, waitUntil } from './free-port';
import {
  cancel, jobMetric, jobState, jobVertices, runningJob, stopWithSavepoint, subtaskAggregates, subtaskBusyMs, subtaskMetricIds,
  sourceMetricId, subtaskTaskManagers, taskManagerHeapUsed, taskManagerIds, type VertexInfo,
} from './flink-rest';
import { createStream, EMULATOR_REGION, startKinesisLocal, type KinesisLocal } from './kinesis-local';
import { startLocalJob, type LocalJob, type PropertyGroups } from './local-job';

/**
 * The idle overhead is measured this long after RUNNING, over this window: a fresh JVM keeps compiling for
 * several seconds, which is start-up, not overhead.
 */
export const IDLE_SETTLE_MS = 10_000;
export const IDLE_WINDOW_MS = 5_000;

/** The JobManager and framework share of the MiniCluster heap, MB, on top of n x kpuHeapMb. */
export const JOB_MANAGER_HEAP_MB = 256;
/** The source's watermark trails the newest event time by this (watermark.max.out.of.orderness.seconds). */
export const OUT_OF_ORDERNESS_MS = 2000;

export interface ClusterOptions {
  workload: WorkloadName;
  workDir: string;
  shards: number;
  /** Job property overrides (cost knobs...). */
  jobProperties: Record<string, string>;
  /** Cores per emulated KPU; null: no CPU emulation (the JVM shares the machine). */
  kpuCpu: number | null;
  kpuHeapMb: number;
  /** Cores added to every quota for the JVM's fixed overhead (JobManager, REST, timers). @default 0 */
  overheadCores?: number;
  checkpointIntervalMs?: number;
  pollMs?: number;
  /** Read the stream from TRIM_HORIZON (a prefilled backlog) or LATEST. @default TRIM_HORIZON */
  initialPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Records the stream has accepted so far (the load driver's count), sampled with every poll. */
  intake?(): number;
  log?(message: string): void;
}

export interface Layout {
  parallelism: number;
  parallelismPerKpu: number;
}

/** One poll of the running job. Counters are cumulative over the run (every incarnation of the job). */
export interface PollSample {
  atMs: number;
  running: boolean;
  parallelism: number;
  kpus: number;
  /** Records the source emitted, summed over incarnations (exact across a stop with savepoint). */
  consumed: number | null;
  /** now - the slowest source subtask's watermark - out-of-orderness, ms; and the connector's millisBehindLatest. */
  watermarkLagMs: number | null;
  millisBehindLatest: number | null;
  busyAvg: number | null;
  busyMax: number | null;
  busyMin: number | null;
  /**
   * Per vertex, each subtask's accumulated busy ms in this job incarnation (`incarnation`): their slopes over a
   * period are its busy time, where the gauges above trail by their own averaging window. Absent when unread.
   */
  busyAccMs?: Record<string, number[]>;
  incarnation?: number;
  backPressuredAvg: number | null;
  idleAvg: number | null;
  /** CPU ns used by the job's cgroup so far (cumulative over incarnations). */
  cpuNs: number | null;
  /**
   * CPU ns used so far by the KPUs' own groups, i.e. the task threads, without the JVM's fixed overhead
   * (cumulative over incarnations); null until the current job's task threads are placed on their KPUs.
   */
  kpuCpuNs?: number | null;
  heapUsedBytes: number | null;
  heapMaxBytes: number;
  /** ms since the current job incarnation started RUNNING, or of the current outage. */
  uptimeMs: number | null;
  downtimeMs: number | null;
  fullRestarts: number;
  /** Records the stream had accepted at this poll. */
  intake: number | null;
}

interface Incarnation {
  job: LocalJob;
  restUrl: string;
  jid: string | undefined;
  layout: Layout;
  cgroup: CpuCgroup | undefined;
  runningSinceMs: number | undefined;
  source: VertexInfo | undefined;
  sourceIds: { consumed?: string; watermarkLag?: string; millisBehindLatest?: string };
  consumedBase: number;
  cpuBase: number;
  lastConsumed: number;
  lastCpuNs: number;
  restartsBase: number;
  lastRestarts: number;
  /** Which start this is (1, 2, ...): counters like accumulated busy time restart with each. */
  number: number;
  /** Subtasks per TaskManager as Flink placed them, largest first (once the task threads were placed). */
  placement?: number[];
  /** Task threads moved into their KPU's group so far (a thread is moved once). */
  pinned: Set<number>;
  /** The KPUs' groups once created, and their usage so far / before this incarnation (ns). */
  kpuGroups?: CpuCgroup[];
  kpuCpuBase: number;
  lastKpuCpuNs: number;
}

/** After RUNNING, the task threads are placed on their KPUs at these delays: later scans catch threads started late. */
const PIN_SCANS_MS = [0, 3000, 10_000];

function threadDump(pid: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('jcmd', [String(pid), 'Thread.print'], { timeout: 30_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

export class LocalCluster {
  readonly samples: PollSample[] = [];
  private kinesis: KinesisLocal | undefined;
  private emulatorGroup: CpuCgroup | undefined;
  private current: Incarnation | undefined;
  private poller: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private downSinceMs: number | undefined;
  private savepoint: string | undefined;
  private startCount = 0;
  inputArn = '';
  private alertsArn = '';
  private readonly dir: string;

  private readonly o: ClusterOptions;

  constructor(options: ClusterOptions) {
    this.o = { ...options };
    this.dir = resolve(options.workDir);
  }

  get client(): KinesisClient {
    if (!this.kinesis) throw new Error('the local cluster is not started');
    return this.kinesis.client;
  }

  get layout(): Layout | undefined {
    return this.current?.layout;
  }

  get restUrl(): string | undefined {
    return this.current?.restUrl;
  }

  /** The running job's id and its source vertex, for per-subtask readings (undefined until RUNNING). */
  get runningSource(): { restUrl: string; jid: string; vertexId: string; parallelism: number } | undefined {
    const inc = this.current;
    if (!inc?.jid || !inc.source) return undefined;
    return { restUrl: inc.restUrl, jid: inc.jid, vertexId: inc.source.id, parallelism: inc.source.parallelism };
  }

  private log(m: string): void {
    this.o.log?.(m);
  }

  /** kinesis-local and the streams; no job yet. */
  async startEmulator(): Promise<void> {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    // The emulator and this process (load driver, poller) must never be what binds: on a busy machine they
    // get raised cpu.shares (no quota) in a group of their own, where the CPU controller is writable.
    if (cpuControllerUnavailable() === null) {
      this.emulatorGroup = CpuCgroup.create('emulator');
      this.emulatorGroup.setQuota(null);
      this.emulatorGroup.addProcess(process.pid);
    }
    this.kinesis = await startKinesisLocal(join(this.dir, 'kinesis-local.log'), { cgroup: this.emulatorGroup });
    this.inputArn = await createStream(this.kinesis.client, `kpufit-${this.o.workload}-input`, this.o.shards);
    this.alertsArn = await createStream(this.kinesis.client, `kpufit-${this.o.workload}-alerts`, 1);
    this.log(`kinesis-local on ${this.kinesis.endpoint}, input stream with ${this.o.shards} shards`);
  }

  heapMbFor(layout: Layout): number {
    return kpusFor(layout.parallelism, layout.parallelismPerKpu) * this.o.kpuHeapMb + JOB_MANAGER_HEAP_MB;
  }

  quotaCoresFor(layout: Layout): number | null {
    if (this.o.kpuCpu === null) return null;
    return kpusFor(layout.parallelism, layout.parallelismPerKpu) * this.o.kpuCpu + (this.o.overheadCores ?? 0);
  }

  private properties(): PropertyGroups {
    const endpoint = this.kinesis!.endpoint;
    return {
      InputStream: {
        'stream.arn': this.inputArn,
        'stream.name': this.inputArn.split(':stream/')[1],
        'aws.region': EMULATOR_REGION,
        'source.init.position': this.o.initialPosition ?? 'TRIM_HORIZON',
        'aws.endpoint': endpoint,
      },
      Output: {
        'results.path': pathToFileURL(join(this.dir, 'results')).href + '/',
        'errors.path': pathToFileURL(join(this.dir, 'errors')).href + '/',
        'alerts.stream.arn': this.alertsArn,
        'aws.region': EMULATOR_REGION,
        'aws.endpoint': endpoint,
      },
      Job: {
        workload: this.o.workload,
        'window.size.seconds': '10',
        'watermark.max.out.of.orderness.seconds': String(OUT_OF_ORDERNESS_MS / 1000),
        'watermark.idleness.seconds': '5',
        ...this.o.jobProperties,
      },
    };
  }

  /**
   * Starts the job at `layout` (from the last savepoint when `restore`), waits for every task RUNNING and
   * starts polling. Throws Flink's own error (the log's last lines) when the JVM exits first.
   */
  async start(layout: Layout, restore: boolean): Promise<void> {
    const kpus = kpusFor(layout.parallelism, layout.parallelismPerKpu);
    const quota = this.quotaCoresFor(layout);
    let cgroup: CpuCgroup | undefined;
    if (quota !== null) {
      cgroup = CpuCgroup.create(`p${layout.parallelism}k${layout.parallelismPerKpu}`);
      // JVM start-up (class loading, JIT) is not what a KPU's size is about: the quota applies once RUNNING.
      cgroup.setQuota(null);
    }
    const restPort = await freePort();
    const n = ++this.startCount;
    const job = startLocalJob({
      properties: this.properties(),
      workDir: this.dir,
      restPort,
      parallelism: layout.parallelism,
      checkpointIntervalMs: this.o.checkpointIntervalMs ?? 10_000,
      fromSavepoint: restore ? this.savepoint : undefined,
      taskManagers: kpus,
      slotsPerTaskManager: layout.parallelismPerKpu,
      heapMb: this.heapMbFor(layout),
      cgroup,
      logName: `job-${n}.log`,
    });
    const prev = this.current;
    const inc: Incarnation = {
      job, restUrl: job.restUrl, jid: undefined, layout, cgroup, runningSinceMs: undefined, source: undefined, sourceIds: {},
      consumedBase: prev ? prev.consumedBase + prev.lastConsumed : 0,
      cpuBase: prev ? prev.cpuBase + prev.lastCpuNs : 0,
      lastConsumed: 0, lastCpuNs: 0,
      restartsBase: prev ? prev.restartsBase + prev.lastRestarts : 0, lastRestarts: 0,
      number: n, pinned: new Set(),
      kpuCpuBase: prev ? prev.kpuCpuBase + prev.lastKpuCpuNs : 0, lastKpuCpuNs: 0,
    };
    if (!restore) inc.consumedBase = 0;
    this.current = inc;
    this.downSinceMs ??= Date.now();
    this.startPolling();
    const exited = job.exited.then((code) => {
      throw new Error(`the Flink job exited with code ${code} (see ${join(this.dir, `job-${n}.log`)} and flink.log)`);
    });
    exited.catch(() => undefined);
    try {
      const running = await Promise.race([waitUntil('the Flink job to be RUNNING', 180_000, () => runningJob(job.restUrl), 250), exited]);
      inc.jid = running.jid;
      if (cgroup) cgroup.setQuota(this.quotaCoresFor(layout));
      inc.runningSinceMs = Date.now();
      this.downSinceMs = undefined;
      const vertices = await jobVertices(job.restUrl, running.jid);
      inc.source = vertices.find((v) => v.name.startsWith('Source')) ?? vertices[0];
      if (cgroup) void this.pinTaskThreads(inc, cgroup, vertices);
      this.log(`job RUNNING at P=${layout.parallelism} k=${layout.parallelismPerKpu} (${kpus} TaskManagers`
        + `${quota !== null ? `, ${quota.toFixed(2)} cores` : ''}, -Xmx${this.heapMbFor(layout)}m)${restore ? ' from a savepoint' : ''}`);
    } catch (e) {
      await this.stopJob(inc);
      throw e;
    }
  }

  /** Subtasks per emulated KPU as Flink placed the running job, largest first (undefined until placed, or without CPU emulation). */
  get placement(): number[] | undefined {
    return this.current?.placement;
  }

  /**
   * One group of kpuCpu cores per TaskManager inside the job's group, and every task thread moved into its
   * TaskManager's group, at each of PIN_SCANS_MS after RUNNING (threads a pinned thread starts later inherit
   * its group; the later scans catch those started before the first). Failures are logged, not thrown: the
   * job then runs on the pooled quota, as it did before KPUs were isolated, and the log says so.
   */
  private async pinTaskThreads(inc: Incarnation, group: CpuCgroup, vertices: VertexInfo[]): Promise<void> {
    const pid = inc.job.pid;
    if (pid === undefined || this.o.kpuCpu === null) return;
    try {
      const tms = await taskManagerIds(inc.restUrl);
      const kpuGroups = tms.map((_, i) => {
        const g = group.child(`kpu-${i}`);
        g.setQuota(this.o.kpuCpu);
        return g;
      });
      inc.kpuGroups = kpuGroups;
      const started = Date.now();
      for (const at of PIN_SCANS_MS) {
        await new Promise((r) => setTimeout(r, Math.max(0, started + at - Date.now())));
        if (this.current !== inc || !inc.jid) return;
        const jid = inc.jid;
        const placed = await Promise.all(vertices.map(async (v) => ({ name: v.name, taskManagers: await subtaskTaskManagers(inc.restUrl, jid, v.id) })));
        const { moved, placement } = placeThreads(await threadDump(pid), placed, tms, inc.pinned, (kpu, tid) => kpuGroups[kpu].addThread(tid));
        const first = inc.placement === undefined;
        inc.placement = placement;
        if (first) this.log(`task threads on their KPUs: ${inc.placement.join('+')} subtasks, ${this.o.kpuCpu} cores each (${moved} threads)`);
      }
    } catch (e) {
      this.log(`task threads not placed on their KPUs (the KPUs share one quota): ${(e as Error).message}`);
    }
  }

  /** CPU cores the current job's cgroup uses with no load, after `settleMs`, over `windowMs`. */
  async measureIdleCores(settleMs: number, windowMs: number): Promise<number> {
    const inc = this.current;
    const group = inc?.cgroup;
    if (!inc || !group) return 0;
    // Unthrottled while measuring, or the reading would be capped at the quota.
    group.setQuota(null);
    try {
      await new Promise((r) => setTimeout(r, settleMs));
      const a = group.usageNs();
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, windowMs));
      return (group.usageNs() - a) / 1e6 / (Date.now() - t0);
    } finally {
      group.setQuota(this.quotaCoresFor(inc.layout));
    }
  }

  /** Grants `cores` on top of every quota from now on, the running job's included. */
  setOverheadCores(cores: number): void {
    this.o.overheadCores = cores;
    const inc = this.current;
    if (inc?.cgroup) inc.cgroup.setQuota(this.quotaCoresFor(inc.layout));
  }

  /** Stop with savepoint (kept for the next `start(…, true)`), then end the JVM and remove its cgroup. */
  async stopWithSavepoint(): Promise<void> {
    const inc = this.current;
    if (!inc?.jid) throw new Error('no running job to stop');
    await this.pollOnce().catch(() => undefined); // the counters' last values before the stop
    this.downSinceMs = Date.now();
    const jid = inc.jid;
    inc.jid = undefined;
    this.savepoint = await stopWithSavepoint(inc.restUrl, jid, pathToFileURL(join(this.dir, 'savepoints')).href);
    await Promise.race([inc.job.exited, new Promise((r) => setTimeout(r, 15_000))]);
    await this.stopJob(inc);
  }

  /** Cancels the job without a savepoint (a sweep's fresh start), ends the JVM. */
  async cancelJob(): Promise<void> {
    const inc = this.current;
    if (!inc) return;
    if (inc.jid) await cancel(inc.restUrl, inc.jid).catch(() => undefined);
    inc.jid = undefined;
    await this.stopJob(inc);
  }

  private async stopJob(inc: Incarnation): Promise<void> {
    await inc.job.stop();
    inc.cgroup?.remove();
  }

  async dispose(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    await this.polling;
    if (this.current) {
      await this.cancelJob();
    }
    await this.kinesis?.stop();
    this.emulatorGroup?.remove();
  }

  private startPolling(): void {
    if (this.poller) return;
    this.poller = setInterval(() => {
      if (this.polling) return;
      this.polling = this.pollOnce().catch(() => undefined).finally(() => (this.polling = undefined));
    }, this.o.pollMs ?? 500);
  }

  /** One reading of everything; a job that is not running yet contributes only its downtime. */
  async pollOnce(): Promise<void> {
    const inc = this.current;
    const now = Date.now();
    const kpus = inc ? kpusFor(inc.layout.parallelism, inc.layout.parallelismPerKpu) : 0;
    const sample: PollSample = {
      atMs: now, running: false, parallelism: inc?.layout.parallelism ?? 0, kpus,
      consumed: null, watermarkLagMs: null, millisBehindLatest: null,
      busyAvg: null, busyMax: null, busyMin: null, backPressuredAvg: null, idleAvg: null,
      cpuNs: null, heapUsedBytes: null, heapMaxBytes: inc ? this.heapMbFor(inc.layout) * 1024 * 1024 : 0,
      uptimeMs: null, downtimeMs: this.downSinceMs !== undefined ? now - this.downSinceMs : null,
      fullRestarts: inc ? inc.restartsBase + inc.lastRestarts : 0,
      intake: this.o.intake ? this.o.intake() : null,
    };
    if (inc?.cgroup) {
      try {
        inc.lastCpuNs = inc.cgroup.usageNs();
      } catch {
        // removed meanwhile
      }
      sample.cpuNs = inc.cpuBase + inc.lastCpuNs;
      if (inc.kpuGroups) {
        try {
          inc.lastKpuCpuNs = inc.kpuGroups.reduce((a, g) => a + g.usageNs(), 0);
          sample.kpuCpuNs = inc.kpuCpuBase + inc.lastKpuCpuNs;
        } catch {
          // removed meanwhile
        }
      }
    }
    if (!inc?.jid || !inc.source || inc.runningSinceMs === undefined) {
      this.samples.push(sample);
      return;
    }
    const { restUrl, jid, source } = inc;
    // The source registers its watermarkLag gauge only with its first watermark, after records flow: an id
    // list read while the job idled lacks it, and a run that kept that list read its lag from
    // millisBehindLatest alone (0 while a backlog grows inside the fetch-ahead). Look again until it is there.
    if (!inc.sourceIds.consumed || !inc.sourceIds.watermarkLag) {
      const ids = await subtaskMetricIds(restUrl, jid, source.id);
      inc.sourceIds = {
        consumed: sourceMetricId(ids, 'numRecordsIn'),
        watermarkLag: sourceMetricId(ids, 'watermarkLag'),
        millisBehindLatest: ids.find((id) => id.endsWith('.millisBehindLatest')),
      };
    }
    const vertices = await jobVertices(restUrl, jid);
    const busy = await Promise.all(vertices.map(async (v) => ({
      v, m: await subtaskAggregates(restUrl, jid, v.id, ['busyTimeMsPerSecond', 'backPressuredTimeMsPerSecond', 'idleTimeMsPerSecond']),
    })));
    // The bottleneck vertex: the busiest on average (the source chain with the cost knobs, usually).
    const hottest = busy.filter((b) => b.m.has('busyTimeMsPerSecond'))
      .sort((a, b) => b.m.get('busyTimeMsPerSecond')!.avg - a.m.get('busyTimeMsPerSecond')!.avg)[0];
    const acc = await Promise.all(vertices.map(async (v) => ({ id: v.id, ms: await subtaskBusyMs(restUrl, jid, v.id).catch(() => []) })));
    const complete = acc.filter((a) => a.ms.length > 0 && a.ms.every((x) => x !== undefined));
    if (complete.length === vertices.length) {
      sample.busyAccMs = Object.fromEntries(complete.map((a) => [a.id, a.ms as number[]]));
      sample.incarnation = inc.number;
    }
    if (hottest) {
      const b = hottest.m.get('busyTimeMsPerSecond')!;
      sample.busyAvg = b.avg;
      sample.busyMax = b.max;
      sample.busyMin = b.min;
      sample.backPressuredAvg = hottest.m.get('backPressuredTimeMsPerSecond')?.avg ?? null;
      sample.idleAvg = hottest.m.get('idleTimeMsPerSecond')?.avg ?? null;
    }
    const ids = [inc.sourceIds.consumed, inc.sourceIds.watermarkLag, inc.sourceIds.millisBehindLatest].filter((x): x is string => !!x);
    const src = await subtaskAggregates(restUrl, jid, source.id, ids);
    if (inc.sourceIds.consumed && src.has(inc.sourceIds.consumed)) {
      inc.lastConsumed = Math.max(inc.lastConsumed, src.get(inc.sourceIds.consumed)!.sum);
    }
    sample.consumed = inc.consumedBase + inc.lastConsumed;
    const wl = inc.sourceIds.watermarkLag ? src.get(inc.sourceIds.watermarkLag) : undefined;
    // A subtask without a watermark yet reports a lag of decades: no reading.
    if (wl && wl.max < 86_400_000) sample.watermarkLagMs = Math.max(0, wl.max - OUT_OF_ORDERNESS_MS);
    const mbl = inc.sourceIds.millisBehindLatest ? src.get(inc.sourceIds.millisBehindLatest) : undefined;
    if (mbl && mbl.max >= 0) sample.millisBehindLatest = mbl.max;
    const heap = await taskManagerHeapUsed(restUrl).catch(() => undefined);
    sample.heapUsedBytes = heap ?? null;
    const restarts = await jobMetric(restUrl, jid, 'fullRestarts').catch(() => undefined);
    if (restarts !== undefined) inc.lastRestarts = restarts;
    sample.fullRestarts = inc.restartsBase + inc.lastRestarts;
    sample.running = (await jobState(restUrl, jid).catch(() => undefined)) === 'RUNNING';
    sample.uptimeMs = now - inc.runningSinceMs;
    sample.downtimeMs = null;
    this.samples.push(sample);
  }
}
