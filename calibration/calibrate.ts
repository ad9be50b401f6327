/**
 * The calibration run: the seam between the algorithm (calibration/algorithm) and the two worlds it runs in
 * (the twin and AWS). Everything here is written against the ports, so the same loop right-sizes a real
 * Managed Flink application and the in-process twin. These signatures are shared with the AWS run
 * (calibration/aws) and the report writers (calibration/report): keep them stable.
 */
import type { ApplicationControl, CalibrationPorts, Clock, ParallelismSettings, SeriesDiscovery } from './ports';
import { peakRate, type RateProfile } from '../core/rate-profile';
import type { CalibrationReport, Configuration, Slo, TimelinePoint, Trial } from './report-types';
import type { MinuteSample, TrialObservation } from './algorithm/observation';
import { algorithmOptions, type AlgorithmOptions } from './algorithm/options';
import { kpusFor } from '../core/managed-flink';
import { decide, type Decision } from './algorithm/decision';
import { MetricsCollector } from './algorithm/metrics-collector';
import { shardWriteLimit } from '../core/aws-facts';
import type { StreamProbe } from './algorithm/stream-advice';
import { TrialRunner, type TrialOutcome } from './trial-runner';
import { costOf } from '../core/pricing';


export interface CalibrationOptions {
  target: 'twin' | 'aws';
  application: string;
  stream: string;
  /** The load to size for: its peak (profile's maximum, else recordsPerSecond) is the λ of contracts.md. */
  load: { recordsPerSecond: number; recordBytes: number; profile?: RateProfile };
  slo: Slo;
  limits: { maxKpu: number; maxParallelism: number };
  pricing: { kpuHourUsd: number; storageGbMonthUsd: number };
  /** Stop (verdict aborted, original restored) before calibration spends more than this. */
  maxCostUsd?: number;
  /** Leave the last trial's configuration in place; by default the original configuration is restored. */
  keep?: boolean;
  /** Algorithm knobs (calibration/algorithm/options.ts); unset ones keep their documented defaults. */
  algorithm?: Partial<AlgorithmOptions>;
}

export interface CalibrationProgressEvent {
  phase: string;
  trial?: number;
  parallelism?: number;
  parallelismPerKpu?: number;
  elapsedSeconds: number;
  lagMs?: number | null;
  message?: string;
}

export interface CalibrationHooks {
  onProgress?(e: CalibrationProgressEvent): void;
  /** After every finished trial, with the state to resume from (the AWS run persists it). */
  onTrial?(trial: Trial, state: CalibrationState): void | Promise<void>;
  /** Continue an interrupted run from its last saved state. */
  resume?: CalibrationState;
  /** Abort: the original configuration is restored and the report's verdict is `aborted`. */
  signal?: AbortSignal;
}

/**
 * Everything needed to resume a run, JSON-serializable: the configuration to restore, the trials and the
 * evidence the model was fitted on, and the bookkeeping of what calibration has spent so far.
 */
export interface CalibrationState {
  schemaVersion: 1;
  /** The application's configuration before calibration (autoscaling included): what is restored. */
  original: ParallelismSettings;
  /** Epoch ms when the run started (clock time). */
  startedAtMs: number;
  /** Simulated/wall seconds and (n+1) KPU-seconds spent before the current process took over. */
  elapsedSecondsBefore: number;
  kpuSeconds: number;
  reconfigurations: number;
  trials: Trial[];
  /** What each trial measured: the model is refitted from these alone. */
  observations: TrialObservation[];
  timeline: TimelinePoint[];
  /** The write probe made before the first trial when the peak exceeds the shards' uniform capacity. */
  streamProbe?: StreamProbe;
}

/** The run stopped before an answer (signal, cost cap, an API failure); the original configuration was restored. */
export class CalibrationAbortedError extends Error {
  constructor(message: string, readonly report: CalibrationReport, readonly cause?: unknown) {
    super(message);
    this.name = 'CalibrationAbortedError';
  }
}

/** Refusals before anything changed (application not RUNNING, stream not found...). */
export class CalibrationPreconditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationPreconditionError';
  }
}

class StopRequested extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'StopRequested';
  }
}

const sameSettings = (a: ParallelismSettings, b: ParallelismSettings) =>
  a.parallelism === b.parallelism && a.parallelismPerKpu === b.parallelismPerKpu && a.autoScalingEnabled === b.autoScalingEnabled;

/**
 * Finds the fewest-KPU configuration that keeps up with the load's peak (contracts.md "What right-sized
 * means"), from what the ports show: observe the running configuration, fit the model, try its answer,
 * verify one KPU fewer unless the evidence excludes it, and stop. Built-in autoscaling is switched off for
 * the trials; the original configuration (autoscaling included) is restored on abort, on failure, and at
 * the end unless `keep`.
 */
export async function calibrate(ports: CalibrationPorts, options: CalibrationOptions, hooks: CalibrationHooks = {}): Promise<CalibrationReport> {
  const algo = algorithmOptions(options.algorithm);
  const clock = abortableClock(ports.clock, hooks.signal);
  const run: CalibrationPorts = { ...ports, clock };
  const peak = options.load.profile ? peakRate(options.load.profile) : options.load.recordsPerSecond;
  const recordBytes = options.load.recordBytes;
  if (!(peak > 0)) throw new CalibrationPreconditionError(`load: the peak rate must be > 0 records/s (got ${peak})`);

  const app = await ports.control.describe();
  if (app.status !== 'RUNNING') {
    throw new CalibrationPreconditionError(`application ${options.application} is ${app.status}; calibration needs it RUNNING`);
  }
  const streamDescription = await ports.stream.describe();
  const discovery = await discoverSeries(ports, options);
  const shards = streamDescription.openShardCount;
  const processStartMs = clock.now();
  const state: CalibrationState = hooks.resume ? structuredClone(hooks.resume) : {
    schemaVersion: 1,
    original: { parallelism: app.parallelism, parallelismPerKpu: app.parallelismPerKpu, autoScalingEnabled: app.autoScalingEnabled },
    startedAtMs: processStartMs,
    elapsedSecondsBefore: 0,
    kpuSeconds: 0,
    reconfigurations: 0,
    trials: [],
    observations: [],
    timeline: [],
  };
  const elapsedBefore = state.elapsedSecondsBefore;
  const elapsed = () => elapsedBefore + (clock.now() - processStartMs) / 1000;
  const collector = new MetricsCollector(ports.metrics, state.startedAtMs);
  const setup = { peak, recordBytes, shards, slo: options.slo, options: algo, streamProbe: state.streamProbe };
  const runner = new TrialRunner(run, collector, setup);
  const decisionInput = () => ({ observations: state.observations, peak, recordBytes, shards, slo: options.slo, limits: options.limits, options: algo, streamProbe: state.streamProbe });

  // KPU-seconds as billed: (n + 1) of the configuration running — the old one until an update completes.
  let billed = kpusFor(app.parallelism, app.parallelismPerKpu) + 1;
  let lastTick = clock.now();
  const tick = () => {
    const now = clock.now();
    state.kpuSeconds += ((now - lastTick) / 1000) * billed;
    lastTick = now;
  };
  const spentUsd = () => (state.kpuSeconds / 3600) * options.pricing.kpuHourUsd;
  const checkpoint = () => {
    tick();
    if (hooks.signal?.aborted) throw new StopRequested('interrupted');
    if (options.maxCostUsd !== undefined && spentUsd() > options.maxCostUsd) {
      throw new StopRequested(`calibration spent $${spentUsd().toFixed(2)}, over --max-cost-usd ${options.maxCostUsd}`);
    }
  };

  let current: ParallelismSettings = { parallelism: app.parallelism, parallelismPerKpu: app.parallelismPerKpu, autoScalingEnabled: app.autoScalingEnabled };
  let restarts = await restartsSoFar(collector, clock.now());
  let decision: Decision | undefined;
  // Above the shards' uniform write capacity every shard saturates and key skew hides: look first.
  const uniformWriteCapacity = shards * shardWriteLimit(recordBytes);
  let probeUntilSecond = -1;
  const probeRate = peak > uniformWriteCapacity && state.trials.length === 0 && !state.streamProbe ? 0.95 * uniformWriteCapacity : null;
  await ports.load.start({ recordsPerSecond: probeRate ?? peak, recordBytes });
  try {
    if (probeRate !== null) {
      hooks.onProgress?.({ phase: 'stream-probe', elapsedSeconds: elapsed(), message: `writing ${Math.round(probeRate)} records/s to see key skew before the shards saturate` });
      state.streamProbe = await probeStream(collector, clock, probeRate, algo.metricsDelaySeconds);
      probeUntilSecond = Math.round((clock.now() - state.startedAtMs) / 1000);
      setup.streamProbe = state.streamProbe;
      checkpoint();
      await ports.load.setRate(peak);
    }
    for (;;) {
      checkpoint();
      let target: ParallelismSettings;
      let purpose: string;
      if (state.trials.length === 0) {
        target = current;
        purpose = 'the configuration already running';
      } else {
        decision = decide(decisionInput());
        if (decision.kind === 'done') break;
        target = { parallelism: decision.config.parallelism, parallelismPerKpu: decision.config.parallelismPerKpu, autoScalingEnabled: false };
        purpose = decision.purpose;
      }
      const update = !sameSettings(target, current) || state.trials.length > 0;
      const index = state.trials.length + 1;
      hooks.onProgress?.({ phase: update ? 'updating' : 'observing', trial: index, parallelism: target.parallelism, parallelismPerKpu: target.parallelismPerKpu, elapsedSeconds: elapsed(), message: purpose });
      const outcome = await runner.run(target, update, state.observations, restarts, {
        checkpoint,
        onUpdate: (t) => {
          state.reconfigurations++;
          current = t;
        },
        onRunning: (t) => {
          tick();
          billed = kpusFor(t.parallelism, t.parallelismPerKpu) + 1;
        },
        onMinute: (obs, sample) => {
          tick();
          hooks.onProgress?.({
            phase: 'trial', trial: index, parallelism: target.parallelism, parallelismPerKpu: target.parallelismPerKpu,
            elapsedSeconds: elapsed(), lagMs: sample?.lagMaxMs ?? null, message: `${obs.cleanMinutes} min measured`,
          });
        },
      }, state.trials.length === 0 && !hooks.resume ? state.startedAtMs : undefined);
      const blind = outcome.samples.every((m) => m.consumed === null && m.lagMaxMs === null);
      if (blind && index >= 2 && state.observations.every((o) => o.cleanMinutes === 0)) {
        // Nothing measured at two sizes: a wrong name or dimension, or a job that reads nothing. Stop, don't guess.
        // (Not after the first: a dry run, which has no metrics by design, plans the first calibration move.)
        throw new Error(`no CloudWatch datapoints for application ${options.application} (numRecordsInPerSecond, millisBehindLatest for ${options.stream}) in ${index} trials: check the names and that the job consumes the stream`);
      }
      restarts += outcome.observation.fullRestarts;
      const trial = trialRecord(outcome, state.startedAtMs, purpose);
      state.trials.push(trial);
      state.observations.push(outcome.observation);
      state.timeline.push(...timelinePoints(outcome.samples, target, (second) => (second < probeUntilSecond && probeRate !== null ? probeRate : peak), state.timeline));
      hooks.onProgress?.({ phase: 'trial-done', trial: index, parallelism: target.parallelism, parallelismPerKpu: target.parallelismPerKpu, elapsedSeconds: elapsed(), message: `${trial.verdict}: ${trial.reason}` });
      await hooks.onTrial?.(trial, structuredClone({ ...state, elapsedSecondsBefore: elapsed() }));
    }
    const restoredOriginal = !options.keep && !sameSettings(current, state.original);
    if (restoredOriginal) {
      hooks.onProgress?.({ phase: 'restoring', elapsedSeconds: elapsed(), message: 'restoring the original configuration' });
      await restore(ports.control, state.original, algo, () => state.reconfigurations++);
    }
    tick();
    return buildReport(options, state, decision!, elapsed(), restoredOriginal || (!options.keep && sameSettings(current, state.original)), discovery);
  } catch (err) {
    tick();
    const why = err instanceof StopRequested ? err.why : `failed: ${err instanceof Error ? err.message : String(err)}`;
    hooks.onProgress?.({ phase: 'restoring', elapsedSeconds: elapsed(), message: `${why}; restoring the original configuration` });
    await restore(ports.control, state.original, algo, () => state.reconfigurations++);
    const report = abortedReport(options, state, elapsed(), why, shards, discovery);
    if (err instanceof StopRequested) return report;
    throw new CalibrationAbortedError(`calibration ${why}; the original configuration was restored`, report, err);
  } finally {
    await ports.load.stop();
  }
}

/** Two minutes at the probe rate; the last whole minute's accepted records (IncomingRecords). */
async function probeStream(collector: MetricsCollector, clock: Clock, rate: number, metricsDelaySeconds: number): Promise<StreamProbe | undefined> {
  const start = clock.now();
  await clock.sleep((Math.floor(start / 60000) + 2) * 60000 + metricsDelaySeconds * 1000 - start);
  const to = Math.floor((clock.now() - metricsDelaySeconds * 1000) / 60000) * 60000;
  const [minute] = (await collector.collect(to - 60000, to)).slice(-1);
  if (!minute || minute.incomingRecords === null) return undefined;
  return { offeredRecordsPerSecond: rate, acceptedRecordsPerSecond: minute.incomingRecords / 60 };
}

/** Puts the original configuration (autoscaling included) back, waiting out any update in flight. */
async function restore(control: ApplicationControl, original: ParallelismSettings, algo: AlgorithmOptions, counted: () => void): Promise<void> {
  let app = await control.describe();
  if (app.status !== 'RUNNING') app = await control.waitForStatus('RUNNING', algo.updateTimeoutSeconds);
  if (sameSettings(app, original)) return;
  await control.updateParallelism(original, app.versionId);
  counted();
  await control.waitForStatus('RUNNING', algo.updateTimeoutSeconds);
}

/** The cumulative fullRestarts before the run (the metric counts since the application started). */
async function restartsSoFar(collector: MetricsCollector, nowMs: number): Promise<number> {
  const to = Math.floor(nowMs / 60000) * 60000;
  if (to <= 0) return 0;
  const recent = await collector.collect(to - 10 * 60000, to).catch(() => [] as MinuteSample[]);
  return Math.max(0, ...recent.map((s) => s.fullRestartsMax ?? 0));
}

/** A Clock whose sleep ends early when the run is aborted (the next checkpoint then stops the run). */
function abortableClock(clock: Clock, signal?: AbortSignal): Clock {
  if (!signal) return clock;
  return {
    now: () => clock.now(),
    sleep: (ms) => {
      if (signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        clock.sleep(ms).then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, reject);
      });
    },
  };
}

function trialRecord(outcome: TrialOutcome, runStartMs: number, purpose: string): Trial {
  const o = outcome.observation;
  const running = outcome.samples.filter((s) => s.downtimeMaxMs === 0 || s.downtimeMaxMs === null);
  const cpus = running.map((s) => s.cpu).filter((c): c is number => c !== null);
  const busy = running.map((s) => s.busyMax).filter((b): b is number => b !== null);
  return {
    parallelism: o.parallelism,
    parallelismPerKpu: o.parallelismPerKpu,
    kpus: o.kpus,
    startSecond: Math.round((outcome.startMs - runStartMs) / 1000),
    durationSeconds: Math.round((outcome.endMs - outcome.startMs) / 1000),
    maxLagMs: o.maxLagMs,
    lagSlope: round(o.lagSlope, 4),
    estimatedCapacityRecordsPerSecond: Math.round(outcome.assessment.capacity ?? 0),
    cpuUtilization: cpus.length > 0 ? round(cpus.reduce((a, b) => a + b, 0) / cpus.length, 1) : 0,
    verdict: outcome.assessment.verdict,
    reason: `${outcome.assessment.reason} (tried as: ${purpose})`,
    estimateMethod: outcome.assessment.method,
    updateDowntimeSeconds: outcome.polledDowntimeSeconds === null ? undefined : round(o.downtimeSeconds ?? outcome.polledDowntimeSeconds, 1),
    heapUtilization: o.heapUtilization ?? undefined,
    fullRestarts: o.fullRestarts,
    maxBusyTimeMsPerSecond: busy.length > 0 ? round(Math.max(...busy), 1) : undefined,
  };
}

function timelinePoints(samples: MinuteSample[], config: ParallelismSettings, offeredAt: (second: number) => number, existing: TimelinePoint[]): TimelinePoint[] {
  const last = existing.length > 0 ? existing[existing.length - 1].second : -Infinity;
  return samples.filter((s) => s.second > last).map((s) => ({
    second: s.second,
    millisBehindLatest: s.lagMaxMs,
    offeredRecordsPerSecond: Math.round(offeredAt(s.second)),
    recordsInPerSecond: s.consumed === null ? null : round(s.consumed, 1),
    kpus: kpusFor(config.parallelism, config.parallelismPerKpu),
    parallelism: config.parallelism,
    parallelismPerKpu: config.parallelismPerKpu,
    status: s.downtimeMaxMs !== null && s.downtimeMaxMs > 0 ? 'UPDATING' : s.consumed === null ? 'DOWN' : 'RUNNING',
  }));
}

/**
 * The series behind each signal, before anything changes: a wrong name, dimension or metric group would
 * otherwise blind every trial (an alarm that never fires, a calibrator that stops after two blind trials).
 */
async function discoverSeries(ports: CalibrationPorts, options: CalibrationOptions): Promise<SeriesDiscovery | undefined> {
  if (!ports.metrics.discover) return undefined;
  const found = await ports.metrics.discover();
  if (found.missing.length > 0) {
    const listed = found.found.length === 0 ? 'none' : found.found.map(seriesLabel).join('; ');
    throw new CalibrationPreconditionError(
      `metrics: no series for ${found.missing.join(' and ')} of application ${options.application} reading ${options.stream}` +
      `${found.notes.length > 0 ? ` (${found.notes.join('; ')})` : ''}; series listed for the application and the stream: ${listed}. ` +
      'Check the application and stream names, that the job publishes millisBehindLatest under kinesisanalytics → Id → Flow=Input (docs/metrics.md), and that it has run recently',
    );
  }
  return found;
}

const seriesLabel = (s: { namespace: string; name: string; dimensions: Record<string, string> }) =>
  `${s.namespace} ${s.name} {${Object.entries(s.dimensions).map(([k, v]) => `${k}=${v}`).join(', ')}}`;

function baseReport(options: CalibrationOptions, state: CalibrationState, elapsedSeconds: number, discovery: SeriesDiscovery | undefined): Omit<CalibrationReport, 'verdict' | 'recommendation' | 'streamAdvice' | 'restoredOriginal'> {
  const o = state.original;
  const initial: Configuration = { parallelism: o.parallelism, parallelismPerKpu: o.parallelismPerKpu, kpus: kpusFor(o.parallelism, o.parallelismPerKpu) };
  return {
    schemaVersion: 1,
    target: options.target,
    application: options.application,
    stream: options.stream,
    load: { recordsPerSecond: options.load.profile ? peakRate(options.load.profile) : options.load.recordsPerSecond, recordBytes: options.load.recordBytes, ...(options.load.profile ? { profile: options.load.profile } : {}) },
    slo: options.slo,
    initial,
    trials: state.trials,
    reconfigurations: state.reconfigurations,
    elapsedSeconds: Math.round(elapsedSeconds),
    calibrationKpuHours: round(state.kpuSeconds / 3600, 3),
    timeline: state.timeline,
    pricing: options.pricing,
    generatedAt: new Date().toISOString(),
    ...(discovery ? { metricsUsed: discovery.used } : {}),
    ...(discovery && discovery.notes.length > 0 ? { metricsNotes: discovery.notes } : {}),
  };
}

function buildReport(options: CalibrationOptions, state: CalibrationState, decision: Decision, elapsedSeconds: number, restoredOriginal: boolean, discovery: SeriesDiscovery | undefined): CalibrationReport {
  if (decision.kind !== 'done') throw new Error('internal: report built before a decision');
  const rec = decision.recommendation;
  const cost = rec ? costOf(rec.kpus, options.pricing) : null;
  // The verifying trial says why one KPU fewer was not needed (tried, or excluded by the model).
  const verifying = rec ? [...state.trials].reverse().find((t) => t.verdict === 'pass' && t.parallelism === rec.parallelism && t.parallelismPerKpu === rec.parallelismPerKpu) : undefined;
  if (verifying && decision.fewerExcluded && !verifying.reason.includes(decision.fewerExcluded)) verifying.reason += `; ${decision.fewerExcluded}`;
  return {
    ...baseReport(options, state, elapsedSeconds, discovery),
    verdict: decision.verdict,
    recommendation: rec && cost ? {
      parallelism: rec.parallelism,
      parallelismPerKpu: rec.parallelismPerKpu,
      kpus: rec.kpus,
      estimatedCapacityRecordsPerSecond: Math.round(rec.capacity),
      costPerHourUsd: round(cost.perHourUsd, 4),
      costPerMonthUsd: round(cost.perMonthUsd, 2),
    } : null,
    streamAdvice: {
      shards: decision.stream.shards,
      requiredShards: decision.stream.requiredShards,
      ...(decision.stream.cause ? { cause: decision.stream.cause } : {}),
    },
    restoredOriginal,
    explanation: decision.explanation,
    bottleneck: decision.bottleneck,
    updateDowntimeSeconds: decision.fit.measured.downtime ? round(decision.fit.downtimeSeconds.mid, 1) : undefined,
  };
}

function abortedReport(options: CalibrationOptions, state: CalibrationState, elapsedSeconds: number, why: string, shards: number, discovery: SeriesDiscovery | undefined): CalibrationReport {
  return {
    ...baseReport(options, state, elapsedSeconds, discovery),
    verdict: 'aborted',
    recommendation: null,
    streamAdvice: { shards, requiredShards: shards },
    restoredOriginal: true,
    explanation: `aborted (${why}) after ${state.trials.length} trial(s); the original configuration was restored`,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
