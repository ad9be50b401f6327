/**
 * One input record -> the processed row written to `processed-data/`, or why it was refused. Each workload's
 * record is checked against the shared event schema (core/event-schemas.ts, the contract with the load
 * generator and the Flink job), then enriched with derived fields:
 *
 * | workload | derived fields |
 * |---|---|
 * | all | `workload`, `event_time` (the workload's event-time field), `processed_at` (ISO-8601 UTC) |
 * | taxi | `trip_duration_seconds` (dropoff - pickup), `average_speed_mph` (trip_distance over the duration; null when it is 0), `tip_percent` (tip over fare x 100; null when the fare is 0) |
 * | iot | `threshold` (the alert threshold of the sensor type; null for flow), `is_anomaly` (value above it), `plant` and `line` (from `location` `plant-N/line-M`; null when it has another form) |
 * | clickstream | `country` (ISO 3166-1 part of `location`), `is_purchase`, `revenue` (amount of a purchase, else 0) |
 *
 * `amounts` are the business sums the handler publishes as metrics.
 */
import { ANOMALY_THRESHOLDS, EVENT_SCHEMAS, EVENT_TIME_FIELDS } from '../../../core/event-schemas';

export type Workload = keyof typeof EVENT_SCHEMAS;
export const WORKLOADS = Object.keys(EVENT_SCHEMAS) as Workload[];

/** Business metrics summed over a batch, per workload (name -> value); unit in BUSINESS_METRICS. */
export type Amounts = Record<string, number>;

/** The business metrics each workload publishes, and their EMF unit. */
export const BUSINESS_METRICS: Record<Workload, Record<string, 'Count' | 'None'>> = {
  taxi: { FareAmount: 'None', TipAmount: 'None', TotalAmount: 'None' },
  iot: { AnomalousReadings: 'Count' },
  clickstream: { Purchases: 'Count', PurchaseAmount: 'None' },
};

export type ProcessedRecord =
  | { readonly ok: true; readonly row: Record<string, unknown>; readonly amounts: Amounts }
  | { readonly ok: false; readonly reason: 'InvalidFields'; readonly detail: string };

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function enrichTaxi(e: Record<string, any>): { derived: Record<string, unknown>; amounts: Amounts } {
  const seconds = (Date.parse(e.dropoff_datetime) - Date.parse(e.pickup_datetime)) / 1000;
  return {
    derived: {
      trip_duration_seconds: seconds,
      average_speed_mph: seconds > 0 ? round(e.trip_distance / (seconds / 3600), 2) : null,
      tip_percent: e.fare_amount !== 0 ? round((e.tip_amount / e.fare_amount) * 100, 2) : null,
    },
    amounts: { FareAmount: e.fare_amount, TipAmount: e.tip_amount, TotalAmount: e.total_amount },
  };
}

function enrichIot(e: Record<string, any>): { derived: Record<string, unknown>; amounts: Amounts } {
  const threshold = ANOMALY_THRESHOLDS[e.sensor_type as keyof typeof ANOMALY_THRESHOLDS] ?? null;
  const isAnomaly = threshold !== null && e.value > threshold;
  const place = /^(plant-\d+)\/(line-\d+)$/.exec(e.location);
  return {
    derived: { threshold, is_anomaly: isAnomaly, plant: place?.[1] ?? null, line: place?.[2] ?? null },
    amounts: { AnomalousReadings: isAnomaly ? 1 : 0 },
  };
}

function enrichClickstream(e: Record<string, any>): { derived: Record<string, unknown>; amounts: Amounts } {
  const isPurchase = e.event_type === 'purchase';
  const revenue = isPurchase ? e.amount : 0;
  return {
    derived: { country: String(e.location).split('-')[0], is_purchase: isPurchase, revenue },
    amounts: { Purchases: isPurchase ? 1 : 0, PurchaseAmount: revenue },
  };
}

const ENRICH: Record<Workload, (e: Record<string, any>) => { derived: Record<string, unknown>; amounts: Amounts }> = {
  taxi: enrichTaxi, iot: enrichIot, clickstream: enrichClickstream,
};

export function processRecord(workload: Workload, json: unknown, processedAtMs: number): ProcessedRecord {
  const parsed = EVENT_SCHEMAS[workload].safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');
    return { ok: false, reason: 'InvalidFields', detail };
  }
  const event = parsed.data as Record<string, any>;
  const { derived, amounts } = ENRICH[workload](event);
  return {
    ok: true,
    row: {
      ...event, ...derived, workload, event_time: event[EVENT_TIME_FIELDS[workload]],
      processed_at: new Date(processedAtMs).toISOString(),
    },
    amounts,
  };
}
