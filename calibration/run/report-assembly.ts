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
import type { Decision } from '../algorithm/decision';
import type { TrialOutcome } from '../trial-runner';
import type { CalibrationOptions, CalibrationState } from './types';

export function trialRecord(outcome: TrialOutcome, runStartMs: number, purpose: string): Trial {
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

export function timelinePoints(samples: MinuteSample[], config: ParallelismSettings, offeredAt: (second: number) => number, existing: TimelinePoint[]): TimelinePoint[] {
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

export function abortedReport(options: CalibrationOptions, state: CalibrationState, elapsedSeconds: number, why: string, shards: number, discovery: SeriesDiscovery | undefined): CalibrationReport {
  return {
    ...baseReport(options, state, elapsedSeconds, discovery),
    verdict: 'aborted',
    recommendation: null,
    streamAdvice: { shards, requiredShards: shards },
    restoredOriginal: true,
    explanation: `aborted (${why}) after ${state.trials.length} trial(s); the original configuration was restored`,
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
