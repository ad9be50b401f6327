/**
 * Turning what a run measured into the report: one row per trial, the minute-by-minute timeline, and the
 * final report for an answer or for an aborted run. The JSON shapes are documented in docs/json-shapes.md.
 */
import { peakRate } from '../../core/rate-profile';
import { kpusFor } from '../../core/managed-flink';
import { costOf } from '../../core/pricing';
import type { ParallelismSettings, SeriesDiscovery } from '../ports';
import type { BindingConstraint, CalibrationReport, Configuration, TimelinePoint, Trial } from '../report-types';
import type { MinuteSample } from '../algorithm/observation';
import { leastSquaresSlope } from '../algorithm/trial-evaluator';
import type { Decision } from '../algorithm/decision';
import type { TrialOutcome } from '../trial-runner';
import type { CalibrationOptions, CalibrationState } from './types';

/**
 * One trial's row. `charted` is the trial's minutes as the report's charts draw them (`appendTrialMinutes`):
 * Max lag and Lag slope come from those, restart minutes included, so the row and the lag chart agree.
 * The evaluator's figures over the minutes once the trial's configuration was RUNNING (what the verdict
 * used) are kept beside them as runningMaxLagMs and runningLagSlope.
 */
export function trialRecord(outcome: TrialOutcome, runStartMs: number, purpose: string, charted: TimelinePoint[]): Trial {
  const o = outcome.observation;
  const running = outcome.samples.filter((s) => s.downtimeMaxMs === 0 || s.downtimeMaxMs === null);
  const cpus = running.map((s) => s.cpu).filter((c): c is number => c !== null);
  const busy = running.map((s) => s.busyMax).filter((b): b is number => b !== null);
  const lag = chartedLag(charted);
  return {
    parallelism: o.parallelism,
    parallelismPerKpu: o.parallelismPerKpu,
    kpus: o.kpus,
    startSecond: Math.round((outcome.startMs - runStartMs) / 1000),
    durationSeconds: Math.round((outcome.endMs - outcome.startMs) / 1000),
    maxLagMs: lag.maxLagMs,
    lagSlope: round(lag.lagSlope, 4),
    estimatedCapacityRecordsPerSecond: Math.round(outcome.assessment.capacity ?? 0),
    cpuUtilization: cpus.length > 0 ? round(cpus.reduce((a, b) => a + b, 0) / cpus.length, 1) : 0,
    verdict: outcome.assessment.verdict,
    reason: `${outcome.assessment.reason} (tried as: ${purpose})`,
    estimateMethod: outcome.assessment.method,
    updateDowntimeSeconds: outcome.polledDowntimeSeconds === null ? undefined : round(o.downtimeSeconds ?? outcome.polledDowntimeSeconds, 1),
    heapUtilization: o.heapUtilization ?? undefined,
    fullRestarts: o.fullRestarts,
    maxBusyTimeMsPerSecond: busy.length > 0 ? round(Math.max(...busy), 1) : undefined,
    runningMaxLagMs: o.maxLagMs,
    runningLagSlope: round(o.lagSlope, 4),
  };
}

/** The trial's minutes as timeline points (one a minute, what the charts draw), oldest first. */
export function timelinePoints(samples: MinuteSample[], config: ParallelismSettings, offeredAt: (second: number) => number): TimelinePoint[] {
  return samples.map((s) => ({
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
 * Appends a trial's points to the run's timeline (a minute already charted keeps its first reading) and
 * returns the timeline's points over the trial's minutes: exactly what the charts draw for the trial.
 */
export function appendTrialMinutes(timeline: TimelinePoint[], points: TimelinePoint[]): TimelinePoint[] {
  if (points.length === 0) return [];
  const last = timeline.length > 0 ? timeline[timeline.length - 1].second : -Infinity;
  timeline.push(...points.filter((p) => p.second > last));
  const from = points[0].second;
  const to = points[points.length - 1].second;
  return timeline.filter((p) => p.second >= from && p.second <= to);
}

/**
 * The lag a trial's charted minutes show: the highest millisBehindLatest Maximum (0 without a datapoint)
 * and the least-squares slope of those Maxima over time, ms of lag per ms (0 below two datapoints).
 * Minutes without a datapoint (the job down) are gaps in the chart and are left out here too.
 */
export function chartedLag(points: TimelinePoint[]): { maxLagMs: number; lagSlope: number } {
  const pts = points.filter((p) => p.millisBehindLatest !== null).map((p) => [p.second * 1000, p.millisBehindLatest!] as const);
  return { maxLagMs: Math.max(0, ...pts.map(([, y]) => y)), lagSlope: leastSquaresSlope(pts) };
}

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

export function buildReport(options: CalibrationOptions, state: CalibrationState, decision: Decision, elapsedSeconds: number, restoredOriginal: boolean, discovery: SeriesDiscovery | undefined): CalibrationReport {
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
      minimumShards: decision.stream.minimumShards,
      shardsOnceKeySpread: decision.stream.shardsOnceKeySpread,
      ...(decision.stream.partitionKeyShare !== null ? { partitionKeyShare: round(decision.stream.partitionKeyShare, 4) } : {}),
    },
    restoredOriginal,
    explanation: decision.explanation,
    bottleneck: decision.bottleneck,
    constraints: decision.constraints.map(roundConstraint),
    updateDowntimeSeconds: decision.fit.measured.downtime ? round(decision.fit.downtimeSeconds.mid, 1) : undefined,
  };
}

export function abortedReport(options: CalibrationOptions, state: CalibrationState, elapsedSeconds: number, why: string, shards: number, discovery: SeriesDiscovery | undefined, restoredOriginal = true): CalibrationReport {
  return {
    ...baseReport(options, state, elapsedSeconds, discovery),
    verdict: 'aborted',
    recommendation: null,
    streamAdvice: { shards, requiredShards: shards },
    restoredOriginal,
    explanation: `aborted (${why}) after ${state.trials.length} trial(s); ${restoredOriginal ? 'the original configuration was restored' : 'the configuration was kept as it was (keep)'}`,
  };
}

/** Rates to 0.1 record/s and shares to 4 digits: enough that no two unequal numbers in the text read alike. */
function roundConstraint(c: BindingConstraint): BindingConstraint {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) out[k] = typeof v === 'number' && !Number.isInteger(v) ? round(v, k === 'keyShare' ? 4 : 3) : v;
  return out as BindingConstraint;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
