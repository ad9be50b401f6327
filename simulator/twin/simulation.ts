/**
 * The twin's world, one simulated second at a time (docs/twin-model.md "Model, each step"): the stream (stream.ts)
 * takes writes and gives records to the job while it runs; around it, the application's status machine,
 * heap and OOM restarts, the built-in autoscaling policy, billing and the metric samples. The AWS-shaped ports
 * (kinesis-analytics.ts, cloudwatch.ts, kinesis.ts) are views over this object; it holds the job
 * parameters, which never leave it.
 */
import type { ApplicationStatus, ParallelismSettings } from '../../core/managed-flink';
import { Prng } from '../../core/prng';
import { rateAt, type RateProfile } from '../../core/rate-profile';
import { runningConfig, type RunningConfig } from './application-config';
import { AutoscalingPolicy } from './autoscaling-policy';
import { OOM_HEAP_UTILIZATION, updateDowntimeSeconds, type Config } from './model';
import { billedKpus } from '../../core/pricing';
import { M, MetricsStore } from './metrics-store';
import { LAG_NOT_YET_REPORTED } from '../../core/metric-catalogue';
import type { Scenario } from './scenario';
import { DUST, SimulatedStream } from './stream';

/** Simulated time starts here (a minute boundary, so 60-second periods align with the epoch). */
export const TWIN_EPOCH_MS = Date.UTC(2026, 0, 1);

export type OperationKind = 'StartApplication' | 'UpdateApplication' | 'ScaleApplication';

export interface Operation {
  id: string;
  kind: OperationKind;
  startMs: number;
  endMs?: number;
  status: 'IN_PROGRESS' | 'SUCCESSFUL';
  fromVersion: number;
  toVersion: number;
}

interface Transition {
  kind: OperationKind;
  config: ParallelismSettings;
  remainingSeconds: number;
  operation: Operation;
}

export interface SimulationOptions {
  startStatus?: 'RUNNING' | 'READY';
  parallelism?: number;
  parallelismPerKpu?: number;
  autoScalingEnabled?: boolean;
}

/** What happened in the last simulated second (for `twin run` and tests; not an AWS surface). */
export interface SecondObservation {
  second: number;
  status: ApplicationStatus;
  jobRunning: boolean;
  offered: number;
  accepted: number;
  throttled: number;
  consumed: number;
  backlog: number;
  /** millisBehindLatest of this second; null while the job is not running. */
  lagMs: number | null;
  billedKpus: number;
}

export class Simulation {
  readonly metrics = new MetricsStore();
  /** Completed simulated seconds; the current second (where writes land) is this one. */
  second = 0;
  private carryMs = 0;

  status: ApplicationStatus;
  versionId = 1;
  /** What DescribeApplication shows as configured (Parallelism, ParallelismPerKPU, AutoScalingEnabled). */
  configured: ParallelismSettings;
  /** The user's Parallelism: autoscaling never goes below it. */
  private userParallelism: number;
  running: RunningConfig;
  private transition: Transition | null = null;
  readonly operations: Operation[] = [];

  private jobDownSeconds = 0;
  private secondsSinceJobStart = 0;
  /**
   * Whether the source has reported since the job last (re)started. The application at the twin's epoch has
   * been running a while (calibration needs it RUNNING), so it starts true; a restart makes the lag gauge
   * read -1 (the catalogue's unknownValue) for its first second, as the job's gauge does before GetRecords answers.
   */
  private sourceReported = true;
  private outageSeconds = 0;
  fullRestarts = 0;
  private readonly autoscaling = new AutoscalingPolicy();
  billedKpuSeconds = 0;

  readonly stream: SimulatedStream;

  private profile: RateProfile | null = null;
  private profileStart = 0;
  recordBytes: number;
  readonly producer = { offered: 0, accepted: 0, throttled: 0, pendingRetry: 0 };

  private readonly noise: Prng;
  private readonly ids: Prng;
  last: SecondObservation;

  constructor(readonly scenario: Scenario, options: SimulationOptions = {}) {
    this.stream = new SimulatedStream(scenario.stream.shards, scenario.stream.shardSkew, scenario.job.fetchAheadRecords);
    this.recordBytes = scenario.load.recordBytes;
    this.noise = new Prng(scenario.seed);
    this.ids = new Prng(scenario.seed ^ 0x5a5a5a5a);
    this.configured = {
      parallelism: options.parallelism ?? scenario.initial.parallelism,
      parallelismPerKpu: options.parallelismPerKpu ?? scenario.initial.parallelismPerKpu,
      autoScalingEnabled: options.autoScalingEnabled ?? scenario.initial.autoScalingEnabled,
    };
    this.userParallelism = this.configured.parallelism;
    this.running = this.configure(this.configured);
    this.status = options.startStatus ?? 'RUNNING';
    this.last = {
      second: -1, status: this.status, jobRunning: false, offered: 0, accepted: 0, throttled: 0, consumed: 0,
      backlog: 0, lagMs: null, billedKpus: 0,
    };
  }

  get shards(): number {
    return this.stream.shards;
  }

  nowMs(): number {
    return TWIN_EPOCH_MS + this.second * 1000 + this.carryMs;
  }

  /** Seconds one update keeps the job down, rounded to the simulation's 1-second step. */
  get downtimeSeconds(): number {
    return Math.round(updateDowntimeSeconds(this.scenario.job));
  }

  get jobRunning(): boolean {
    return this.status === 'RUNNING' && this.jobDownSeconds === 0;
  }

  /** Simulates `ms` milliseconds: whole seconds now, the remainder carried to the next call. */
  advanceMs(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`cannot advance the simulation by ${ms} ms`);
    this.carryMs += ms;
    const whole = Math.floor(this.carryMs / 1000 + 1e-9);
    this.carryMs = Math.max(0, this.carryMs - whole * 1000);
    for (let i = 0; i < whole; i++) this.step();
  }

  setOfferedLoad(profile: RateProfile | null, recordBytes: number): void {
    this.profile = profile;
    this.profileStart = this.second;
    if (recordBytes !== this.recordBytes) {
      this.recordBytes = recordBytes;
      this.running = this.configure(this.running);
    }
  }

  // ---- control plane -------------------------------------------------------------------------------

  start(): Operation {
    const op = this.operation('StartApplication', this.versionId);
    this.status = 'STARTING';
    this.outageSeconds = 0;
    this.transition = { kind: 'StartApplication', config: { ...this.configured }, remainingSeconds: Math.round(this.scenario.job.startSeconds), operation: op };
    if (this.transition.remainingSeconds <= 0) this.finishTransition();
    return op;
  }

  /** An accepted UpdateApplication (validation is the API's job). */
  update(target: ParallelismSettings): Operation {
    this.userParallelism = target.parallelism;
    if (this.status === 'READY') {
      const op = this.operation('UpdateApplication', this.versionId + 1);
      this.configured = { ...target };
      this.running = this.configure(target);
      this.versionId++;
      this.complete(op);
      return op;
    }
    return this.beginTransition('UpdateApplication', 'UPDATING', target);
  }

  private beginTransition(kind: OperationKind, status: ApplicationStatus, target: ParallelismSettings): Operation {
    const op = this.operation(kind, this.versionId + 1);
    this.configured = { ...target };
    this.status = status;
    this.jobDownSeconds = 0;
    this.outageSeconds = 0;
    this.autoscaling.reset();
    this.transition = { kind, config: { ...target }, remainingSeconds: this.downtimeSeconds, operation: op };
    if (this.transition.remainingSeconds <= 0) this.finishTransition();
    return op;
  }

  private finishTransition(): void {
    const t = this.transition!;
    this.transition = null;
    if (t.kind !== 'StartApplication') this.versionId++;
    this.running = this.configure(t.config);
    this.status = 'RUNNING';
    this.secondsSinceJobStart = 0;
    this.sourceReported = false;
    this.outageSeconds = 0;
    this.complete(t.operation);
  }

  private operation(kind: OperationKind, toVersion: number): Operation {
    const op: Operation = {
      id: `${this.ids.hex8()}${this.ids.hex8()}${this.ids.hex8()}`.slice(0, 22),
      kind, startMs: this.nowMs(), status: 'IN_PROGRESS', fromVersion: this.versionId, toVersion,
    };
    this.operations.push(op);
    return op;
  }

  private complete(op: Operation): void {
    op.status = 'SUCCESSFUL';
    op.endMs = this.nowMs();
  }

  private configure(config: Config): RunningConfig {
    return runningConfig(
      { parallelism: config.parallelism, parallelismPerKpu: config.parallelismPerKpu },
      this.shards, this.recordBytes, this.scenario.job,
    );
  }

  // ---- data plane ----------------------------------------------------------------------------------

  /** One PutRecords record, landing at the current second. */
  putRecord(shard: number, bytes: number): boolean {
    return this.stream.putRecord(this.second, shard, bytes);
  }

  private step(): void {
    const t = this.second;
    const job = this.scenario.job;
    const store = this.metrics;
    const b = this.recordBytes;

    // 1. Write side.
    const lambda = this.profile ? rateAt(this.profile, t - this.profileStart) : 0;
    const w = this.stream.write(t, lambda, b);
    this.producer.offered += lambda;
    this.producer.accepted += w.producerAccepted;
    this.producer.throttled += w.producerRejected;
    this.producer.pendingRetry = w.pendingRetry;
    const throttled = w.producerRejected + w.putRecordsRejected;
    store.add(t, M.IncomingRecords, w.producerAccepted + w.putRecordsAccepted);
    store.add(t, M.IncomingBytes, w.bytes);
    store.add(t, M.WriteProvisionedThroughputExceeded, throttled);

    // 2-4. Capacity with noise; processing and lag only while the job runs.
    const epsilon = job.noise > 0 ? clip(this.noise.normal(0, job.noise), 3 * job.noise) : 0;
    const jobUp = this.jobRunning;
    const cfg = this.running;
    let consumed = 0;
    let lagMs: number | null = null;
    let backlogLeft: number;
    if (jobUp) {
      const r = this.stream.read(cfg.mu * (1 + epsilon), t + 1, b);
      consumed = r.consumed;
      backlogLeft = r.left;
      lagMs = r.behindSeconds * 1000;
      this.recordJobSamples(t, cfg, consumed, backlogLeft > DUST, lagMs);
      store.add(t, M.ReadProvisionedThroughputExceeded, r.readThrottledShards);
      store.add(t, M['GetRecords.IteratorAgeMilliseconds'], r.iteratorAgeSeconds * 1000);
    } else {
      backlogLeft = this.stream.backlogRecords;
    }

    // 5-6. Status machine, heap and OOM restarts, outage and uptime; what ends now ends at t + 1.
    this.second = t + 1;
    const billing = this.status !== 'READY';
    if (billing) {
      const n = billedKpus(cfg.kpus);
      this.billedKpuSeconds += n;
      store.add(t, M.KPUs, n);
      store.add(t, M.fullRestarts, this.fullRestarts);
      if (jobUp) {
        this.secondsSinceJobStart++;
        store.add(t, M.downtime, 0);
        store.add(t, M.uptime, this.secondsSinceJobStart * 1000);
        if (cfg.heapUtilization > OOM_HEAP_UTILIZATION && this.secondsSinceJobStart >= job.oomAfterSeconds) {
          this.fullRestarts++;
          this.secondsSinceJobStart = 0;
          this.sourceReported = false;
          this.outageSeconds = 0;
          this.jobDownSeconds = this.downtimeSeconds;
        }
      } else {
        this.outageSeconds++;
        store.add(t, M.downtime, this.outageSeconds * 1000);
        store.add(t, M.uptime, 0);
        if (this.transition) {
          if (--this.transition.remainingSeconds <= 0) this.finishTransition();
        } else if (this.jobDownSeconds > 0 && --this.jobDownSeconds === 0) {
          this.outageSeconds = 0;
        }
      }
    }

    this.last = {
      second: t, status: this.status, jobRunning: jobUp, offered: lambda, accepted: w.producerAccepted + w.putRecordsAccepted,
      throttled, consumed, backlog: backlogLeft, lagMs, billedKpus: billing ? billedKpus(cfg.kpus) : 0,
    };
    // 7. A minute closes: its datapoints exist now, and the autoscaling policy sees them.
    if (this.second % 60 === 0) {
      store.roll(this.second / 60);
      this.autoscale(this.second / 60 - 1);
    }
  }

  private recordJobSamples(t: number, cfg: RunningConfig, consumed: number, backPressured: boolean, lagMs: number): void {
    const store = this.metrics;
    store.add(t, M.millisBehindLatest, this.sourceReported ? lagMs : LAG_NOT_YET_REPORTED);
    this.sourceReported = true;
    store.add(t, M.numRecordsInPerSecond, consumed);
    store.add(t, M.numRecordsOutPerSecond, consumed);
    store.add(t, M.cpuUtilization, Math.min(100, (100 * consumed * cfg.cpuMsFullKpu) / (cfg.kpus * 1000)));
    for (const g of cfg.kpuGroups) {
      store.addMany(t, M.containerCPUUtilization, Math.min(100, (consumed * g.share * g.msPerRecord) / 10), g.count);
    }
    for (const g of cfg.subtasks) {
      const busy = Math.min(1000, consumed * g.share * g.msPerRecord);
      store.addMany(t, M.busyTimeMsPerSecond, busy, g.count);
      store.addMany(t, M.backPressuredTimeMsPerSecond, backPressured ? 1000 - busy : 0, g.count);
      store.addMany(t, M.idleTimeMsPerSecond, backPressured ? 0 : 1000 - busy, g.count);
    }
    // docs/twin-model.md 6 as written: (baseHeapMb + stateMb / n) / 3072, above 100% when the state cannot fit (the job then fails).
    store.add(t, M.heapMemoryUtilization, 100 * cfg.heapUtilization);
  }

  /** The built-in policy, on the minute that just closed. */
  private autoscale(minute: number): void {
    if (!this.configured.autoScalingEnabled || this.status !== 'RUNNING') {
      this.autoscaling.reset();
      return;
    }
    const cpu = this.metrics.aggregate(M.containerCPUUtilization, minute, minute + 1);
    const target = this.autoscaling.observe(cpu ? cpu.max : null, this.configured.parallelism, {
      userParallelism: this.userParallelism,
      maxParallelism: this.scenario.limits.maxParallelism,
      maxKpu: this.scenario.limits.maxKpu,
      parallelismPerKpu: this.configured.parallelismPerKpu,
    });
    if (target !== null) this.beginTransition('ScaleApplication', 'AUTOSCALING', { ...this.configured, parallelism: target });
  }
}

function clip(x: number, bound: number): number {
  return x > bound ? bound : x < -bound ? -bound : x;
}
