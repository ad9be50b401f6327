/**
 * Deliberately broken records for the Flink job's error path: one of each kind the fixtures list as
 * must-reject (bad JSON, missing field, wrong type, unknown enum value, unparsable timestamp).
 */
import type { Prng } from '../core/prng';
import { EVENT_TIME_FIELDS } from '../core/event-schemas';
import type { WorkloadName } from './workloads';

export const MALFORMED_KINDS = ['bad-json', 'missing-field', 'wrong-type', 'unknown-enum', 'bad-timestamp'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** Per workload: a required field to drop, a numeric field to turn into a string, an enum field. */
const TARGETS: Record<WorkloadName, { required: string; numeric: string; enumField: string }> = {
  taxi: { required: 'trip_id', numeric: 'pickup_latitude', enumField: 'payment_type' },
  iot: { required: 'device_id', numeric: 'value', enumField: 'sensor_type' },
  clickstream: { required: 'user_id', numeric: 'amount', enumField: 'event_type' },
};

export function malformedRecord(workload: WorkloadName, event: Record<string, unknown>, kind: MalformedKind): string {
  const t = TARGETS[workload];
  const copy: Record<string, unknown> = { ...event };
  switch (kind) {
    case 'bad-json': {
      const json = JSON.stringify(event);
      return json.slice(0, Math.floor(json.length / 2));
    }
    case 'missing-field':
      delete copy[t.required];
      break;
    case 'wrong-type':
      copy[t.numeric] = `n/a`;
      break;
    case 'unknown-enum':
      copy[t.enumField] = 'bogus';
      break;
    case 'bad-timestamp':
      copy[EVENT_TIME_FIELDS[workload]] = 'not-a-time';
      break;
  }
  return JSON.stringify(copy);
}

export function pickMalformedKind(rng: Prng): MalformedKind {
  return rng.pick(MALFORMED_KINDS);
}
