/** The event schemas are the contract with the Flink job: the shared fixtures must agree with them. */
import { EVENT_SCHEMAS } from '../../core/event-schemas';
import { WORKLOAD_NAMES } from '../../simulator/workloads';
import { fixtureLines, parseLine } from './helpers/fixtures';

describe.each(WORKLOAD_NAMES)('the %s event schema', (workload) => {
  const schema = EVENT_SCHEMAS[workload];

  it('accepts every line of the valid fixture', () => {
    const lines = fixtureLines(`${workload}.valid.jsonl`);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const result = schema.safeParse(parseLine(line));
      expect(result.error?.issues ?? []).toEqual([]);
    }
  });

  it('rejects every line of the malformed fixture, with a reason', () => {
    const lines = fixtureLines(`${workload}.malformed.jsonl`);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const value = parseLine(line);
      if (value instanceof Error) continue; // bad JSON: rejected before any schema
      const result = schema.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error!.issues[0].message.length).toBeGreaterThan(0);
    }
  });

  it('rejects fields the contract does not have', () => {
    const event = parseLine(fixtureLines(`${workload}.valid.jsonl`)[0]) as Record<string, unknown>;
    expect(schema.safeParse({ ...event, extra: 1 }).success).toBe(false);
  });
});

describe('cross-field rules', () => {
  it('iot: the unit must match the sensor type', () => {
    const e = { device_id: 'd', timestamp: '2026-01-15T08:00:01.000Z', sensor_type: 'temperature', value: 1, unit: 'psi', location: 'x' };
    expect(EVENT_SCHEMAS.iot.safeParse(e).success).toBe(false);
    expect(EVENT_SCHEMAS.iot.safeParse({ ...e, unit: 'celsius' }).success).toBe(true);
  });

  it('clickstream: amount is > 0 for purchases and 0 for everything else', () => {
    const e = parseLine(fixtureLines('clickstream.valid.jsonl')[0]) as Record<string, unknown>;
    expect(EVENT_SCHEMAS.clickstream.safeParse({ ...e, amount: 5 }).success).toBe(false);
    expect(EVENT_SCHEMAS.clickstream.safeParse({ ...e, event_type: 'purchase', amount: 0 }).success).toBe(false);
  });

  it('timestamps must be ISO-8601 UTC', () => {
    const e = parseLine(fixtureLines('iot.valid.jsonl')[0]) as Record<string, unknown>;
    expect(EVENT_SCHEMAS.iot.safeParse({ ...e, timestamp: '2026-01-15 08:00:01' }).success).toBe(false);
    expect(EVENT_SCHEMAS.iot.safeParse({ ...e, timestamp: '2026-01-15T08:00:01+01:00' }).success).toBe(false);
  });
});
