import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { type Alert, parseAlert } from '../../../../stacks/lambda/alerts/alert';
import { groupAlerts } from '../../../../stacks/lambda/alerts/group';
import { formatNotification, highestSeverity, MAX_ALERTS_LISTED, snsPublisher }
  from '../../../../stacks/lambda/alerts/notify';
import { alert } from './kinesis-event';

const parsed = (overrides: Record<string, unknown> = {}): Alert => {
  const r = parseAlert(alert(overrides));
  if (!r.ok) throw new Error(r.reason);
  return r.alert;
};
const groupOf = (...alerts: Alert[]) => groupAlerts(alerts.map((a, i) => ({ alert: a, sequenceNumber: String(i) })))[0];

describe('formatNotification: one alert group as one SNS message', () => {
  it('summarizes the group in the subject and lists every alert in the body', () => {
    const n = formatNotification(groupOf(
      parsed({ event_time: '2026-01-15T08:00:12Z' }),
      parsed({ event_time: '2026-01-15T08:00:40Z', alert_type: 'vibration_anomaly', value: 55, threshold: 50,
        severity: 'critical', message: 'vibration 55 > 50' }),
    ));
    expect(n.subject).toBe('[kpufit] iot device-0001: 2 alerts at 2026-01-15T08:00:00Z');
    expect(n.message.split('\n')).toEqual([
      '2 alerts for iot device-0001 in the minute starting 2026-01-15T08:00:00Z',
      'types: temperature_anomaly, vibration_anomaly; highest severity: critical',
      '',
      '- 2026-01-15T08:00:12Z temperature_anomaly [high]: value 85.2, threshold 80: temperature 85.2 > 80',
      '- 2026-01-15T08:00:40Z vibration_anomaly [critical]: value 55, threshold 50: vibration 55 > 50',
    ]);
  });

  it('sets message attributes subscribers can filter on', () => {
    const n = formatNotification(groupOf(parsed(), parsed({ alert_type: 'pressure_anomaly', severity: 'warning' })));
    expect(n.attributes).toEqual({
      workload: { type: 'String', value: 'iot' },
      key: { type: 'String', value: 'device-0001' },
      alert_type: { type: 'String', value: 'temperature_anomaly,pressure_anomaly' },
      alert_count: { type: 'Number', value: '2' },
      severity: { type: 'String', value: 'high' },
    });
  });

  it('omits severity when no alert carries one and uses the singular for one alert', () => {
    const n = formatNotification(groupOf(parsed({ severity: undefined, workload: 'taxi', key: 'dr5ru',
      alert_type: 'hot_spot' })));
    expect(n.attributes.severity).toBeUndefined();
    expect(n.subject).toBe('[kpufit] taxi dr5ru: 1 alert at 2026-01-15T08:00:00Z');
    expect(n.message).toContain('types: hot_spot\n');
  });

  it(`lists at most ${MAX_ALERTS_LISTED} alerts and counts the rest`, () => {
    const alerts = Array.from({ length: MAX_ALERTS_LISTED + 5 }, (_, i) =>
      parsed({ event_time: Date.UTC(2026, 0, 15, 8, 0, i) }));
    const lines = formatNotification(groupOf(...alerts)).message.split('\n');
    expect(lines.filter((l) => l.startsWith('- '))).toHaveLength(MAX_ALERTS_LISTED);
    expect(lines[lines.length - 1]).toBe('... and 5 more in the same minute');
  });

  it('keeps the subject within SNS limits: printable ASCII, at most 100 characters', () => {
    const n = formatNotification(groupOf(parsed({ key: `Gerät-${'x'.repeat(120)}\n` })));
    expect(n.subject).toHaveLength(100);
    expect(n.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(n.subject.endsWith('...')).toBe(true);
  });
});

describe('highestSeverity', () => {
  it('ranks critical > high > warning > medium > low > info, case-insensitively, unknown lowest', () => {
    expect(highestSeverity([parsed({ severity: 'LOW' }), parsed({ severity: 'Critical' }), parsed({ severity: 'high' })]))
      .toBe('Critical');
    expect(highestSeverity([parsed({ severity: 'spicy' }), parsed({ severity: 'info' })])).toBe('info');
    expect(highestSeverity([parsed({ severity: undefined })])).toBeUndefined();
  });
});

describe('snsPublisher', () => {
  const sns = mockClient(SNSClient);
  afterEach(() => sns.reset());

  it('publishes subject, body and typed message attributes to the topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:kpufit-dev-alarms';
    await snsPublisher(new SNSClient({ region: 'eu-west-1' }), topicArn).publish({
      subject: 's', message: 'm', attributes: { workload: { type: 'String', value: 'iot' }, alert_count: { type: 'Number', value: '2' } },
    });
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([{
      TopicArn: topicArn, Subject: 's', Message: 'm',
      MessageAttributes: { workload: { DataType: 'String', StringValue: 'iot' }, alert_count: { DataType: 'Number', StringValue: '2' } },
    }]);
  });

  it('rejects when SNS rejects, so the caller can report the records', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    await expect(snsPublisher(new SNSClient({ region: 'eu-west-1' }), 'arn:aws:sns:eu-west-1:1:t')
      .publish({ subject: 's', message: 'm', attributes: {} })).rejects.toThrow('Rate exceeded');
  });
});
