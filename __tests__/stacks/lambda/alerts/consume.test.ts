import { createAlertsConsumer } from '../../../../stacks/lambda/alerts/consume';
import type { Notification, NotificationPublisher } from '../../../../stacks/lambda/alerts/notify';
import { alert, event, jsonRecord, rawRecord } from './kinesis-event';

const NOW = Date.UTC(2026, 0, 15, 8, 1, 30);

/** Records what was published; fails every notification whose subject matches `failWhen`. */
class FakePublisher implements NotificationPublisher {
  readonly published: Notification[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly failWhen: (n: Notification) => boolean = () => false) {}
  async publish(n: Notification): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight -= 1;
    if (this.failWhen(n)) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    this.published.push(n);
  }
}

function setup(publisher = new FakePublisher(), maxConcurrentPublishes?: number) {
  const lines: string[] = [];
  const handler = createAlertsConsumer({
    publisher, clock: () => NOW, writeLine: (l) => lines.push(l), metricsNamespace: 'kpufit/Alerts',
    functionName: 'kpufit-dev-alerts', maxConcurrentPublishes,
  });
  const json = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    handler, publisher, lines,
    logs: () => json().filter((l) => !('_aws' in l)),
    emf: () => json().filter((l) => '_aws' in l),
  };
}

describe('alerts consumer: one Kinesis batch', () => {
  it('sends one notification per device and minute, not one per alert', async () => {
    const t = setup();
    const result = await t.handler(event(
      jsonRecord('101', alert({ event_time: '2026-01-15T08:00:05Z' })),
      jsonRecord('102', alert({ event_time: '2026-01-15T08:00:35Z', alert_type: 'pressure_anomaly', value: 120, threshold: 100 })),
      jsonRecord('103', alert({ key: 'device-0002', event_time: '2026-01-15T08:00:40Z' })),
      jsonRecord('104', alert({ event_time: '2026-01-15T08:01:02Z' })),
    ));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(t.publisher.published.map((n) => n.subject)).toEqual([
      '[kpufit] iot device-0001: 2 alerts at 2026-01-15T08:00:00Z',
      '[kpufit] iot device-0002: 1 alert at 2026-01-15T08:00:00Z',
      '[kpufit] iot device-0001: 1 alert at 2026-01-15T08:01:00Z',
    ]);
  });

  it('logs and counts malformed records but never reports them for retry', async () => {
    const t = setup();
    const result = await t.handler(event(
      rawRecord('201', '%%%'),
      jsonRecord('202', { hello: 'world' }),
      jsonRecord('203', alert()),
    ));
    expect(result.batchItemFailures).toEqual([]);
    expect(t.publisher.published).toHaveLength(1);
    expect(t.logs()).toEqual([
      { level: 'WARN', msg: 'malformed alert record skipped', reason: 'data is not base64', sequenceNumber: '201',
        eventID: 'shardId-000000000000:201', partitionKey: 'device-0001' },
      { level: 'WARN', msg: 'malformed alert record skipped', reason: 'alert_type: must be a non-empty string',
        sequenceNumber: '202', eventID: 'shardId-000000000000:202', partitionKey: 'device-0001' },
    ]);
    expect(t.emf()[0]).toMatchObject({ RecordsReceived: 3, MalformedRecords: 2, AlertsReceived: 1 });
  });

  it('reports every record of a group whose SNS publish failed, lowest sequence number first', async () => {
    const t = setup(new FakePublisher((n) => n.subject.includes('device-0002')));
    const big = '49590338271490256608559692538361571095921575989136588898';
    const bigger = '49590338271490256608559692538361571095921575989136588899';
    const result = await t.handler(event(
      jsonRecord('300', alert()),
      jsonRecord(bigger, alert({ key: 'device-0002' })),
      jsonRecord(big, alert({ key: 'device-0002' })),
      jsonRecord('9', alert({ key: 'device-0003' })),
    ));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: big }, { itemIdentifier: bigger }] });
    expect(t.publisher.published.map((n) => n.attributes.key.value)).toEqual(['device-0001', 'device-0003']);
    expect(t.logs()).toEqual([{
      level: 'ERROR', msg: 'alert notification failed; records reported for retry', workload: 'iot', key: 'device-0002',
      minute: '2026-01-15T08:00:00.000Z', alerts: 2, error: 'ThrottledException', detail: 'Rate exceeded',
    }]);
  });

  it('treats a publisher that throws a non-Error as a failed publish too', async () => {
    const publisher: NotificationPublisher = { publish: () => Promise.reject('socket hang up') };
    const t = setup(publisher as FakePublisher);
    const result = await t.handler(event(jsonRecord('5', alert())));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '5' }]);
    expect(t.logs()[0]).toMatchObject({ error: 'Error', detail: 'socket hang up' });
  });

  it('emits the batch counts as EMF, stamped by the injected clock, plus one line per workload', async () => {
    const t = setup(new FakePublisher((n) => n.attributes.workload.value === 'taxi'));
    await t.handler(event(
      jsonRecord('1', alert()), jsonRecord('2', alert()), jsonRecord('3', alert({ key: 'device-0009' })),
      jsonRecord('4', alert({ workload: 'taxi', key: 'dr5ru', alert_type: 'hot_spot' })),
      rawRecord('5', 'bm90IGpzb24='),
    ));
    expect(t.emf()).toEqual([
      {
        _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'kpufit/Alerts', Dimensions: [['FunctionName']], Metrics: [
          { Name: 'RecordsReceived', Unit: 'Count' }, { Name: 'AlertsReceived', Unit: 'Count' },
          { Name: 'MalformedRecords', Unit: 'Count' }, { Name: 'NotificationsPublished', Unit: 'Count' },
          { Name: 'NotificationsFailed', Unit: 'Count' }, { Name: 'RecordsReportedForRetry', Unit: 'Count' },
        ] }] },
        FunctionName: 'kpufit-dev-alerts', RecordsReceived: 5, AlertsReceived: 4, MalformedRecords: 1,
        NotificationsPublished: 2, NotificationsFailed: 1, RecordsReportedForRetry: 1,
      },
      {
        _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'kpufit/Alerts', Dimensions: [['FunctionName', 'Workload']],
          Metrics: [{ Name: 'AlertsReceived', Unit: 'Count' }, { Name: 'NotificationsPublished', Unit: 'Count' }] }] },
        FunctionName: 'kpufit-dev-alerts', Workload: 'iot', AlertsReceived: 3, NotificationsPublished: 2,
      },
      {
        _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'kpufit/Alerts', Dimensions: [['FunctionName', 'Workload']],
          Metrics: [{ Name: 'AlertsReceived', Unit: 'Count' }, { Name: 'NotificationsPublished', Unit: 'Count' }] }] },
        FunctionName: 'kpufit-dev-alerts', Workload: 'taxi', AlertsReceived: 1, NotificationsPublished: 0,
      },
    ]);
  });

  it('tags its log and EMF lines with the Lambda request id when given one', async () => {
    const t = setup();
    await t.handler(event(rawRecord('1', '%%%'), jsonRecord('2', alert())), { awsRequestId: 'req-42' });
    expect(t.logs()[0]).toMatchObject({ level: 'WARN', requestId: 'req-42', sequenceNumber: '1' });
    expect(t.emf().map((l) => l.requestId)).toEqual(['req-42', 'req-42']);
    // A property, not a metric or a dimension: it must not turn into a CloudWatch metric.
    const directive = (t.emf()[0]._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> })
      .CloudWatchMetrics[0];
    expect(directive.Dimensions.flat()).not.toContain('requestId');
    expect(directive.Metrics.map((m) => m.Name)).not.toContain('requestId');
  });

  it('handles an empty batch: no notifications, zero counts', async () => {
    const t = setup();
    expect(await t.handler(event())).toEqual({ batchItemFailures: [] });
    expect(t.publisher.published).toEqual([]);
    expect(t.emf()).toEqual([expect.objectContaining({ RecordsReceived: 0, NotificationsPublished: 0 })]);
  });

  it('keeps at most maxConcurrentPublishes publishes in flight', async () => {
    const t = setup(new FakePublisher(), 3);
    const records = Array.from({ length: 10 }, (_, i) => jsonRecord(String(i + 1), alert({ key: `device-${i}` })));
    await t.handler(event(...records));
    expect(t.publisher.published).toHaveLength(10);
    expect(t.publisher.maxInFlight).toBe(3);
  });
});
