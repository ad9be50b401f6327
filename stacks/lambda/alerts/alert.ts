/**
 * The alert record the Flink job writes to the alerts stream, and the one check that decides whether a
 * record is an alert at all. Anything that fails here is "malformed": logged and counted, never retried.
 */

export interface Alert {
  readonly alert_type: string;
  /** taxi, iot or clickstream; kept open so a new workload does not turn its alerts into malformed ones. */
  readonly workload: string;
  /** The device id (iot) or geohash cell (taxi) the alert is about: the grouping key with the minute. */
  readonly key: string;
  readonly severity?: string;
  readonly value: number;
  readonly threshold: number;
  /** As received (ISO-8601 text or epoch milliseconds), for the notification text. */
  readonly event_time: string | number;
  /** event_time as epoch milliseconds: what grouping and ordering use. */
  readonly eventTimeMs: number;
  readonly window_start?: string | number;
  readonly message: string;
}

export type AlertParseResult = { ok: true; alert: Alert } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Epoch milliseconds from ISO-8601 text or a number of epoch milliseconds; undefined when neither. */
export function toEpochMillis(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Validates one decoded JSON value as an Alert; the reason names the first offending field. */
export function parseAlert(value: unknown): AlertParseResult {
  if (!isObject(value)) return { ok: false, reason: 'not a JSON object' };
  for (const field of ['alert_type', 'workload', 'message'] as const) {
    if (!nonEmptyString(value[field])) return { ok: false, reason: `${field}: must be a non-empty string` };
  }
  // Device ids are strings, but a numeric cell id is still a usable grouping key.
  const key = typeof value.key === 'number' && Number.isFinite(value.key) ? String(value.key) : value.key;
  if (!nonEmptyString(key)) return { ok: false, reason: 'key: must be a non-empty string' };
  for (const field of ['value', 'threshold'] as const) {
    const n = value[field];
    if (typeof n !== 'number' || !Number.isFinite(n)) return { ok: false, reason: `${field}: must be a finite number` };
  }
  const eventTimeMs = toEpochMillis(value.event_time);
  if (eventTimeMs === undefined) {
    return { ok: false, reason: 'event_time: must be ISO-8601 text or epoch milliseconds' };
  }
  if (value.severity !== undefined && value.severity !== null && !nonEmptyString(value.severity)) {
    return { ok: false, reason: 'severity: must be a non-empty string when present' };
  }
  if (value.window_start !== undefined && value.window_start !== null
    && toEpochMillis(value.window_start) === undefined) {
    return { ok: false, reason: 'window_start: must be ISO-8601 text or epoch milliseconds when present' };
  }
  return {
    ok: true,
    alert: {
      alert_type: value.alert_type as string,
      workload: value.workload as string,
      key,
      ...(nonEmptyString(value.severity) ? { severity: value.severity } : {}),
      value: value.value as number,
      threshold: value.threshold as number,
      event_time: value.event_time as string | number,
      eventTimeMs,
      ...(value.window_start !== undefined && value.window_start !== null
        ? { window_start: value.window_start as string | number } : {}),
      message: value.message as string,
    },
  };
}
