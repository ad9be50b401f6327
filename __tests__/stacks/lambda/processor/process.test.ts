import { createStreamProcessor, NDJSON, type StreamProcessorDeps } from '../../../../stacks/lambda/processor/process';
import type { MetricSet } from '../../../../stacks/lambda/processor/metrics';
import type { Workload } from '../../../../stacks/lambda/processor/enrich';
import { event, fixtureRecords, generated, rawRecord, textRecord } from './records';

const NOW = Date.UTC(2026, 0, 15, 8, 0, 30);

function harness(workload: Workload, opts: { failWrite?: Error; failMetrics?: Error } = {}) {
  const objects: { key: string; body: string; contentType: string }[] = [];
  const published: { namespace: string; timestampMs: number; sets: readonly MetricSet[] }[] = [];
  const logs: Record<string, unknown>[] = [];
  const deps: StreamProcessorDeps = {
    workload, prefix: 'processed-data/', metricsNamespace: 'kpufit/Processor', functionName: 'kpufit-dev-processor',
    clock: () => NOW,
    writeLine: (line) => logs.push(JSON.parse(line)),
    writer: { put: async (key, body, contentType) => { if (opts.failWrite) throw opts.failWrite; objects.push({ key, body, contentType }); } },
    metrics: { publish: async (namespace, timestampMs, sets) => { if (opts.failMetrics) throw opts.failMetrics; published.push({ namespace, timestampMs, sets }); } },
  };
  const rows = () => objects.flatMap((o) => o.body.trimEnd().split('\n').map((l) => JSON.parse(l)));
  /** Sum of `name` over the sets whose dimensions are exactly FunctionName, Workload and `extra`. */
  const metric = (name: string, extra: Record<string, string> = {}) => {
    const want = JSON.stringify({ FunctionName: 'kpufit-dev-processor', Workload: workload, ...extra });
    return published.flatMap((p) => p.sets).filter((s) => JSON.stringify(s.dimensions) === want)
      .flatMap((s) => s.metrics.filter((m) => m.name === name)).reduce((a, m) => a + m.value, 0);
  };
  return { handler: createStreamProcessor(deps), objects, published, logs, rows, metric };
}

describe('stream processor: one batch of generated taxi trips', () => {
  const { records, events } = generated('taxi', 40);
  const h = harness('taxi');
  let response: Awaited<ReturnType<typeof h.handler>>;
  beforeAll(async () => { response = await h.handler(event(...records), { awsRequestId: 'req-1' }); });

  it('writes one newline-delimited JSON object for the whole batch, under the first arrival\'s date and hour', () => {
    expect(h.objects.map((o) => [o.key, o.contentType])).toEqual([[
      'processed-data/taxi/dt=2026-01-15/hour=08/shardId-000000000003-100-139.jsonl', NDJSON,
    ]]);
    expect(h.objects[0].body.endsWith('\n')).toBe(true);
    expect(h.rows()).toHaveLength(40);
  });

  it('keeps every field of the event and adds the derived taxi fields', () => {
    const e = events[0];
    const seconds = (Date.parse(e.dropoff_datetime) - Date.parse(e.pickup_datetime)) / 1000;
    expect(h.rows()[0]).toEqual({
      ...e, workload: 'taxi', event_time: e.dropoff_datetime, processed_at: '2026-01-15T08:00:30.000Z',
      trip_duration_seconds: seconds,
      average_speed_mph: Math.round((e.trip_distance / (seconds / 3600)) * 100) / 100,
      tip_percent: Math.round((e.tip_amount / e.fare_amount) * 100 * 100) / 100,
    });
  });

  it('publishes records processed and the fares, tips and totals summed', () => {
    const sum = (f: string) => events.reduce((a, e) => a + e[f], 0);
    expect(h.metric('RecordsProcessed')).toBe(40);
    expect(h.metric('RecordsFailed')).toBe(0);
    expect(h.metric('FareAmount')).toBeCloseTo(sum('fare_amount'), 6);
    expect(h.metric('TipAmount')).toBeCloseTo(sum('tip_amount'), 6);
    expect(h.metric('TotalAmount')).toBeCloseTo(sum('total_amount'), 6);
    expect(h.published[0]).toMatchObject({ namespace: 'kpufit/Processor', timestampMs: NOW });
    expect(h.published[0].sets[0].dimensions).toEqual({ FunctionName: 'kpufit-dev-processor', Workload: 'taxi' });
  });

  it('reports no failures', () => {
    expect(response).toEqual({ batchItemFailures: [] });
  });
});

describe('stream processor: iot readings', () => {
  it('flags readings above the sensor\'s threshold, splits the location into plant and line, and counts anomalies', async () => {
    const { records, events } = generated('iot', 200, 100, { anomalyShare: 0.2 });
    const h = harness('iot');
    await h.handler(event(...records));
    const rows = h.rows();
    const thresholds: Record<string, number | null> = { temperature: 80, pressure: 100, vibration: 50, flow: null };
    rows.forEach((row, i) => {
      const e = events[i];
      const threshold = thresholds[e.sensor_type];
      const [plant, line] = e.location.split('/');
      expect(row).toEqual({ ...e, workload: 'iot', event_time: e.timestamp, processed_at: '2026-01-15T08:00:30.000Z',
        threshold, is_anomaly: threshold !== null && e.value > threshold, plant, line });
    });
    expect(rows.filter((r) => r.is_anomaly).length).toBeGreaterThan(10);
    expect(h.metric('AnomalousReadings')).toBe(rows.filter((r) => r.is_anomaly).length);
    expect(h.metric('RecordsProcessed')).toBe(200);
  });
});

describe('stream processor: clickstream events', () => {
  it('adds country, is_purchase and revenue, and sums purchases', async () => {
    const { records, events } = generated('clickstream', 3000);
    const h = harness('clickstream');
    await h.handler(event(...records));
    const purchases = events.filter((e) => e.event_type === 'purchase');
    expect(purchases.length).toBeGreaterThan(0);
    expect(h.rows()[0]).toEqual({ ...events[0], workload: 'clickstream', event_time: events[0].timestamp,
      processed_at: '2026-01-15T08:00:30.000Z', country: events[0].location.split('-')[0],
      is_purchase: events[0].event_type === 'purchase', revenue: events[0].event_type === 'purchase' ? events[0].amount : 0 });
    expect(h.metric('Purchases')).toBe(purchases.length);
    expect(h.metric('PurchaseAmount')).toBeCloseTo(purchases.reduce((a, e) => a + e.amount, 0), 6);
  });
});

describe('stream processor: malformed records', () => {
  it('skips every line of the shared malformed fixtures, counting each by reason, and still writes the valid ones', async () => {
    const malformed = fixtureRecords('iot.malformed.jsonl', 500);
    const valid = fixtureRecords('iot.valid.jsonl', 900);
    const h = harness('iot');
    const response = await h.handler(event(...valid, ...malformed, rawRecord('990', '***not base64***'),
      rawRecord('991', Buffer.from([0xff, 0xfe, 0x00]).toString('base64'))));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(h.rows()).toHaveLength(valid.length);
    const notJson = malformed.filter((r) => { try { JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()); return false; } catch { return true; } }).length;
    expect(h.metric('RecordsFailed')).toBe(malformed.length + 2);
    expect(h.metric('RecordsFailedByReason', { Reason: 'NotBase64' })).toBe(1);
    expect(h.metric('RecordsFailedByReason', { Reason: 'NotUtf8' })).toBe(1);
    expect(h.metric('RecordsFailedByReason', { Reason: 'NotJson' })).toBe(notJson);
    expect(h.metric('RecordsFailedByReason', { Reason: 'InvalidFields' })).toBe(malformed.length - notJson);
    expect(h.logs.filter((l) => l.msg === 'record skipped')).toHaveLength(malformed.length + 2);
  });

  it('names the field and the problem in the log line', async () => {
    const h = harness('iot');
    await h.handler(event(textRecord('7', '{"device_id":"d","timestamp":"2026-01-15T08:00:01.000Z","sensor_type":"humidity","value":1,"unit":"x","location":"p"}')));
    expect(h.logs).toEqual([{ level: 'WARN', msg: 'record skipped', reason: 'InvalidFields',
      detail: 'sensor_type: must be one of temperature, pressure, vibration, flow', sequenceNumber: '7', partitionKey: 'key' }]);
    expect(h.objects).toEqual([]);
  });
});

describe('stream processor: failures', () => {
  it('reports every readable record, in sequence order, when the object cannot be written, and sums nothing', async () => {
    const { records } = generated('taxi', 3, 18);
    const h = harness('taxi', { failWrite: Object.assign(new Error('denied'), { name: 'AccessDenied' }) });
    const response = await h.handler(event(records[2], textRecord('5', 'nope'), records[0], records[1]), { awsRequestId: 'r' });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '18' }, { itemIdentifier: '19' }, { itemIdentifier: '20' }] });
    expect(h.metric('RecordsProcessed')).toBe(0);
    expect(h.metric('BatchWriteFailures')).toBe(1);
    expect(h.metric('TotalAmount')).toBe(0);
    expect(h.logs.find((l) => l.level === 'ERROR')).toMatchObject({ msg: 'writing the batch failed; records reported for retry', error: 'AccessDenied', requestId: 'r' });
  });

  it('does not fail the batch when metrics cannot be published', async () => {
    const { records } = generated('taxi', 2);
    const h = harness('taxi', { failMetrics: new Error('throttled') });
    expect(await h.handler(event(...records))).toEqual({ batchItemFailures: [] });
    expect(h.objects).toHaveLength(1);
    expect(h.logs).toEqual([{ level: 'ERROR', msg: 'publishing metrics failed', error: 'Error', detail: 'throttled' }]);
  });

  it('writes nothing for an empty batch and publishes zero processed', async () => {
    const h = harness('iot');
    expect(await h.handler(event())).toEqual({ batchItemFailures: [] });
    expect(h.objects).toEqual([]);
    expect(h.metric('RecordsProcessed')).toBe(0);
    expect(h.published).toHaveLength(1);
  });
});
