/** Generated events keep the Flink contract, look like their domain, and repeat exactly for a seed. */
import { ANOMALY_THRESHOLDS, EVENT_SCHEMAS, type ClickstreamEvent, type IotEvent, type TaxiEvent } from '../../../core/event-schemas';
import { GeneratedRecords } from '../../../simulator/records';
import { AIRPORTS, NYC_BOUNDS } from '../../../simulator/workloads/taxi';
import { createWorkload, WORKLOAD_NAMES } from '../../../simulator/workloads';

const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);
const generate = (name: (typeof WORKLOAD_NAMES)[number], n: number, options: Record<string, number> = {}) => {
  const w = createWorkload(name, { seed: 42, ...options });
  return Array.from({ length: n }, (_, i) => w.next(T0 + i * 7));
};

describe.each(WORKLOAD_NAMES)('the %s workload', (name) => {
  it('generates only events that satisfy the event schema', () => {
    const problems = generate(name, 5000).flatMap(({ event }) => EVENT_SCHEMAS[name].safeParse(event).error?.issues ?? []);
    expect(problems).toEqual([]);
  });

  it('generates the same events for the same seed and times, and different ones for another seed', () => {
    const a = generate(name, 500).map((g) => JSON.stringify(g));
    const b = generate(name, 500).map((g) => JSON.stringify(g));
    expect(b).toEqual(a);
    const other = createWorkload(name, { seed: 43 });
    const c = Array.from({ length: 500 }, (_, i) => JSON.stringify(other.next(T0 + i * 7)));
    expect(c).not.toEqual(a);
  });

  it('stamps event time with the time it is generated at', () => {
    const field = name === 'taxi' ? 'dropoff_datetime' : 'timestamp';
    const [{ event }] = generate(name, 1);
    expect(event[field]).toBe(new Date(T0).toISOString());
  });

  it('sends the hot-key share of events to one key', () => {
    const events = generate(name, 20_000, { hotKeyShare: 0.3 });
    const hot = events.filter((e) => e.hot);
    expect(hot.length / events.length).toBeCloseTo(0.3, 1);
    expect(new Set(hot.map((e) => e.key)).size).toBe(1);
  });
});

describe('taxi trips', () => {
  const trips = generate('taxi', 20_000).map((g) => g.event as TaxiEvent);

  it('stay inside New York City', () => {
    const inside = (lat: number, lon: number) =>
      lat >= NYC_BOUNDS.minLat && lat <= NYC_BOUNDS.maxLat && lon >= NYC_BOUNDS.minLon && lon <= NYC_BOUNDS.maxLon;
    const outside = trips.filter(
      (t) => !inside(t.pickup_latitude, t.pickup_longitude) || !inside(t.dropoff_latitude, t.dropoff_longitude),
    );
    expect(outside).toEqual([]);
  });

  it('have realistic durations, distances and fares that add up', () => {
    const minutes = trips.map((t) => (Date.parse(t.dropoff_datetime) - Date.parse(t.pickup_datetime)) / 60000).sort((a, b) => a - b);
    const median = minutes[Math.floor(minutes.length / 2)];
    expect(median).toBeGreaterThan(5);
    expect(median).toBeLessThan(30);
    expect(minutes[0]).toBeGreaterThan(0);
    expect(minutes[minutes.length - 1]).toBeLessThan(240);
    const inconsistent = trips.filter(
      (t) =>
        !(t.trip_distance > 0) || !(t.fare_amount > 2.5) ||
        Math.abs(t.total_amount - (t.fare_amount + t.tip_amount + t.tolls_amount)) > 0.005 ||
        t.passenger_count < 1 || t.passenger_count > 6 || (t.payment_type === 'cash' && t.tip_amount !== 0),
    );
    expect(inconsistent).toEqual([]);
  });

  it('send a share of trips to JFK and LaGuardia', () => {
    const atAirport = trips.filter((t) =>
      Object.values(AIRPORTS).some((a) => a.lat === t.dropoff_latitude && a.lon === t.dropoff_longitude));
    expect(atAirport.length / trips.length).toBeCloseTo(0.08, 1);
  });

  it('have unique trip ids', () => {
    expect(new Set(trips.map((t) => t.trip_id)).size).toBe(trips.length);
  });
});

describe('iot readings', () => {
  const anomalous = (e: IotEvent) => {
    const threshold = ANOMALY_THRESHOLDS[e.sensor_type];
    return threshold !== undefined && e.value > threshold;
  };

  it('cross the alert thresholds only at the configured anomaly share', () => {
    const readings = generate('iot', 40_000, { anomalyShare: 0.05 }).map((g) => g.event as IotEvent);
    const withThreshold = readings.filter((e) => ANOMALY_THRESHOLDS[e.sensor_type] !== undefined);
    expect(withThreshold.filter(anomalous).length / withThreshold.length).toBeCloseTo(0.05, 2);
    const quiet = generate('iot', 20_000, { anomalyShare: 0 }).map((g) => g.event as IotEvent);
    expect(quiet.filter(anomalous)).toEqual([]);
  });

  it('come from a fleet where each device keeps its sensor type and location', () => {
    const byDevice = new Map<string, string>();
    const changed: string[] = [];
    for (const { event } of generate('iot', 10_000)) {
      const e = event as IotEvent;
      const signature = `${e.sensor_type}|${e.location}`;
      if ((byDevice.get(e.device_id) ?? signature) !== signature) changed.push(e.device_id);
      byDevice.set(e.device_id, signature);
    }
    expect(changed).toEqual([]);
    expect(byDevice.size).toBeGreaterThan(900);
  });
});

describe('clickstream sessions', () => {
  const events = generate('clickstream', 30_000).map((g) => g.event as ClickstreamEvent);

  it('cover every event type, with purchases the rarest of the funnel', () => {
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.event_type, (counts.get(e.event_type) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['add_to_cart', 'click', 'page_view', 'purchase', 'search']);
    expect(counts.get('purchase')!).toBeLessThan(counts.get('add_to_cart')!);
    expect(counts.get('page_view')!).toBeGreaterThan(counts.get('purchase')!);
  });

  it('keep one user, location and device per session, and refer from the previous page', () => {
    const sessions = new Map<string, ClickstreamEvent>();
    const broken: Array<[ClickstreamEvent, ClickstreamEvent]> = [];
    for (const e of events) {
      const last = sessions.get(e.session_id);
      const same = !last || (e.user_id === last.user_id && e.location === last.location &&
        e.device_type === last.device_type && e.referrer === last.page_url);
      if (!same) broken.push([last!, e]);
      sessions.set(e.session_id, e);
    }
    expect(broken).toEqual([]);
    expect(sessions.size).toBeLessThan(events.length / 2);
  });
});

describe('records', () => {
  it('are the JSON of the event, keyed by entity', () => {
    const source = new GeneratedRecords({ workload: 'iot', seed: 9 });
    const r = source.next(T0);
    const event = JSON.parse(r.data) as IotEvent;
    expect(EVENT_SCHEMAS.iot.safeParse(event).success).toBe(true);
    expect(r.partitionKey).toBe(event.device_id);
  });

  it('get random keys in random mode without changing the events', () => {
    const byEntity = new GeneratedRecords({ workload: 'taxi', seed: 9 });
    const random = new GeneratedRecords({ workload: 'taxi', seed: 9, partitionKey: 'random' });
    const keys = new Set<string>();
    let differentData = 0;
    for (let i = 0; i < 1000; i++) {
      const a = byEntity.next(T0 + i);
      const b = random.next(T0 + i);
      if (b.data !== a.data) differentData++;
      keys.add(b.partitionKey);
    }
    expect(differentData).toBe(0);
    expect(keys.size).toBe(1000);
    expect([...keys].every((k) => /^[0-9a-f]{16}$/.test(k))).toBe(true);
  });

  it.each(WORKLOAD_NAMES)('include the malformed share of %s records, each rejected by the schema', (name) => {
    const source = new GeneratedRecords({ workload: name, seed: 5, malformedRate: 0.2 });
    let rejected = 0;
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      const { data } = source.next(T0 + i);
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch {
        rejected++;
        continue;
      }
      if (!EVENT_SCHEMAS[name].safeParse(value).success) rejected++;
    }
    expect(rejected / n).toBeCloseTo(0.2, 1);
  });
});

describe('record sizes', () => {
  it.each(WORKLOAD_NAMES)('are ASCII, so the size a %s record declares is its UTF-8 size', (name) => {
    const source = new GeneratedRecords({ workload: name, seed: 8, malformedRate: 0.1, hotKeyShare: 0.1, partitionKey: 'random' });
    const wrong: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const r = source.next(T0 + i * 13);
      if (r.bytes !== Buffer.byteLength(r.data, 'utf8') + Buffer.byteLength(r.partitionKey, 'utf8')) wrong.push(r.data);
    }
    expect(wrong).toEqual([]);
  });
});
