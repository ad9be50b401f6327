/**
 * Step 4 of the loop (decide): from the fitted model and the trials so far, either the next configuration
 * to try or the answer. The objective is docs/calibration.md's: the fewest KPUs whose capacity covers the peak
 * with headroom and catch-up, heap within the SLO, within the limits; among those the largest capacity.
 *
 * Every configuration is one of
 *   excluded  a trial failed it, or even the model's most optimistic corner (every parameter at the
 *             favourable end of its range, noise included) misses the requirement or the heap limit;
 *   likely    the model's point estimate meets it with the margin;
 *   possible  neither.
 * The answer is a configuration whose own trial passed at n KPUs with every configuration below n
 * excluded. Until then the next trial is the most capable configuration at the fewest KPUs that is likely
 * feasible or, once one passed, at one KPU fewer ("verify that one KPU fewer does not suffice").
 */
import type { Configuration, Slo, Trial } from '../report-types';
import { capacity, resourceOf, type Bottleneck } from './capacity-model';
import { bindingConstraints, bottleneckLabel, describeConstraint, type BindingConstraint, type JobAt } from './binding-constraints';
import { kpusFor, layoutKey } from '../../core/managed-flink';
import { streamReadLimit } from '../../core/aws-facts';
import { fitModel, jobAt, predictCapacity, requirementRange, trialCapacity, type ModelFit, type Range } from './model-fitter';
import type { AlgorithmOptions } from './options';
import { HEAP_MB_PER_KPU, MAX_PARALLELISM_PER_KPU } from '../../core/aws-facts';
import type { TrialObservation } from './observation';
import { assessStream, type StreamAssessment, type StreamProbe } from './stream-advice';
import { fmt, fmtPair, versus } from './wording';

export { fmtPair };

export interface DecisionInput {
  observations: TrialObservation[];
  peak: number;
  recordBytes: number;
  shards: number;
  slo: Slo;
  limits: { maxKpu: number; maxParallelism: number };
  options: AlgorithmOptions;
  /** The write probe made before the peak saturated the shards, if one was needed. */
  streamProbe?: StreamProbe;
}

export interface TrialAssessment {
  verdict: Trial['verdict'];
  reason: string;
  capacity: number | null;
  method: string;
  memoryBound: boolean;
  /** Passed on capacity measured while the backlog was still draining (not yet caught up). */
  draining: boolean;
}

export interface Candidate extends Configuration {
  capacity: Range;
  bottleneck: Bottleneck;
  heapUtilization: Range;
}

export type Decision =
  | { kind: 'trial'; config: Candidate; purpose: string; fit: ModelFit; stream: StreamAssessment; required: Range }
  | {
    kind: 'done';
    verdict: 'recommended' | 'stream-bound' | 'infeasible-within-limits';
    recommendation: (Configuration & { capacity: number; method: string }) | null;
    /** Why one KPU fewer than the recommendation cannot do (a trial, or the model with its numbers). */
    fewerExcluded?: string;
    bottleneck: string;
    /** Every constraint that binds, with its numbers; the dominant one first among the stream's, then the job's. */
    constraints: BindingConstraint[];
    explanation: string;
    fit: ModelFit;
    stream: StreamAssessment;
    required: Range;
  };

/**
 * A trial judged with everything known now (the downtime measured later may raise the requirement).
 * `final`: the trial is over, so a capacity within the noise of the requirement counts as failing — a
 * recommendation must be feasible, not probably feasible.
 */
export function assessTrial(obs: TrialObservation, fit: ModelFit, input: Pick<DecisionInput, 'peak' | 'slo' | 'options'> & { sizingShards?: number }, final = true): TrialAssessment {
  const required = requirementRange(input.peak, input.slo, fit).mid;
  const heapLimit = input.slo.maxHeapUtilization * 100;
  const cap = trialCapacity(obs, fit, streamReadLimit(Math.max(obs.shards, input.sizingShards ?? 0), obs.recordBytes), input.options);
  const capacity = cap?.recordsPerSecond ?? null;
  const method = cap?.method ?? 'none';
  const base = { capacity, method, memoryBound: false, draining: false };
  if (obs.fullRestarts > 0) {
    return { ...base, verdict: 'fail', memoryBound: true, reason: `${obs.fullRestarts} out-of-memory restart(s), heap ${fmt(obs.heapUtilization ?? 100)}%: memory-bound, needs more KPUs` };
  }
  if (obs.heapUtilization !== null && obs.heapUtilization > heapLimit) {
    return { ...base, verdict: 'fail', memoryBound: true, reason: `heap ${fmt(obs.heapUtilization)}% per KPU above the ${fmt(heapLimit)}% SLO: memory-bound` };
  }
  if (capacity === null || cap === null) {
    return { ...base, verdict: 'inconclusive', reason: 'no whole minute of the job running to measure' };
  }
  const m = cap.relativeMargin;
  if (capacity >= required * (1 + m)) {
    if (obs.caughtUp) {
      return { ...base, verdict: 'pass', reason: `capacity ${versus(capacity, '>=', required)}; caught up, lag ${fmt(obs.finalLagMs ?? 0)} ms` };
    }
    // The backlog shrinks when the lag falls, or — the lag may read 0 while the job works off what it
    // fetched ahead — when consumption at capacity exceeds what the stream takes in.
    const intake = obs.acceptedRecordsPerSecond;
    const outpaces = obs.backlogCapacity !== null && intake !== null && obs.backlogCapacity > intake * (1 + m);
    if (obs.backloggedMinutes >= input.options.minTrialMinutes && (obs.lagSlope < 0 || outpaces)) {
      const how = obs.lagSlope < 0 ? `lag falls ${(-obs.lagSlope).toFixed(2)} ms/ms` : `consumed ~${fmt(obs.backlogCapacity!)}/s of an intake of ~${fmt(intake!)}/s`;
      const [c, r] = fmtPair(capacity, required);
      return { ...base, verdict: 'pass', draining: true, reason: `capacity ~${c}/s measured while draining the backlog (${how}) >= required ${r}/s` };
    }
    return { ...base, verdict: 'inconclusive', reason: `capacity ~${fmt(capacity)}/s would suffice but the lag had not settled` };
  }
  if (capacity >= required * (1 - m) && !final) {
    const [c, r] = fmtPair(capacity, required);
    return { ...base, verdict: 'inconclusive', reason: `capacity ~${c}/s within the noise (±${(m * 100).toFixed(1)}%) of the required ${r}/s` };
  }
  if (capacity < input.peak) {
    // The lag alone can read 0 while records pile up inside the job (fetched ahead, not processed).
    const growth = obs.lagSlope > 0
      ? `lag grows ${obs.lagSlope.toFixed(2)} ms/ms`
      : `records pile up although the lag reads ${fmt(obs.finalLagMs ?? 0)} ms (a backlog within the source's fetch-ahead does not show in millisBehindLatest)`;
    return { ...base, verdict: 'fail', reason: `capacity ${versus(capacity, '<', input.peak, 'peak')}: ${growth}` };
  }
  const [c, r] = fmtPair(capacity, required);
  return {
    ...base, verdict: 'fail',
    reason: `capacity ~${c}/s keeps up but is not clearly above the required ${r}/s (headroom for ${fmt(input.slo.targetUtilization * 100)}% utilization and catch-up after a ${fmt(fit.downtimeSeconds.mid)} s update)`,
  };
}

/** Every (P, k) with n KPUs within the limits. */
export function configurationsWith(n: number, limits: DecisionInput['limits']): Array<{ parallelism: number; parallelismPerKpu: number }> {
  const out: Array<{ parallelism: number; parallelismPerKpu: number }> = [];
  for (let k = 1; k <= MAX_PARALLELISM_PER_KPU; k++) {
    for (let p = (n - 1) * k + 1; p <= Math.min(n * k, limits.maxParallelism); p++) {
      if (kpusFor(p, k) === n) out.push({ parallelism: p, parallelismPerKpu: k });
    }
  }
  return out;
}

export function decide(input: DecisionInput): Decision {
  const { observations, peak, slo, limits, options } = input;
  const fit = fitModel(observations, options);
  const required = requirementRange(peak, slo, fit);
  const stream = assessStream(observations, input.shards, peak, input.recordBytes, required.mid, input.streamProbe);
  // When the stream is what limits, the application is sized for the stream it is advised to have.
  const sizingShards = Math.max(input.shards, stream.requiredShards);
  const source = streamReadLimit(sizingShards, input.recordBytes);
  const m = Math.max(options.minRelativeMargin, fit.margin);
  const heapLimitMb = slo.maxHeapUtilization * HEAP_MB_PER_KPU;
  // One key per application layout, so P=1 K=2 is the trial P=1 K=1 already was (on the real job a
  // calibration spent two of its trials learning that).
  const key = layoutKey;

  const assessed = observations.map((o) => ({ o, a: assessTrial(o, fit, { ...input, sizingShards }) }));
  const tried = new Set(observations.map(key));
  const failed = new Set(assessed.filter((x) => x.a.verdict === 'fail').map((x) => key(x.o)));
  const passed = assessed.filter((x) => x.a.verdict === 'pass');

  const candidatesAt = (n: number): Candidate[] => {
    const heap = fit.heapMbAt(n);
    const heapUtilization = { lo: heap.lo / HEAP_MB_PER_KPU, mid: heap.mid / HEAP_MB_PER_KPU, hi: heap.hi / HEAP_MB_PER_KPU };
    return configurationsWith(n, limits).map((c) => {
      const cap = predictCapacity(fit, c.parallelism, c.parallelismPerKpu, source);
      return { ...c, kpus: n, capacity: { lo: cap.lo, mid: cap.mid, hi: cap.hi }, bottleneck: cap.midDetail.bottleneck, heapUtilization };
    });
  };
  // Excluding is safe with the optimistic corner alone: it can cost a cheaper answer, never a wrong one.
  const excluded = (c: Candidate) =>
    failed.has(key(c)) || c.capacity.hi < required.lo || c.heapUtilization.lo * HEAP_MB_PER_KPU > heapLimitMb;
  const likely = (c: Candidate) => c.capacity.mid >= required.mid * (1 + m) && c.heapUtilization.mid <= slo.maxHeapUtilization;
  /** Most capable first; near-ties (within the margin) go to fewer subtasks per KPU, then fewer subtasks. */
  const byCapability = (a: Candidate, b: Candidate) => {
    if (Math.abs(a.capacity.mid - b.capacity.mid) > m * Math.max(a.capacity.mid, b.capacity.mid)) return b.capacity.mid - a.capacity.mid;
    return a.parallelismPerKpu - b.parallelismPerKpu || a.parallelism - b.parallelism;
  };

  let nMinPossible: number | undefined;
  let nLikely: number | undefined;
  const open = new Map<number, Candidate[]>();
  for (let n = 1; n <= limits.maxKpu; n++) {
    const cands = candidatesAt(n).filter((c) => !excluded(c)).sort(byCapability);
    if (cands.length === 0) continue;
    open.set(n, cands);
    nMinPossible ??= n;
    if (nLikely === undefined && cands.some(likely)) nLikely = n;
    if (nLikely !== undefined) break;
  }
  const nPass = passed.length > 0 ? Math.min(...passed.map((x) => x.o.kpus)) : undefined;
  const verdictIfFound = stream.throttled || stream.requiredShards > input.shards ? 'stream-bound' as const : 'recommended' as const;
  // A hot key is named only when the trials show it for sure: a share whose range reaches 0 is noise, and
  // so is one a caught-up trial (an exact reading) saw as none — a key shows in every such trial, while a
  // spread of busy times from second-to-second variation shows in some. Naming only: the model keeps the
  // fitted share for sizing.
  const hotKeyEvident = fit.measured.hotKeyShare && fit.hotKeyShare.lo > 0
    && observations.every((o) => !o.hotKeyShareExact || (o.hotKeyShare ?? 0) > 0);
  const jobAtConfig = (c: { parallelism: number; parallelismPerKpu: number }, recommended: boolean, measured?: number): JobAt => {
    const mid = jobAt(fit, 'mid');
    const withKey = capacity(hotKeyEvident ? mid : { ...mid, hotKeyShare: 0 }, c.parallelism, c.parallelismPerKpu, source);
    const withoutKey = capacity({ ...mid, hotKeyShare: 0 }, c.parallelism, c.parallelismPerKpu, source);
    const k = fit.capacityCorrection;
    const jHot = c.parallelism >= c.parallelismPerKpu ? c.parallelismPerKpu : c.parallelism;
    return {
      ...c,
      estimate: { ...withKey, computeBound: withKey.computeBound * k, hotKeyBound: withKey.hotKeyBound * k, recordsPerSecond: withKey.recordsPerSecond * k },
      withoutKey: { computeBound: withoutKey.computeBound * k, hotKeyBound: withoutKey.hotKeyBound * k },
      hotKeyShare: mid.hotKeyShare, hotKeyEvident, resource: resourceOf(mid, jHot) === 'io' ? 'io' : 'cpu', recommended, measured,
    };
  };
  const bottleneckOf = (c: { parallelism: number; parallelismPerKpu: number }) => jobAtConfig(c, true).estimate.bottleneck;
  const constraintsFor = (job: JobAt | undefined, memory?: { heapPercent: number; maxPercent: number; kpus: number }) =>
    bindingConstraints({ peak, stream, readLimit: streamReadLimit(input.shards, input.recordBytes), requiredCapacity: required.mid, job, memory });
  const memoryLimited = assessed.some((x) => x.a.memoryBound);
  /** Memory is the reason for n KPUs when even the heap's most favourable reading rules out n - 1. */
  const heapRulesOut = (n: number) => n >= 1 && fit.heapMbAt(n).lo > heapLimitMb;

  const finish = (best: { o: TrialObservation; a: TrialAssessment } | undefined, note: string, fewerExcluded?: string): Decision => {
    if (!best) {
      const most = mostCapable();
      const heapShort = most !== undefined && most.heapUtilization.mid > slo.maxHeapUtilization;
      const constraints = constraintsFor(
        most && jobAtConfig(most, false),
        heapShort ? { heapPercent: most.heapUtilization.mid * 100, maxPercent: slo.maxHeapUtilization * 100, kpus: most.kpus } : undefined,
      );
      const jobSide = constraints.find((c) => c.kind === 'hot-key-subtask' || c.kind === 'compute');
      return {
        kind: 'done', verdict: stream.throttled ? 'stream-bound' : 'infeasible-within-limits', recommendation: null,
        bottleneck: memoryLimited || heapShort ? 'memory' : jobSide ? bottleneckLabel(jobSide) : 'capacity',
        constraints, explanation: `${infeasibleExplanation(most, constraints)}${note}`, fit, stream, required,
      };
    }
    const c = { parallelism: best.o.parallelism, parallelismPerKpu: best.o.parallelismPerKpu, kpus: best.o.kpus };
    if (stream.cause === 'hot-partition-key') {
      // No stream accepts the peak, so no configuration can be feasible; say what the job would need once the key is spread.
      return {
        kind: 'done', verdict: 'stream-bound', recommendation: null, bottleneck: 'stream', fit, stream, required,
        constraints: constraintsFor(jobAtConfig(c, true, best.a.capacity!)),
        explanation: `${stream.explanation}; with the key spread, P=${c.parallelism}, ParallelismPerKPU=${c.parallelismPerKpu} (${c.kpus} KPU) would carry ~${fmt(best.a.capacity!)}/s against the required ${fmt(required.mid)}/s`,
      };
    }
    const memoryBound = heapRulesOut(c.kpus - 1);
    const bottleneck = verdictIfFound === 'stream-bound' ? 'stream' : memoryBound ? 'memory' : bottleneckOf(c);
    const memoryNote = memoryBound ? `; memory-bound: the heap per KPU (base + state / KPUs) needs ${c.kpus} KPUs` : '';
    const fewer = fit.heapMbAt(c.kpus - 1).lo / HEAP_MB_PER_KPU;
    const constraints = constraintsFor(
      jobAtConfig(c, true, best.a.capacity!),
      memoryBound ? { heapPercent: fewer * 100, maxPercent: slo.maxHeapUtilization * 100, kpus: c.kpus - 1 } : undefined,
    );
    return {
      kind: 'done', verdict: verdictIfFound,
      recommendation: { ...c, capacity: best.a.capacity!, method: best.a.method },
      bottleneck, constraints,
      explanation: `${verdictIfFound === 'stream-bound' ? `${stream.explanation}; once it does, ` : ''}${c.kpus} KPU(s) (P=${c.parallelism}, ParallelismPerKPU=${c.parallelismPerKpu}) carry ~${fmt(best.a.capacity!)}/s against the required ${fmt(required.mid)}/s; ${fewerExcluded ?? (c.kpus === 1 ? 'no fewer KPUs exist' : `${c.kpus - 1} KPU(s) were not verified`)}${memoryNote}${note}`,
      fewerExcluded, fit, stream, required,
    };
  };

  /** The configuration within the limits the model expects to carry the most. */
  function mostCapable(): Candidate | undefined {
    let best: Candidate | undefined;
    for (let n = limits.maxKpu; n >= Math.max(1, limits.maxKpu - 1); n--) {
      for (const c of candidatesAt(n)) if (!best || c.capacity.mid > best.capacity.mid) best = c;
    }
    return best;
  }

  function infeasibleExplanation(best: Candidate | undefined, constraints: BindingConstraint[]): string {
    if (!best) return 'no configuration exists within the limits';
    const heap = best.heapUtilization.mid;
    if (heap > slo.maxHeapUtilization) {
      return `memory-bound: heap per KPU ~${fmt(heap * 100)}% at the ${limits.maxKpu}-KPU limit, above the ${fmt(slo.maxHeapUtilization * 100)}% SLO`;
    }
    const [reach, need] = fmtPair(best.capacity.mid, required.mid);
    // Name what holds it back: the hot-key subtask, compute, or both.
    const why = constraints.filter((c) => c.kind === 'hot-key-subtask' || c.kind === 'compute').map((c) => describeConstraint(c));
    return `the most capable configuration within the limits (P=${best.parallelism}, ParallelismPerKPU=${best.parallelismPerKpu}, ${best.kpus} KPUs) reaches ~${reach}/s, under the required ${need}/s${why.length > 0 ? `; ${why.join('; ')}` : ''}`;
  }

  /** Why n KPUs cannot do: a trial measured it, or the model's optimistic corner falls short (with numbers). */
  function whyNotFewer(n: number): string {
    const all = candidatesAt(n);
    const failedHere = assessed.filter((x) => x.o.kpus === n && x.a.verdict === 'fail');
    const heapLo = all[0]?.heapUtilization.lo ?? 0;
    if (heapLo * HEAP_MB_PER_KPU > heapLimitMb) {
      return `${n} KPU(s) excluded: heap per KPU at least ${fmt(heapLo * 100)}% > ${fmt(slo.maxHeapUtilization * 100)}%`;
    }
    const untried = all.filter((c) => !failed.has(key(c))).sort((a, b) => b.capacity.hi - a.capacity.hi)[0];
    const measured = failedHere.map((x) => `P=${x.o.parallelism}/K=${x.o.parallelismPerKpu} measured ~${fmt(x.a.capacity ?? 0)}/s`).join(', ');
    const modelled = untried
      ? `the model's most optimistic ${n}-KPU configuration (P=${untried.parallelism}, K=${untried.parallelismPerKpu}) reaches at most ${versus(untried.capacity.hi, '<', required.lo)}`
      : '';
    return `${n} KPU(s) excluded: ${[measured && `tried ${measured}`, modelled].filter(Boolean).join('; ')}`;
  }

  const bestPassedAt = (n: number) =>
    passed.filter((x) => x.o.kpus === n).sort((a, b) => (b.a.capacity ?? 0) - (a.a.capacity ?? 0))[0];
  const trialsLeft = observations.length < options.maxTrials;
  const trial = (config: Candidate, purpose: string): Decision => ({ kind: 'trial', config, purpose, fit, stream, required });

  if (nPass !== undefined && (nMinPossible === undefined || nPass <= nMinPossible)) {
    const best = bestPassedAt(nPass);
    const untriedAt = (n: number) => candidatesAt(n).filter((c) => !excluded(c) && !tried.has(key(c))).sort(byCapability);
    const better = untriedAt(nPass)[0];
    if (trialsLeft && better && better.capacity.lo > (best.a.capacity ?? 0) * (1 + m)) {
      return trial(better, `more capacity at the same ${nPass} KPU(s): the model expects ~${fmt(better.capacity.mid)}/s vs ~${fmt(best.a.capacity ?? 0)}/s measured`);
    }
    if (trialsLeft && !fit.measured.downtime) {
      // Only the running configuration was seen: the catch-up requirement needs one update's downtime.
      const probe = better ?? untriedAt(nPass + 1)[0];
      if (probe) return trial(probe, 'measure the downtime of an update (the catch-up requirement) on the most capable alternative');
    }
    return finish(best, '', nPass > 1 ? whyNotFewer(nPass - 1) : undefined);
  }
  if (nMinPossible === undefined) return finish(undefined, '');
  if (!trialsLeft) {
    return finish(nPass !== undefined ? bestPassedAt(nPass) : undefined, `; stopped after ${observations.length} trials`);
  }

  // Where to look next: the model's best guess, or one KPU under the smallest that passed.
  let targetN: number;
  let purpose: string;
  if (nPass === undefined) {
    targetN = nLikely ?? Math.max(...open.keys());
    purpose = nLikely !== undefined ? `fewest KPUs the model expects to suffice` : `most capable configuration still possible`;
  } else if (nLikely !== undefined && nLikely < nPass) {
    targetN = nLikely;
    purpose = `the model now expects ${nLikely} KPU(s) to suffice`;
  } else {
    targetN = Math.max(...[...open.keys()].filter((n) => n < nPass));
    purpose = `verify that ${targetN} KPU(s) do not suffice (the model cannot exclude it by a clear margin)`;
  }
  if (!open.has(targetN)) {
    // The loop above stops at the first likely n; the target may lie beyond what it collected.
    const cands = candidatesAt(targetN).filter((c) => !excluded(c)).sort(byCapability);
    if (cands.length > 0) open.set(targetN, cands);
  }
  const next = (open.get(targetN) ?? []).find((c) => !tried.has(key(c)));
  if (next) return trial(next, purpose);
  // Everything plausible at that size was tried: the smallest passing answer stands.
  return finish(nPass !== undefined ? bestPassedAt(nPass) : undefined, '');
}
