/**
 * The event schemas of __tests__/fixtures/events/README.md: the contract between the load generator, the
 * stream processor Lambda (stacks/lambda/processor) and the Flink job, which parses the same fields. Objects are strict (exactly these fields), so a generator that drifts from the contract
 * fails its tests instead of the job in production.
 */
import { z } from 'zod';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

const isoUtc = z
  .string({ error: 'must be an ISO-8601 UTC timestamp string' })
  .refine((s) => ISO_UTC.test(s) && !Number.isNaN(Date.parse(s)), { message: 'must be an ISO-8601 UTC timestamp' });
const num = z.number({ error: 'must be a number' }).finite();
const int = z.number({ error: 'must be an integer' }).int({ message: 'must be an integer' });
const str = z.string({ error: 'must be a string' });
const nonEmpty = str.min(1, { message: 'must not be empty' });

export const PAYMENT_TYPES = ['card', 'cash'] as const;
export const SENSOR_TYPES = ['temperature', 'pressure', 'vibration', 'flow'] as const;
export const SENSOR_UNITS: Record<(typeof SENSOR_TYPES)[number], string> = {
  temperature: 'celsius', pressure: 'psi', vibration: 'mm/s', flow: 'l/min',
};
/** Above these the Flink job raises an alert (fixtures README); flow has no alert threshold. */
export const ANOMALY_THRESHOLDS: Partial<Record<(typeof SENSOR_TYPES)[number], number>> = {
  temperature: 80, pressure: 100, vibration: 50,
};
export const CLICK_EVENT_TYPES = ['page_view', 'click', 'search', 'add_to_cart', 'purchase'] as const;
export const DEVICE_TYPES = ['mobile', 'desktop', 'tablet'] as const;

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

export const taxiEventSchema = z.strictObject({
  trip_id: nonEmpty,
  vendor_id: int,
  pickup_datetime: isoUtc,
  dropoff_datetime: isoUtc,
  pickup_latitude: num,
  pickup_longitude: num,
  dropoff_latitude: num,
  dropoff_longitude: num,
  passenger_count: int,
  trip_distance: num,
  fare_amount: num,
  tip_amount: num,
  tolls_amount: num,
  total_amount: num,
  payment_type: enumOf(PAYMENT_TYPES),
});

export const iotEventSchema = z
  .strictObject({
    device_id: nonEmpty,
    timestamp: isoUtc,
    sensor_type: enumOf(SENSOR_TYPES),
    value: num,
    unit: str,
    location: str,
  })
  .refine((e) => SENSOR_UNITS[e.sensor_type] === e.unit, { path: ['unit'], message: 'does not match sensor_type' });

export const clickstreamEventSchema = z
  .strictObject({
    timestamp: isoUtc,
    user_id: nonEmpty,
    event_type: enumOf(CLICK_EVENT_TYPES),
    amount: num,
    product_id: str,
    session_id: nonEmpty,
    location: str.regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { message: 'must be an ISO 3166-2 code like US-NY' }),
    device_type: enumOf(DEVICE_TYPES),
    page_url: nonEmpty,
    referrer: str,
  })
  .refine((e) => (e.event_type === 'purchase' ? e.amount > 0 : e.amount === 0), {
    path: ['amount'], message: 'must be > 0 for a purchase and 0 otherwise',
  });

export type TaxiEvent = z.infer<typeof taxiEventSchema>;
export type IotEvent = z.infer<typeof iotEventSchema>;
export type ClickstreamEvent = z.infer<typeof clickstreamEventSchema>;

export const EVENT_SCHEMAS = { taxi: taxiEventSchema, iot: iotEventSchema, clickstream: clickstreamEventSchema } as const;

/** The field that carries event time, per workload (fixtures README); replay paces by it by default. */
export const EVENT_TIME_FIELDS = { taxi: 'dropoff_datetime', iot: 'timestamp', clickstream: 'timestamp' } as const;

/** The field naming the entity a record belongs to: the partition key in `entity` mode. */
export const ENTITY_FIELDS = { taxi: 'trip_id', iot: 'device_id', clickstream: 'user_id' } as const;
