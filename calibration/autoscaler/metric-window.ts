/**
 * The policy's rolling window of per-minute metrics, kept in its state between runs so each run reads
 * only the minutes it has not seen (plus a short overlap) instead of the whole window: on AWS one
 * GetMetricData over a few minutes instead of an hour a minute, in `kpufit autoscale simulate` a
 * simulated day in a fraction of the time. The window lives in the same state item as the model (a
 * DynamoDB item on AWS), so the Lambda and the simulator share the mechanism.
 */
import type { MetricPeriod } from '../ports';

/**
 * Minutes re-read before the newest one kept: CloudWatch may still add datapoints to a minute after it
 * was first read (a late container, the stream's own metrics), so the newest minutes are read again and
 * the fresh reading replaces the kept one.
 */
export const REREAD_MINUTES = 2;

const MINUTE_MS = 60000;

/**
 * The span to read as of `nowMs` for a window of `windowMinutes`, and the kept minutes that stay: with no
 * kept minutes (first run, or a state saved before the window existed) the whole window.
 */
export function spanToRead(kept: MetricPeriod[] | undefined, nowMs: number, windowMinutes: number): { fromMs: number; kept: MetricPeriod[] } {
  const windowFromMs = Math.floor((nowMs - windowMinutes * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  const inWindow = (kept ?? []).filter((m) => m.startMs >= windowFromMs);
  if (inWindow.length === 0) return { fromMs: windowFromMs, kept: [] };
  const newest = inWindow[inWindow.length - 1].startMs;
  const fromMs = Math.max(windowFromMs, newest + MINUTE_MS - REREAD_MINUTES * MINUTE_MS);
  return { fromMs, kept: inWindow.filter((m) => m.startMs < fromMs) };
}

/** The kept minutes followed by the fresh ones, oldest first; a fresh reading of a minute replaces a kept one. */
export function mergeWindow(kept: MetricPeriod[], fresh: MetricPeriod[]): MetricPeriod[] {
  const byStart = new Map<number, MetricPeriod>();
  for (const m of kept) byStart.set(m.startMs, m);
  for (const m of fresh) byStart.set(m.startMs, m);
  return [...byStart.values()].sort((a, b) => a.startMs - b.startMs);
}

/** What to keep for the next run: the complete minutes (ended by `nowMs`) only; a partial one is read again. */
export function windowToKeep(metrics: MetricPeriod[], nowMs: number): MetricPeriod[] {
  return metrics.filter((m) => m.startMs + MINUTE_MS <= nowMs);
}
