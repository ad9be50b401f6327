/**
 * The input's recent past and near future: a compact history of the stream's intake (the peak rate of
 * each bucket of a few minutes, over the last days), its trend over the last minutes, and the daily
 * pattern read off the same hours of the previous days, so the policy can scale before a peak arrives
 * instead of after the lag shows it.
 */
import type { AutoscalerOptions } from './options';

/** [bucket start epoch ms, peak records/s in the bucket], oldest first. */
export type InputHistory = Array<[number, number]>;

export function recordInput(history: InputHistory, atMs: number, recordsPerSecond: number, options: AutoscalerOptions): InputHistory {
  const bucketMs = options.historyBucketMinutes * 60000;
  const start = Math.floor(atMs / bucketMs) * bucketMs;
  const next = history.filter(([t]) => t > atMs - options.historyDays * options.seasonSeconds * 1000 - bucketMs);
  const last = next[next.length - 1];
  if (last && last[0] === start) next[next.length - 1] = [start, Math.max(last[1], recordsPerSecond)];
  else if (!last || last[0] < start) next.push([start, recordsPerSecond]);
  return next;
}

/** Peak input recorded in [fromMs, toMs); null when no bucket overlaps. */
export function peakBetween(history: InputHistory, fromMs: number, toMs: number, bucketMs: number): number | null {
  let peak: number | null = null;
  for (const [t, rate] of history) {
    if (t + bucketMs > fromMs && t < toMs) peak = peak === null ? rate : Math.max(peak, rate);
  }
  return peak;
}

/**
 * The peak input the previous seasons (days) showed over the coming window [nowMs, nowMs + ms), scaled by
 * how today compares with those days so far; null until one whole season of history exists.
 */
export function seasonalPeak(history: InputHistory, nowMs: number, windowMs: number, options: AutoscalerOptions): number | null {
  if (!options.predictDaily || history.length === 0) return null;
  const season = options.seasonSeconds * 1000;
  const bucketMs = options.historyBucketMinutes * 60000;
  if (history[0][0] > nowMs - season) return null;
  let peak: number | null = null;
  let level = 0;
  for (let d = 1; d <= options.historyDays; d++) {
    const from = nowMs - d * season;
    if (history[0][0] > from) break;
    const ahead = peakBetween(history, from, from + windowMs, bucketMs);
    // Today's last hour against the same hour then: a busier day scales the forecast up.
    const thenRecent = peakBetween(history, from - 3600000, from, bucketMs);
    const nowRecent = peakBetween(history, nowMs - 3600000, nowMs, bucketMs);
    const ratio = thenRecent && nowRecent ? Math.max(1, nowRecent / thenRecent) : 1;
    if (ahead !== null) {
      peak = peak === null ? ahead * ratio : Math.max(peak, ahead * ratio);
      level++;
    }
  }
  return level > 0 ? peak : null;
}

/**
 * Records/s per minute of the input's rise over the recent samples (least squares); 0 when falling, and 0
 * when the samples are not close to a line (R² < minFit): a step is a jump to size for, not a trend to
 * project.
 */
export function risingTrend(rates: Array<{ minute: number; rate: number }>, minFit = 0.9): number {
  if (rates.length < 3) return 0;
  const mx = rates.reduce((a, r) => a + r.minute, 0) / rates.length;
  const my = rates.reduce((a, r) => a + r.rate, 0) / rates.length;
  let sxy = 0;
  let sxx = 0;
  for (const r of rates) {
    sxy += (r.minute - mx) * (r.rate - my);
    sxx += (r.minute - mx) ** 2;
  }
  if (!(sxx > 0)) return 0;
  const slope = sxy / sxx;
  const syy = rates.reduce((a, r) => a + (r.rate - my) ** 2, 0);
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 0;
  return slope > 0 && r2 >= minFit ? slope : 0;
}

/**
 * Minutes from `nowMs` until the daily forecast first exceeds `threshold` records/s, looking at most
 * `horizonMinutes` ahead, in steps of the history's buckets; null when it does not within the horizon (or
 * there is no forecast yet).
 */
export function minutesUntilForecastAbove(history: InputHistory, nowMs: number, threshold: number, horizonMinutes: number, options: AutoscalerOptions): number | null {
  const step = options.historyBucketMinutes;
  for (let minutes = step; minutes <= horizonMinutes; minutes += step) {
    const peak = seasonalPeak(history, nowMs, minutes * 60000, options);
    if (peak === null) return null;
    if (peak > threshold) return minutes - step;
  }
  return null;
}
