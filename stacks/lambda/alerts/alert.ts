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
  /** As received, or written from the other fields when the record has none. */
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

/**
 * Where each field may be found. The documented record names come first; the others are the names the
 * Flink job's per-workload alert lines use (`alert`, `device_id`, `pickup_cell`, `pickups`, window times),
 * so alerts keep flowing whichever of the two shapes the job writes.
 */
export const FIELD_SOURCES = {
  alert_type: ['alert_type', 'alert'],
  key: ['key', 'device_id', 'pickup_cell', 'cell'],
  value: ['value', 'pickups', 'pickup_count'],
  event_time: ['event_time', 'window_end', 'window_start'],
} as const;

function pick(obj: Record<string, unknown>, fields: readonly string[]): unknown {
  for (const f of fields) if (obj[f] !== undefined && obj[f] !== null) return obj[f];
  return undefined;
}

/** Validates one decoded JSON value as an Alert; the reason names the first offending field. */
export function parseAlert(value: unknown): AlertParseResult {
  if (!isObject(value)) return { ok: false, reason: 'not a JSON object' };
  const alertType = pick(value, FIELD_SOURCES.alert_type);
  if (!nonEmptyString(alertType)) return { ok: false, reason: 'alert_type: must be a non-empty string' };
  if (!nonEmptyString(value.workload)) return { ok: false, reason: 'workload: must be a non-empty string' };
  const rawKey = pick(value, FIELD_SOURCES.key);
  // Device ids are strings, but a numeric cell id is still a usable grouping key.
  const key = typeof rawKey === 'number' && Number.isFinite(rawKey) ? String(rawKey) : rawKey;
  if (!nonEmptyString(key)) return { ok: false, reason: 'key: must be a non-empty string' };
  const measured = pick(value, FIELD_SOURCES.value);
  if (typeof measured !== 'number' || !Number.isFinite(measured)) return { ok: false, reason: 'value: must be a finite number' };
  const threshold = value.threshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) return { ok: false, reason: 'threshold: must be a finite number' };
  const eventTime = pick(value, FIELD_SOURCES.event_time);
  const eventTimeMs = toEpochMillis(eventTime);
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
  if (value.message !== undefined && value.message !== null && !nonEmptyString(value.message)) {
    return { ok: false, reason: 'message: must be a non-empty string when present' };
  }
  const what = nonEmptyString(value.sensor_type) ? `${alertType} (${value.sensor_type})` : alertType;
  return {
    ok: true,
    alert: {
      alert_type: alertType,
      workload: value.workload,
      key,
      ...(nonEmptyString(value.severity) ? { severity: value.severity } : {}),
      value: measured,
      threshold,
      event_time: eventTime as string | number,
      eventTimeMs,
      ...(value.window_start !== undefined && value.window_start !== null
        ? { window_start: value.window_start as string | number } : {}),
      message: nonEmptyString(value.message) ? value.message : `${what}: ${measured} exceeds threshold ${threshold}`,
    },
  };
}
