/**
 * The calibration ports over a real Flink job on this machine (./local-cluster.ts), the third set beside the
 * twin's and AWS's. Time is compressed: one calibrator period ("minute") lasts `periodSeconds` wall seconds,
 * so the clock, every duration and every lag the calibrator sees run 60/periodSeconds times faster than
 * the wall clock, while rates (records/s) stay real. The calibrator's formulas only ever divide a time by a
 * time or multiply a time by a ratio of rates, so they hold unchanged in the compressed units
 * (docs/local-calibration.md).
 */
import type {
  ApplicationControl, ApplicationState, ApplicationStatus, CalibrationPorts, Clock, MetricPeriod, MetricsSource,
  ParallelismSettings, StreamDescription, StreamInfo,
} from '../ports';
import type { LocalCluster, PollSample } from './local-cluster';
import type { LocalLoadDriver } from './load-driver';

const MINUTE_MS = 60_000;

/** Virtual epoch time running 60/periodSeconds times faster than the wall clock from `originMs`. */
export class CompressedClock implements Clock {
  readonly scale: number;
  constructor(readonly periodSeconds: number, readonly originMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS) {
    this.scale = 60 / periodSeconds;
  }

  now(): number {
    return this.toVirtual(Date.now());
  }

  toVirtual(realMs: number): number {
    return this.originMs + (realMs - this.originMs) * this.scale;
  }

  toReal(virtualMs: number): number {
    return this.originMs + (virtualMs - this.originMs) / this.scale;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, Math.max(0, ms / this.scale)));
  }
}

/** Thrown for an update with a stale version id, as Managed Flink does. */
export class ConcurrentModificationException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentModificationException';
  }
}

export class ResourceInUseException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceInUseException';
  }
}

/** A restore that Flink refused: the update failed; the message is Flink's. */
export class LocalUpdateFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalUpdateFailedError';
  }
}

export interface UpdateRecord {
  from: ParallelismSettings;
  to: ParallelismSettings;
  /** Wall ms from the stop request to every task RUNNING again. */
  downtimeMs: number;
  error?: string;
}

/**
 * ApplicationControl as Managed Flink behaves: RUNNING, an update goes UPDATING (stop with savepoint,
 * restore at the new parallelism in a new JVM) and back to RUNNING one version later; a stale version id
 * is refused. A failed restore leaves the application READY (not running) and fails the wait with Flink's error;
 * the next update restores from the same savepoint.
 */
export class LocalApplicationControl implements ApplicationControl {
  private status: ApplicationStatus = 'RUNNING';
  private versionId = 1;
  private settings: ParallelismSettings;
  private failure: string | undefined;
  readonly updates: UpdateRecord[] = [];

  constructor(private readonly name: string, private readonly cluster: LocalCluster, private readonly clock: Clock, initial: ParallelismSettings, private readonly pollMs = 1000) {
    this.settings = { ...initial };
  }

  async describe(): Promise<ApplicationState> {
    return { name: this.name, status: this.status, versionId: this.versionId, ...this.settings };
  }

  async updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }> {
    if (currentVersionId !== this.versionId) {
      throw new ConcurrentModificationException(`version ${currentVersionId} is not the current version ${this.versionId} of ${this.name}`);
    }
    if (this.status === 'UPDATING') throw new ResourceInUseException(`${this.name} is UPDATING`);
    const from = { ...this.settings };
    this.settings = { ...target };
    this.versionId++;
    this.status = 'UPDATING';
    this.failure = undefined;
    const wasRunning = this.cluster.layout !== undefined && from !== undefined;
    const started = Date.now();
    void (async () => {
      try {
        if (wasRunning) await this.cluster.stopWithSavepoint().catch((e: unknown) => {
          // Already stopped (a failed restore before): restore from the savepoint kept then.
          if (!(e instanceof Error && /no running job/.test(e.message))) throw e;
        });
        await this.cluster.start({ parallelism: target.parallelism, parallelismPerKpu: target.parallelismPerKpu }, true);
        this.updates.push({ from, to: { ...target }, downtimeMs: Date.now() - started });
        this.status = 'RUNNING';
      } catch (e) {
        this.failure = e instanceof Error ? e.message : String(e);
        this.updates.push({ from, to: { ...target }, downtimeMs: Date.now() - started, error: this.failure });
        this.status = 'READY';
      }
    })();
    return { operationId: `local-${this.versionId}` };
  }

  async waitForStatus(status: ApplicationStatus, timeoutSeconds: number): Promise<ApplicationState> {
    const deadline = this.clock.now() + timeoutSeconds * 1000;
    for (;;) {
      if (this.status === status) return this.describe();
      if (this.status === 'READY' && this.failure) {
        throw new LocalUpdateFailedError(`update of ${this.name} to P=${this.settings.parallelism} k=${this.settings.parallelismPerKpu} failed: ${this.failure}`);
      }
      if (this.clock.now() >= deadline) throw new Error(`application ${this.name} did not reach ${status} within ${timeoutSeconds} s (last status ${this.status})`);
      await this.clock.sleep(this.pollMs);
    }
  }
}

export interface MetricsOptions {
  clock: CompressedClock;
  /** Cores per emulated KPU (null: no CPU emulation, no CPU reading). */
  kpuCpu: number | null;
  /** The JVM's fixed CPU overhead, cores: given on top of the KPUs' quota and not counted as their work. */
  overheadCores: number;
  /**
   * Report the cgroup's CPU (net of the overhead) as cpuUtilization. @default true: the calibrator needs it to
   * estimate capacity from caught-up minutes. On a loaded machine the overhead fluctuates by ±0.1 core per
   * period against 0.02–0.05 core of real work at I/O-bound rates, which widens the calibrator's noise
   * margins (docs/local-calibration.md).
   */
  reportCpu?: boolean;
  /** Lag below this (wall ms) counts as none: the feed's batching, the watermark interval and a metric fetch. */
  lagFloorMs: number;
  /**
   * Wall ms after each job start (RUNNING) whose periods carry no consumption, so the calibrator counts them
   * as unclean. @default 0. A fresh JVM compiles for its first seconds, inside its KPUs' CPU quota: on
   * Managed Flink that is a fraction of a 60-s minute, here it is whole 6-s periods, and a trial judged on
   * them saw a P=2 drain at ~99/s that swept at 158/s once steady.
   */
  warmupMs?: number;
  /**
   * Wall ms from which polls count (the load's first start). Before it the job idles: a period of a few
   * records and the JVM's idle CPU would read as a huge CPU cost per record. @default every poll counts
   */
  since?(): number | undefined;
}

/**
 * One MetricPeriod per `periodSeconds` of polls, the calibrator's "minute": rates in real records/s, times
 * (lag, downtime, uptime) in the compressed clock's ms, intake as a per-minute sum (rate x 60) like
 * CloudWatch's IncomingRecords. Consumption over a period the job was caught up throughout is the stream's
 * intake: a REST counter is one metric fetch (~1 s) stale, which over a 10-second period is ~10% of jitter
 * that the calibrator's steadiness test (0.2%) could never pass, while "caught up throughout" already says
 * everything accepted was consumed.
 */
export class LocalMetricsSource implements MetricsSource {
  constructor(private readonly cluster: LocalCluster, private readonly o: MetricsOptions) {}

  async read(fromMs: number, toMs: number): Promise<MetricPeriod[]> {
    const { clock } = this.o;
    const realTo = clock.toReal(toMs);
    // The poller runs ahead of the reader by at most one poll: wait (briefly) until it passed the window's end.
    const waitUntil = Date.now() + 3000;
    while (this.lastAt() < realTo && Date.now() < waitUntil && Date.now() >= realTo - 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const out: MetricPeriod[] = [];
    for (let start = Math.ceil(fromMs / MINUTE_MS) * MINUTE_MS; start + MINUTE_MS <= toMs; start += MINUTE_MS) {
      const p = this.period(clock.toReal(start), clock.toReal(start + MINUTE_MS), start);
      if (p) out.push(p);
    }
    return out;
  }

  private lastAt(): number {
    const s = this.cluster.samples;
    return s.length > 0 ? s[s.length - 1].atMs : 0;
  }

  private counted(): PollSample[] {
    if (!this.o.since) return this.cluster.samples;
    const since = this.o.since();
    return since === undefined ? [] : this.cluster.samples.filter((s) => s.atMs >= since);
  }

  /** The samples' aggregate over [r0, r1) wall ms, stamped `startMs` (virtual); undefined without samples. */
  period(r0: number, r1: number, startMs: number): MetricPeriod | undefined {
    const all = this.counted();
    const inside = all.filter((s) => s.atMs >= r0 && s.atMs < r1);
    if (inside.length === 0) return undefined;
    const scale = this.o.clock.scale;
    const running = inside.filter((s) => s.running);
    const before = [...all].reverse().find((s) => s.atMs < r0 && s.running);
    const edges = (pick: (s: PollSample) => number | null): number | null => {
      const pts = [...(before ? [before] : []), ...running].filter((s) => pick(s) !== null);
      if (pts.length < 2) return null;
      const a = pts[0];
      const b = pts[pts.length - 1];
      return b.atMs > a.atMs ? (pick(b)! - pick(a)!) / ((b.atMs - a.atMs) / 1000) : null;
    };
    const lags = running.map((s) => this.lagOf(s)).filter((l): l is number => l !== null);
    const intakeRate = (() => {
      const pts = [...(before ? [before] : []), ...inside].filter((s) => s.intake !== null);
      if (pts.length < 2) return null;
      const a = pts[0];
      const b = pts[pts.length - 1];
      return b.atMs > a.atMs ? (b.intake! - a.intake!) / ((b.atMs - a.atMs) / 1000) : null;
    })();
    const wholeAndCaughtUp = running.length === inside.length && lags.length === running.length && lags.every((l) => l === 0);
    const warming = running.some((s) => s.uptimeMs !== null && s.uptimeMs < (this.o.warmupMs ?? 0));
    let consumed = running.length > 0 && !warming ? edges((s) => s.consumed) : null;
    if (consumed !== null && wholeAndCaughtUp && intakeRate !== null) consumed = intakeRate;
    const kpus = Math.max(...inside.map((s) => s.kpus));
    let cpu: number | null = null;
    const reportCpu = this.o.kpuCpu !== null && (this.o.reportCpu ?? true);
    // The KPUs' own groups measure the task threads directly; the job's group, net of the overhead measured
    // idle at start, is the fallback (before the threads are placed). That overhead moved by ±0.1 core between
    // periods here, ±20% of a 0.5-core KPU: too noisy for the calibrator to rule out a KPU count.
    const kpuRate = reportCpu ? edges((s) => s.kpuCpuNs ?? null) : null; // ns per s
    const cpuRate = reportCpu && kpuRate === null ? edges((s) => s.cpuNs) : null;
    if ((kpuRate !== null || cpuRate !== null) && this.o.kpuCpu !== null && kpus > 0) {
      const cores = kpuRate !== null ? kpuRate / 1e9 : cpuRate! / 1e9 - this.o.overheadCores;
      cpu = Math.min(100, Math.max(0, (100 * cores) / (kpus * this.o.kpuCpu)));
    }
    const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    const vals = (pick: (s: PollSample) => number | null) => running.map(pick).filter((v): v is number => v !== null);
    const counted = busyFromCounters([...(before ? [before] : []), ...running], consumed);
    const heaps = inside.filter((s) => s.heapUsedBytes !== null && s.heapMaxBytes > 0).map((s) => (100 * s.heapUsedBytes!) / s.heapMaxBytes);
    const downs = inside.map((s) => s.downtimeMs).filter((d): d is number => d !== null);
    const ups = inside.map((s) => (s.running ? s.uptimeMs : 0)).filter((u): u is number => u !== null);
    return {
      startMs,
      lagMaxMs: lags.length > 0 ? Math.max(...lags) * scale : null,
      lagAvgMs: lags.length > 0 ? mean(lags)! * scale : null,
      lagMinMs: lags.length > 0 ? Math.min(...lags) * scale : null,
      consumed,
      cpu,
      containerCpuMax: cpu,
      busyAvg: counted ? counted.avg : mean(vals((s) => s.busyAvg)),
      busyMax: counted ? counted.max : mean(vals((s) => s.busyMax)),
      busyMin: counted ? counted.min : mean(vals((s) => s.busyMin)),
      heapMax: heaps.length > 0 ? Math.max(...heaps) : null,
      kpus: kpus > 0 ? kpus + 1 : null,
      downtimeMaxMs: downs.length > 0 ? Math.max(...downs) * scale : 0,
      uptimeMinMs: ups.length > 0 ? Math.min(...ups) * scale : null,
      fullRestartsMax: Math.max(...inside.map((s) => s.fullRestarts)),
      incomingRecords: intakeRate !== null ? intakeRate * 60 : null,
      writeThrottled: 0,
    };
  }

  /** The lag of one poll, wall ms: the slower of the watermark's and the connector's, less the floor. */
  lagOf(s: PollSample): number | null {
    if (s.watermarkLagMs === null && s.millisBehindLatest === null) return null;
    const raw = Math.max(s.watermarkLagMs ?? 0, s.millisBehindLatest ?? 0);
    return Math.max(0, raw - this.o.lagFloorMs);
  }
}

/**
 * The busiest vertex's busy time per subtask over a period, ms/s, from the accumulated busy-time counters of the
 * period's first and last readings of one job incarnation (a restart resets them); null without two.
 * The REST counters are up to one metric fetch stale at either end, which over a few-second period moves a
 * slope by ~10%; the source's record counter comes from the same fetch, so busy time is taken per record
 * counted and scaled by the period's `consumed` (the calibrator divides busy time by it again, getting the
 * same-fetch ratio back exactly). Without records counted, the plain slope over wall time.
 */
export function busyFromCounters(points: PollSample[], consumed: number | null): { avg: number; max: number; min: number } | null {
  const read = points.filter((s) => s.running && s.busyAccMs !== undefined && s.incarnation !== undefined);
  if (read.length < 2) return null;
  const last = read[read.length - 1];
  const first = read.find((s) => s.incarnation === last.incarnation)!;
  const seconds = (last.atMs - first.atMs) / 1000;
  if (first === last || seconds <= 0) return null;
  const counted = first.consumed !== null && last.consumed !== null ? last.consumed - first.consumed : 0;
  // ms of busy time per wall second, per subtask: rescaled so that per-record busy time is the counters' own.
  const scale = consumed !== null && consumed > 0 && counted > 0 ? (consumed * seconds) / counted : 1;
  let best: { avg: number; max: number; min: number } | null = null;
  for (const [vertex, end] of Object.entries(last.busyAccMs!)) {
    const start = first.busyAccMs![vertex];
    if (!start || start.length !== end.length || end.length === 0) continue;
    const rates = end.map((e, i) => Math.max(0, ((e - start[i]) / seconds) * scale));
    const avg = rates.reduce((a, b) => a + b, 0) / rates.length;
    if (!best || avg > best.avg) best = { avg, max: Math.max(...rates), min: Math.min(...rates) };
  }
  return best;
}

export class LocalStreamInfo implements StreamInfo {
  constructor(private readonly name: string, private readonly arn: string, private readonly shards: number) {}

  async describe(): Promise<StreamDescription> {
    return { streamName: this.name, streamArn: this.arn, mode: 'PROVISIONED', openShardCount: this.shards };
  }
}

export interface LocalPortsParts {
  application: string;
  stream: string;
  shards: number;
  cluster: LocalCluster;
  load: LocalLoadDriver;
  clock: CompressedClock;
  initial: ParallelismSettings;
  metrics: MetricsOptions;
}

export function localPorts(parts: LocalPortsParts): CalibrationPorts & { control: LocalApplicationControl } {
  return {
    control: new LocalApplicationControl(parts.application, parts.cluster, parts.clock, parts.initial),
    metrics: new LocalMetricsSource(parts.cluster, { ...parts.metrics, since: () => parts.load.firstStartedMs }),
    stream: new LocalStreamInfo(parts.stream, parts.cluster.inputArn, parts.shards),
    load: parts.load,
    clock: parts.clock,
  };
}
