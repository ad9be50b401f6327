/**
 * The autoscaling policy, pure: recent per-minute metrics, the current configuration, the job model and
 * the scaling history in; keep or a target (Parallelism, ParallelismPerKPU) with its reason out, plus the
 * refined model and history. The Lambda and `kpufit autoscale simulate` run this same function.
 *
 * One-step sizing from the model, as the Flink Kubernetes autoscaler (backlog drained within the catch-up
 * time, the restart's own backlog, the input at the target utilization):
 *   required = max(input / targetUtilization, peak / scaleUpUtilization, input (1 + restartSeconds / catchUp))
 *              + backlog / catchUp
 * (the utilization headroom drains the restart's backlog too, so those two terms are not added), and the cheapest (fewest KPUs) configuration whose predicted capacity meets it, within the KPU, heap
 * and cost limits. Scale-up at once when the input (or its trend, or the daily forecast) nears the
 * capacity or a backlog grows; scale-down only after a stabilisation window, below a hysteresis band,
 * and only when the KPU-hours saved over the next hours outweigh what a restart costs.
 */
import { costOf, DEFAULT_PRICING, type Pricing } from '../../core/pricing';
import { kpusFor, type ApplicationStatus } from '../../core/managed-flink';
import type { MetricPeriod } from '../ports';
import { minutesUntilForecastAbove, recordInput, risingTrend, seasonalPeak, type InputHistory } from './forecast';
import { expectedDowntimeSeconds, heapSafeKpus, learnMinute, PARALLELISM_PER_KPU_VALUES, predictCapacity, type JobModel } from './job-model';
import type { AutoscalerOptions } from './options';

export interface Configuration {
  parallelism: number;
  parallelismPerKpu: number;
}

export type ScalingKind = 'scale-up' | 'scale-down' | 'memory';

export interface ScalingEvent {
  atMs: number;
  kind: ScalingKind;
  from: Configuration;
  to: Configuration;
  reason: string;
  /** Capacity the model predicted for the old and the new configuration, records/s. */
  capacityBefore: number;
  expectedCapacity: number;
  /** Whether the new configuration raised the throughput as predicted; null until it could be seen. */
  effective: boolean | null;
}

export interface AutoscalerState {
  schemaVersion: 1;
  model: JobModel;
  /** Start of the newest minute the model learned from. */
  lastLearnedMs: number | null;
  input: InputHistory;
  /** The newest reconfigurations, oldest first (the last 100). */
  events: ScalingEvent[];
  /** Until when scale-ups are blocked after an ineffective one, and why. */
  blockedUntilMs: number | null;
  blockedReason: string | null;
  /**
   * The complete per-minute metrics of the last stabilisation window, oldest first, so the next run reads
   * only newer minutes (metric-window.ts). Absent in a state saved before it existed: that run reads the
   * whole window.
   */
  recent?: MetricPeriod[];
}

export function initialState(model: JobModel): AutoscalerState {
  return { schemaVersion: 1, model, lastLearnedMs: null, input: [], events: [], blockedUntilMs: null, blockedReason: null, recent: [] };
}

export interface PolicyContext {
  nowMs: number;
  application: { status: ApplicationStatus; parallelism: number; parallelismPerKpu: number };
  /** Per-minute metrics of the last stabilisation window or more, oldest first. */
  metrics: MetricPeriod[];
  slo: { maxLagMs: number };
  pricing?: Pricing;
}

export interface Decision {
  action: 'keep' | 'scale';
  kind: ScalingKind | null;
  target: Configuration | null;
  reason: string;
  inputRecordsPerSecond: number | null;
  lagMs: number | null;
  capacityRecordsPerSecond: number | null;
  requiredRecordsPerSecond: number | null;
}

const MAX_EVENTS = 100;
const DAY_MS = 86400000;

export function decide(ctx: PolicyContext, previous: AutoscalerState, options: AutoscalerOptions): { decision: Decision; state: AutoscalerState } {
  const state = learn(ctx, previous, options);
  const keep = (reason: string, extra: Partial<Decision> = {}): { decision: Decision; state: AutoscalerState } => ({
    decision: { action: 'keep', kind: null, target: null, reason, inputRecordsPerSecond: null, lagMs: null, capacityRecordsPerSecond: null, requiredRecordsPerSecond: null, ...extra },
    state,
  });
  const app = ctx.application;
  if (app.status !== 'RUNNING') return keep(`application is ${app.status}: no action until it is RUNNING`);

  const complete = ctx.metrics.filter((m) => m.startMs + 60000 <= ctx.nowMs);
  const withInput = complete.filter((m) => m.incomingRecords !== null);
  const latest = withInput[withInput.length - 1];
  if (!latest || latest.startMs < ctx.nowMs - 4 * 60000) return keep('no recent input metrics');

  const model = state.model;
  if (model.origin === 'prior' && model.learnedMinutes < options.warmupMinutes) {
    return keep(`learning the job: ${model.learnedMinutes} of ${options.warmupMinutes} running minutes measured`);
  }
  const pricing = ctx.pricing ?? DEFAULT_PRICING;
  const current: Configuration = { parallelism: app.parallelism, parallelismPerKpu: app.parallelismPerKpu };
  const nCurrent = kpusFor(current.parallelism, current.parallelismPerKpu);
  const capCurrent = predictCapacity(model, current.parallelism, current.parallelismPerKpu).recordsPerSecond;
  const input = latest.incomingRecords! / 60;
  const lagReadings = complete.filter((m) => m.lagMaxMs !== null);
  const lagMs = lagReadings.length > 0 && lagReadings[lagReadings.length - 1].startMs >= latest.startMs - 60000 ? lagReadings[lagReadings.length - 1].lagMaxMs : null;
  const restartSeconds = expectedDowntimeSeconds(model, options);
  const base = { inputRecordsPerSecond: input, lagMs, capacityRecordsPerSecond: capCurrent };

  const trendSamples = withInput.filter((m) => m.startMs > latest.startMs - options.trendMinutes * 60000);
  const slope = risingTrend(trendSamples.map((m) => ({ minute: m.startMs / 60000, rate: m.incomingRecords! / 60 })));
  const heapKnown = model.origin === 'calibration' || Object.keys(model.heapByKpus).length > 0;
  const minKpusForHeap = heapKnown ? heapSafeKpus(model, options.maxHeapUtilization) : 1;

  const lastEvent = state.events[state.events.length - 1];
  const minutesSince = lastEvent ? (ctx.nowMs - lastEvent.atMs) / 60000 : Infinity;
  // The steady input at the target utilization, or a forecast peak at the scale-up threshold (a peak
  // needs no further headroom for growth); at least enough to drain the restart's own backlog within the
  // catch-up time; plus the current backlog drained within it. The headroom of the utilization target
  // drains the restart's backlog too, so the two are not added (the calibrator's requiredCapacity).
  // A restart longer than the SLO's lag breaches it whatever the size; then the size must also bring the
  // lag back under the SLO within restartRecoveryMinutes: μ ≥ λ (1 + (D - L) / recovery).
  const overSlo = Math.max(0, restartSeconds - ctx.slo.maxLagMs / 1000);
  const required = (rate: number, backlogRecords: number, peak = 0) =>
    Math.max(
      rate / options.targetUtilization, peak / options.scaleUpUtilization,
      Math.max(rate, peak) * (1 + restartSeconds / options.catchUpSeconds),
      Math.max(rate, peak) * (1 + overSlo / (60 * options.restartRecoveryMinutes)),
    ) + backlogRecords / options.catchUpSeconds;
  const choose = (need: number) => cheapestConfiguration(model, need, Math.max(options.minKpus, minKpusForHeap), options, pricing);
  const scale = (kind: ScalingKind, need: number, reason: string, target: Candidate) => {
    const event: ScalingEvent = {
      atMs: ctx.nowMs, kind, from: current, to: target.config, reason, capacityBefore: capCurrent,
      expectedCapacity: target.capacity, effective: kind === 'scale-up' ? null : true,
    };
    return {
      decision: { action: 'scale' as const, kind, target: target.config, reason, ...base, requiredRecordsPerSecond: need },
      state: { ...state, events: [...state.events, event].slice(-MAX_EVENTS) },
    };
  };

  // Out of memory: the heap (or restarts) says this many KPUs cannot hold the state.
  const restarted = complete.some((m, i) => i > 0 && m.fullRestartsMax !== null && complete[i - 1].fullRestartsMax !== null && m.fullRestartsMax > complete[i - 1].fullRestartsMax!);
  if (nCurrent < minKpusForHeap && minKpusForHeap <= options.maxKpus) {
    const need = required(input, 0);
    const target = choose(need);
    if (target && kpusFor(target.config.parallelism, target.config.parallelismPerKpu) > nCurrent) {
      return scale('memory', need, `heap: ${nCurrent} KPUs cannot hold the state (needs ${minKpusForHeap})${restarted ? ', the job restarted' : ''}`, target);
    }
  }

  // After a reconfiguration, nothing until the new configuration has run whole minutes: the restart's
  // downtime and backlog are its own, not evidence that it is too small.
  if (lastEvent && minutesSince < 30 && lastEvent.to.parallelism === current.parallelism && lastEvent.to.parallelismPerKpu === current.parallelismPerKpu) {
    const settled = complete.filter((m) => m.startMs >= lastEvent.atMs && m.kpus === nCurrent + 1 && m.uptimeMinMs !== null && m.uptimeMinMs >= 60000).length;
    if (settled < options.settleMinutes) {
      return keep(`waiting for P=${current.parallelism} K=${current.parallelismPerKpu} to run ${options.settleMinutes} whole minutes (${settled} so far)`, base);
    }
  }

  // Scale up: input near the capacity (now, on its trend or by the daily forecast), or a growing backlog.
  const backlog = lagMs !== null ? (input * lagMs) / 1000 : 0;
  const soon = input + slope * (restartSeconds / 60 + 5);
  const forecastSoon = seasonalPeak(state.input, ctx.nowMs, (restartSeconds + 15 * 60) * 1000, options);
  // A slow restart adds more lag than it removes unless the backlog is real: then act only past half the SLO.
  const lagTrigger = overSlo > 0 ? Math.max(options.backlogLagMs, ctx.slo.maxLagMs / 2) : options.backlogLagMs;
  const lagGrowing = lagMs !== null && lagMs > lagTrigger && lagReadings.length >= 2 &&
    lagMs >= 0.95 * lagReadings[lagReadings.length - 2].lagMaxMs!;
  const upUtilization = overSlo > 0 ? Math.max(options.scaleUpUtilization, options.slowRestartScaleUpUtilization) : options.scaleUpUtilization;
  const threshold = upUtilization * capCurrent;
  const upWhy = lagGrowing ? `lag ${Math.round(lagMs!)} ms and growing`
    : soon > threshold ? `input ${round(soon)} rec/s ${soon > input ? 'soon ' : ''}above ${pct(upUtilization)} of capacity ${round(capCurrent)} rec/s`
      : forecastSoon !== null && forecastSoon > threshold ? `daily forecast ${round(forecastSoon)} rec/s within ${Math.round(restartSeconds / 60 + 15)} min above ${pct(upUtilization)} of capacity ${round(capCurrent)} rec/s`
        : null;
  if (upWhy !== null && minutesSince >= options.scaleUpCooldownMinutes) {
    const ahead = seasonalPeak(state.input, ctx.nowMs, options.scaleUpLookaheadMinutes * 60000, options);
    const projected = Math.max(input + slope * options.trendHorizonMinutes, ahead ?? 0, forecastSoon ?? 0);
    let sizeFor = Math.max(input, projected);
    let need = required(input, backlog, projected);
    let target = choose(need);
    if (state.blockedUntilMs !== null && ctx.nowMs < state.blockedUntilMs) {
      return keep(`scale-up blocked: ${state.blockedReason}`, { ...base, requiredRecordsPerSecond: need });
    }
    if (!target || target.capacity <= capCurrent * 1.001) {
      return keep(`${upWhy}, but no configuration within the limits has more capacity`, { ...base, requiredRecordsPerSecond: need });
    }
    // Sizing for the peak ahead saves the restart of a second step, but pays for KPUs the input does not
    // need yet: take the smaller step (sized for the next restart time and 15 minutes) when the KPU-hours
    // the larger size would idle until the input outgrows the smaller one exceed what a restart costs, and
    // the day's reconfigurations leave room for the second step.
    const nearRate = Math.max(input + slope * (restartSeconds / 60 + 15), forecastSoon ?? 0);
    const nearNeed = required(input, backlog, nearRate);
    const near = choose(nearNeed);
    let stepNote = '';
    if (near && near.capacity > capCurrent * 1.001) {
      const nNear = kpusFor(near.config.parallelism, near.config.parallelismPerKpu);
      const nFar = kpusFor(target.config.parallelism, target.config.parallelismPerKpu);
      const recent = state.events.filter((e) => e.atMs > ctx.nowMs - DAY_MS).length;
      if (nNear < nFar && recent + 2 < options.maxReconfigurationsPerDay) {
        const outgrows = upUtilization * near.capacity;
        const byTrend = slope > 0 ? Math.max(0, (outgrows - input) / slope) : Infinity;
        const byForecast = minutesUntilForecastAbove(state.input, ctx.nowMs, outgrows, options.scaleUpLookaheadMinutes, options) ?? Infinity;
        const minutes = Math.min(byTrend, byForecast, options.scaleUpLookaheadMinutes);
        const idleKpuHours = ((nFar - nNear) * minutes) / 60;
        const restartKpuHours = options.restartCostKpuHours +
          restartViolationMinutes(restartSeconds, ctx.slo.maxLagMs, outgrows, target.capacity) * options.sloMinutePenaltyKpuHours;
        if (idleKpuHours > restartKpuHours) {
          stepNote = `; ${nFar} KPUs would idle ${round(idleKpuHours)} KPU-hours before the input needs them, more than a restart (${round(restartKpuHours)})`;
          target = near;
          need = nearNeed;
          sizeFor = Math.max(input, nearRate);
        }
      }
    }
    const to = target.config;
    return scale('scale-up', need, `${upWhy}: sized for ${round(sizeFor)} rec/s${backlog > 0 ? ` and a backlog of ${round(backlog)} records` : ''} -> P=${to.parallelism} K=${to.parallelismPerKpu} (${round(target.capacity)} rec/s${target.capped ? ', the most the limits allow' : ''})${stepNote}`, target);
  }
  if (upWhy !== null) return keep(`${upWhy}: waiting ${options.scaleUpCooldownMinutes} min after the last reconfiguration`, base);

  // Scale down: long enough since the last change, below the hysteresis band over the window and the
  // forecast, and worth a restart.
  const windowMs = options.scaleDownStabilizationMinutes * 60000;
  const firstMs = complete.length > 0 ? complete[0].startMs : ctx.nowMs;
  if (minutesSince < options.scaleDownStabilizationMinutes || ctx.nowMs - firstMs < windowMs - 60000) return keep('within the stabilisation window', base);
  if (lagMs !== null && lagMs > options.backlogLagMs) return keep(`catching up (lag ${Math.round(lagMs)} ms)`, base);
  const windowPeak = Math.max(input, ...withInput.filter((m) => m.startMs >= ctx.nowMs - windowMs).map((m) => m.incomingRecords! / 60));
  const horizonMs = options.scaleDownHorizonHours * 3600000;
  const forecast = seasonalPeak(state.input, ctx.nowMs, horizonMs, options);
  const needRate = Math.max(windowPeak, input + slope * options.trendHorizonMinutes, forecast ?? 0);
  if (needRate >= options.scaleDownUtilization * capCurrent) return keep(`input ${round(needRate)} rec/s within the band (capacity ${round(capCurrent)} rec/s)`, base);
  const need = required(windowPeak, 0, needRate);
  const target = choose(need);
  if (!target) return keep('no smaller configuration within the limits', base);
  const nTarget = kpusFor(target.config.parallelism, target.config.parallelismPerKpu);
  if (nTarget >= nCurrent) return keep(`input ${round(needRate)} rec/s: ${nCurrent} KPUs are the fewest that serve it`, base);
  const recent = state.events.filter((e) => e.atMs > ctx.nowMs - DAY_MS).length;
  if (recent > options.maxReconfigurationsPerDay - 2) return keep(`${recent} reconfigurations in the last day: keeping room for a scale-up`, base);
  // The saving lasts until the input outgrows the smaller size (passes its scale-up threshold) on its
  // trend or by the daily forecast, and at most the horizon: a scale-down that a rising input undoes
  // within the hour saves less than its two restarts cost.
  const outgrows = options.scaleUpUtilization * target.capacity;
  const byTrend = slope > 0 ? Math.max(0, (outgrows - input) / slope) : Infinity;
  const byForecast = minutesUntilForecastAbove(state.input, ctx.nowMs, outgrows, options.scaleDownHorizonHours * 60, options) ?? Infinity;
  const savingHours = Math.min(options.scaleDownHorizonHours, byTrend / 60, byForecast / 60);
  const over = savingHours < options.scaleDownHorizonHours ? `${round(savingHours)} h, until the input outgrows it` : `${options.scaleDownHorizonHours} h`;
  const savedKpuHours = (nCurrent - nTarget) * savingHours;
  const violationMinutes = restartViolationMinutes(restartSeconds, ctx.slo.maxLagMs, needRate, target.capacity);
  const restartKpuHours = options.restartCostKpuHours + violationMinutes * options.sloMinutePenaltyKpuHours;
  if (savedKpuHours <= restartKpuHours) {
    return keep(`a scale-down to ${nTarget} KPUs saves ${round(savedKpuHours)} KPU-hours over ${over}, not worth a restart (${round(restartKpuHours)})`, base);
  }
  const to = target.config;
  return scale('scale-down', need, `input at most ${round(needRate)} rec/s for ${options.scaleDownStabilizationMinutes} min${forecast !== null ? ' and by the daily forecast' : ''}: P=${to.parallelism} K=${to.parallelismPerKpu} saves ${round(savedKpuHours)} KPU-hours over ${over}`, target);
}

/** Minutes a restart's lag (downtime, then the catch-up) stays above the SLO's limit. */
export function restartViolationMinutes(restartSeconds: number, maxLagMs: number, input: number, capacityAfter: number): number {
  const over = restartSeconds - maxLagMs / 1000;
  if (over <= 0) return 0;
  if (capacityAfter <= input) return Infinity;
  return Math.ceil((over * capacityAfter) / (capacityAfter - input) / 60);
}

interface Candidate {
  config: Configuration;
  capacity: number;
  capped: boolean;
}

/**
 * The fewest KPUs (then the most capacity) whose predicted capacity meets `need`; when none does, the
 * smallest configuration within 0.5% of the most capacity the limits allow. Null when no configuration
 * is within the limits at all.
 */
export function cheapestConfiguration(model: JobModel, need: number, minKpus: number, options: AutoscalerOptions, pricing: Pricing = DEFAULT_PRICING): Candidate | null {
  let best: Candidate | null = null;
  const all: Array<Candidate & { kpus: number }> = [];
  for (let n = Math.max(1, minKpus); n <= options.maxKpus; n++) {
    if (options.maxCostPerHourUsd !== null && costOf(n, pricing).perHourUsd > options.maxCostPerHourUsd) break;
    for (const k of PARALLELISM_PER_KPU_VALUES) {
      const p = Math.min(n * k, options.maxParallelism);
      if (kpusFor(p, k) !== n) continue;
      const cap = predictCapacity(model, p, k).recordsPerSecond;
      all.push({ config: { parallelism: p, parallelismPerKpu: k }, capacity: cap, capped: false, kpus: n });
      if (cap >= need && (!best || cap > best.capacity)) best = { config: { parallelism: p, parallelismPerKpu: k }, capacity: cap, capped: false };
    }
    if (best) return best;
  }
  if (all.length === 0) return null;
  const most = Math.max(...all.map((c) => c.capacity));
  const enough = all.filter((c) => c.capacity >= most * 0.995).sort((a, b) => a.kpus - b.kpus || b.capacity - a.capacity)[0];
  return { config: enough.config, capacity: enough.capacity, capped: true };
}

/**
 * The minutes not yet seen refine the model (at the configuration they ran at), the input history and
 * the restart downtime; the newest scale-up is judged once a backlogged minute at its configuration shows
 * what it really delivers.
 */
function learn(ctx: PolicyContext, previous: AutoscalerState, options: AutoscalerOptions): AutoscalerState {
  let model = previous.model;
  let input = previous.input;
  let lastLearnedMs = previous.lastLearnedMs;
  const config = { parallelism: ctx.application.parallelism, parallelismPerKpu: ctx.application.parallelismPerKpu };
  const complete = ctx.metrics.filter((m) => m.startMs + 60000 <= ctx.nowMs);
  for (const m of complete) {
    if (lastLearnedMs !== null && m.startMs <= lastLearnedMs) continue;
    model = learnMinute(model, m, config, options);
    if (m.incomingRecords !== null) input = recordInput(input, m.startMs, m.incomingRecords / 60, options);
    lastLearnedMs = m.startMs;
  }
  // The longest outage that has ended (a running minute after it) is what a restart costs.
  let outage = 0;
  let ended = false;
  for (let i = complete.length - 1; i >= 0; i--) {
    const m = complete[i];
    if (m.consumed !== null && outage === 0) ended = true;
    if (m.downtimeMaxMs !== null && m.downtimeMaxMs > 0 && ended) outage = Math.max(outage, m.downtimeMaxMs / 1000);
  }
  if (outage > 0) model = { ...model, downtimeSeconds: outage, downtimeMeasured: true };

  let { blockedUntilMs, blockedReason } = previous;
  if (blockedUntilMs !== null && ctx.nowMs >= blockedUntilMs) {
    blockedUntilMs = null;
    blockedReason = null;
    model = { ...model, throughputCeiling: null };
  }
  const events = [...previous.events];
  const last = events[events.length - 1];
  if (last && last.kind === 'scale-up' && last.effective === null) {
    const n = kpusFor(last.to.parallelism, last.to.parallelismPerKpu);
    const after = complete.filter((m) => m.startMs >= last.atMs && m.kpus === n + 1 && m.uptimeMinMs !== null && m.uptimeMinMs >= 60000 && m.consumed !== null);
    const backlogged = after.filter((m) => m.lagMinMs !== null && m.lagMinMs >= 2000);
    const caughtUp = after.filter((m) => m.lagMaxMs !== null && m.lagMaxMs < 2000);
    if (backlogged.length >= 2) {
      const seen = backlogged.slice(-2).reduce((a, m) => a + m.consumed!, 0) / 2;
      const promised = last.expectedCapacity - last.capacityBefore;
      const effective = seen >= last.capacityBefore + options.minEffectiveGain * promised;
      events[events.length - 1] = { ...last, effective };
      if (!effective) {
        const busiest = backlogged[backlogged.length - 1];
        const hot = busiest.busyMax !== null && busiest.busyAvg !== null && busiest.busyMax >= 950 && busiest.busyAvg < 0.7 * busiest.busyMax;
        blockedReason = `the scale-up to P=${last.to.parallelism} K=${last.to.parallelismPerKpu} did not raise the throughput (${round(seen)} rec/s, ${round(last.expectedCapacity)} expected): ` +
          (hot ? 'hot key (one subtask saturated while the others idle)' : 'stream-bound or a downstream limit (the subtasks are not busy)');
        blockedUntilMs = ctx.nowMs + options.ineffectiveBlockMinutes * 60000;
        model = { ...model, throughputCeiling: seen * 1.02 };
      }
    } else if (caughtUp.length >= 2) {
      events[events.length - 1] = { ...last, effective: true };
    }
  }
  return { ...previous, model, input, lastLearnedMs, events, blockedUntilMs, blockedReason };
}

function round(x: number): number {
  return x >= 100 ? Math.round(x) : Math.round(x * 10) / 10;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

