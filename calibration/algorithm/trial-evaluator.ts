/**
 * Step 2 of the loop (evaluate): a trial's minute samples reduced to what they say about the job, DS2
 * style — per-record times from useful (busy) time and CPU, not from guessing at lag:
 *   c_k = cpuUtilization n 1000 / (100 consumed)               CPU ms per record on a KPU of k subtasks
 *   t   = busyTimeMsPerSecond(Average) P / consumed              mean of (c_j + w) over records
 *   s   = busyTimeMsPerSecond(Maximum) / (Average P)             the busiest subtask's share, h = (sP - 1) / (P - 1)
 *   μ   = consumption while a backlog remains                    the capacity itself
 * Caught-up minutes are preferred for the ratios: there consumption is the offered load, free of the
 * per-second noise that inflates Maximum and of the 100% / 1000 ms ceilings.
 */
import type { MinuteSample, TrialObservation, TrialSetting } from './observation';

export interface TrialContext extends TrialSetting {
  /** Epoch ms from which the job runs the trial's configuration (RUNNING seen after the update). */
  runningSinceMs: number;
  /** fullRestarts before the trial began (the metric is cumulative). */
  restartsBefore: number;
  /** Update downtime measured by polling DescribeApplication, seconds (null when no update). */
  polledDowntimeSeconds: number | null;
  caughtUpLagMs: number;
}

/** A minute the job ran whole on the trial's configuration: the only ones the estimates use. */
export function isClean(s: MinuteSample, ctx: TrialContext, restartsBefore: number): boolean {
  if (s.startMs < ctx.runningSinceMs) return false;
  if (s.consumed === null || s.lagMaxMs === null) return false;
  if (s.downtimeMaxMs !== null && s.downtimeMaxMs > 0) return false;
  if (s.fullRestartsMax !== null && s.fullRestartsMax > restartsBefore) return false;
  return true;
}

/**
 * Records waited the whole minute, so consumption there is the capacity μ. The lag alone cannot say so:
 * millisBehindLatest counts from the last record *fetched*, and the job holds up to a GetRecords page per
 * shard fetched but unprocessed (docs/twin-model.md section 4), so a backlog that fits in it reads 0.
 * Evidence, one is enough:
 * - lag Minimum > 0: the source never reached the stream's tip;
 * - `hiddenBacklog`: consumption and the stream's intake show it (see `evaluateTrial`).
 */
export function isBacklogged(s: MinuteSample, hiddenBacklog = false): boolean {
  return (s.lagMinMs !== null && s.lagMinMs > 0) || hiddenBacklog;
}

/** Consumption within this fraction of the accepted input counts as keeping pace (noise never reaches it). */
const STEADY_TOLERANCE = 0.002;

/** What the stream took in this minute, records/s: IncomingRecords, or the load driver's rate without a datapoint. */
export function intakeRate(s: MinuteSample, ctx: Pick<TrialContext, 'offeredRecordsPerSecond'>): number {
  return s.incomingRecords !== null ? s.incomingRecords / 60 : ctx.offeredRecordsPerSecond;
}

/**
 * The job consumed measurably less than the stream took in: records piled up this minute, whatever the
 * lag says. A lag of 0 is never proof of keeping up.
 */
export function isFallingBehind(s: MinuteSample, ctx: Pick<TrialContext, 'offeredRecordsPerSecond'>): boolean {
  if (s.consumed === null) return false;
  const input = intakeRate(s, ctx);
  return input > 0 && s.consumed < input * (1 - STEADY_TOLERANCE);
}

/** The job consumed measurably more than the stream took in: it was working off records that waited. */
export function isDraining(s: MinuteSample, ctx: Pick<TrialContext, 'offeredRecordsPerSecond'>): boolean {
  if (s.consumed === null) return false;
  const input = intakeRate(s, ctx);
  return s.consumed > input * (1 + STEADY_TOLERANCE);
}

/** Caught up all minute: lag under the threshold and consumption equal to the stream's accepted input. */
export function isSteady(s: MinuteSample, ctx: Pick<TrialContext, 'caughtUpLagMs' | 'offeredRecordsPerSecond'>): boolean {
  if (isBacklogged(s) || s.lagMaxMs === null || s.lagMaxMs >= ctx.caughtUpLagMs || s.consumed === null) return false;
  const input = intakeRate(s, ctx);
  return input > 0 && Math.abs(s.consumed - input) <= STEADY_TOLERANCE * input;
}

/** `trialSamples`: the minutes from the trial's start (its update included) to now, oldest first. */
export function evaluateTrial(trialSamples: MinuteSample[], ctx: TrialContext): TrialObservation {
  const { parallelism: p, kpus: n } = ctx;
  const restarts = Math.max(0, ...trialSamples.map((s) => s.fullRestartsMax ?? 0)) - ctx.restartsBefore;
  // A restart makes the minutes after it unclean until the next restart-free stretch; track the count so far.
  const clean: MinuteSample[] = [];
  let seenRestarts = ctx.restartsBefore;
  for (const s of trialSamples) {
    if (isClean(s, ctx, seenRestarts)) clean.push(s);
    if (s.fullRestartsMax !== null) seenRestarts = Math.max(seenRestarts, s.fullRestartsMax);
  }
  // Backlogged at lag 0 (the backlog within the fetch-ahead), when records waited from the minute's start to
  // its end. A minute falling behind ends with records waiting; it began with some when the minute before
  // showed lag, fell behind too, or had the job down. A minute draining began with records waiting; it
  // ended with some when the minute after it still drains or shows lag. The first minute of falling
  // behind and the last of draining may mix keeping up with being at capacity: they are left out of μ
  // (and are not caught up either). Consumption never exceeds the capacity, so these samples of μ can
  // only err low.
  const adjacent = (i: number, j: number) => j >= 0 && j < trialSamples.length && trialSamples[j].startMs === trialSamples[i].startMs + (j - i) * 60000;
  const hiddenBacklog = (i: number) => {
    const s = trialSamples[i];
    if (isFallingBehind(s, ctx)) {
      const before = trialSamples[i - 1];
      return adjacent(i, i - 1) && (isBacklogged(before) || isFallingBehind(before, ctx) || (before.downtimeMaxMs ?? 0) > 0);
    }
    if (isDraining(s, ctx)) {
      const after = trialSamples[i + 1];
      return adjacent(i, i + 1) && (isBacklogged(after) || isDraining(after, ctx));
    }
    return false;
  };
  const backlogged = clean.filter((s) => isBacklogged(s, hiddenBacklog(trialSamples.indexOf(s))));
  // Steady minutes: caught up the whole minute, so consumption equals what the stream accepted.
  const caughtUp = clean.filter((s) => isSteady(s, ctx));
  // Ratios from steady minutes (exact), else from backlogged ones (noisy, corrected); a minute that
  // changes state halfway (the end of a catch-up) mixes two regimes and fakes a hot key.
  const ratioSource = caughtUp.length > 0 ? caughtUp : backlogged.length > 0 ? backlogged : clean;
  const hotSource = caughtUp.length > 0 ? caughtUp : backlogged;
  const cpuPerMinute = ratioSource
    .filter((s) => s.cpu !== null && s.consumed! > 0)
    .map((s) => (s.cpu! * n * 10) / s.consumed!);
  const msPerMinute = ratioSource
    .filter((s) => s.busyAvg !== null && s.consumed! > 0)
    .map((s) => (s.busyAvg! * p) / s.consumed!);
  const hotShares = p > 1 && p % ctx.parallelismPerKpu === 0
    ? hotSource.filter((s) => s.busyAvg && s.busyMax !== null && s.busyMin !== null).map((s) =>
      hotShareFromBusy(s.busyMax! / s.busyAvg!, s.busyMin! / s.busyAvg!, p, true))
    : [];

  const mus = backlogged.map((s) => s.consumed!);
  const muMean = mean(mus);
  const hotForNoise = mean(hotShares) ?? 0;
  const noise = median(backlogged.filter((s) => s.busyAvg && s.busyMin !== null).map((s) => noiseFromBusyMinimum(s.busyMin! / s.busyAvg!, hotForNoise)));
  // A minute's mean consumption carries the per-second noise divided by sqrt(60).
  const muError = Math.max(relStdError(mus) ?? 0, noise !== null && mus.length > 0 ? noise / Math.sqrt(60 * mus.length) : 0);
  const relErrors = [relStdError(cpuPerMinute), relStdError(msPerMinute)].filter((e): e is number => e !== null);

  const downtimes = trialSamples.map((s) => s.downtimeMaxMs ?? 0).filter((d) => d > 0);
  const measuredDowntime = downtimes.length > 0 ? Math.max(...downtimes) / 1000 : null;

  const running = trialSamples.filter((s) => s.startMs >= ctx.runningSinceMs && s.lagAvgMs !== null);
  const last = running.length > 0 ? running[running.length - 1] : null;
  const tail = running.slice(-2);
  const heaps = trialSamples.map((s) => s.heapMax).filter((h): h is number => h !== null);
  const heap = heaps.length > 0 ? Math.max(...heaps) : null;
  const streamMinutes = trialSamples.filter((s) => s.startMs >= ctx.runningSinceMs && s.incomingRecords !== null);

  return {
    parallelism: p,
    parallelismPerKpu: ctx.parallelismPerKpu,
    kpus: n,
    offeredRecordsPerSecond: ctx.offeredRecordsPerSecond,
    recordBytes: ctx.recordBytes,
    shards: ctx.shards,
    cleanMinutes: clean.length,
    backloggedMinutes: backlogged.length,
    caughtUpMinutes: caughtUp.length,
    perSecondNoise: noise,
    consumedRecordsPerSecond: mean(clean.map((s) => s.consumed!)),
    backlogCapacity: muMean,
    backlogCapacityRelError: mus.length > 0 ? muError : null,
    cpuMsPerRecord: mean(cpuPerMinute),
    msPerRecord: mean(msPerMinute),
    hotSubtaskShare: mean(hotShares.map((h) => h + (1 - h) / p)),
    hotKeyShare: mean(hotShares),
    hotKeyShareExact: hotShares.length > 0 && caughtUp.length > 0,
    estimateRelError: relErrors.length > 0 ? Math.max(...relErrors) : 0,
    cpuRelError: relStdError(cpuPerMinute),
    msRelError: relStdError(msPerMinute),
    heapUtilization: heap,
    heapAtCeiling: heap !== null && heap >= 99.999,
    fullRestarts: restarts,
    downtimeSeconds: measuredDowntime ?? ctx.polledDowntimeSeconds,
    acceptedRecordsPerSecond: streamMinutes.length > 0 ? mean(streamMinutes.map((s) => s.incomingRecords! / 60)) : null,
    writeThrottledPerSecond: streamMinutes.length > 0 ? mean(streamMinutes.map((s) => (s.writeThrottled ?? 0) / 60)) : null,
    maxLagMs: Math.max(0, ...running.map((s) => s.lagMaxMs ?? 0)),
    finalLagMs: last ? last.lagAvgMs : null,
    lagSlope: lagSlope(running),
    caughtUp: tail.length > 0 && tail.every((s) => isSteady(s, ctx)),
  };
}

/**
 * The hot-key share h from one minute's busy Maximum/Average (A) and Minimum/Average (M) over P subtasks.
 * With a steady consumption, A = 1 + h (P - 1) and M = 1 - h exactly. When consumption varies from second
 * to second (the noise of μ while backlogged, or dips under the load when caught up with little headroom)
 * the Maximum is inflated and the Minimum deflated by about the same factor δ:
 * A = (1 + h (P - 1))(1 + δ), M = (1 - h)(1 - δ); solved for h (δ = 0 gives the exact case back).
 */
export function hotShareFromBusy(maxOverAvg: number, minOverAvg: number, p: number, noisy: boolean): number {
  if (!noisy) return clamp((maxOverAvg - 1) / (p - 1), 0, 1);
  const f = (h: number) => (1 + h * (p - 1)) * (2 - minOverAvg / (1 - h)) - maxOverAvg;
  if (f(0) >= 0) return 0;
  // f rises from h = 0 and falls again near 1 - M/2: the first crossing is the root.
  const steps = 400;
  const top = Math.max(0, 1 - minOverAvg / 2);
  let lo = 0;
  let hi = -1;
  for (let i = 1; i <= steps; i++) {
    const x = (top * i) / steps;
    if (f(x) >= 0) {
      hi = x;
      break;
    }
    lo = x;
  }
  if (hi < 0) return clamp((maxOverAvg - 1) / (p - 1), 0, 1);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * While backlogged every subtask consumes its share of μ(1 + ε) each second; the Minimum over a minute's
 * seconds is the coldest subtask ((1 - h) of the mean share) at the most negative ε. The Minimum side is
 * never cut by the 1000 ms ceiling, so δ = 1 - M / (1 - h) is the deepest dip, about 2.32 σ for 60
 * normal samples: σ ≈ δ / 2.32.
 */
export function noiseFromBusyMinimum(minOverAvg: number, hotKeyShare: number): number {
  return Math.max(0, 1 - minOverAvg / (1 - hotKeyShare)) / 2.32;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Least-squares slope of lag (ms) over time (ms) across the minutes, from the lag Average. */
export function lagSlope(samples: MinuteSample[]): number {
  return leastSquaresSlope(samples.filter((s) => s.lagAvgMs !== null).map((s) => [s.startMs, s.lagAvgMs!] as const));
}

/** Least-squares slope of y over x; 0 below two points or when every x is the same. */
export function leastSquaresSlope(pts: ReadonlyArray<readonly [number, number]>): number {
  if (pts.length < 2) return 0;
  const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
  const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

export function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Relative standard error of the mean; null below two values. */
export function relStdError(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs)!;
  if (m === 0) return null;
  const variance = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(variance / xs.length) / Math.abs(m);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
