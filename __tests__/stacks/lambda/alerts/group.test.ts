import { type Alert, parseAlert } from '../../../../stacks/lambda/alerts/alert';
import { groupAlerts, minuteStart } from '../../../../stacks/lambda/alerts/group';
import { alert } from './kinesis-event';

const parsed = (overrides: Record<string, unknown>): Alert => {
  const r = parseAlert(alert(overrides));
  if (!r.ok) throw new Error(r.reason);
  return r.alert;
};
const item = (seq: string, overrides: Record<string, unknown>) => ({ sequenceNumber: seq, alert: parsed(overrides) });

describe('groupAlerts: one group per workload, device/cell and event-time minute', () => {
  it('puts a burst from one device within one minute into a single group', () => {
    const groups = groupAlerts([
      item('1', { event_time: '2026-01-15T08:00:01Z' }),
      item('2', { event_time: '2026-01-15T08:00:30Z', alert_type: 'pressure_anomaly' }),
      item('3', { event_time: '2026-01-15T08:00:59.999Z' }),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ workload: 'iot', key: 'device-0001', minuteStartMs: Date.UTC(2026, 0, 15, 8, 0),
      sequenceNumbers: ['1', '2', '3'] });
    expect(groups[0].alerts.map((a) => a.alert_type)).toEqual(['temperature_anomaly', 'pressure_anomaly', 'temperature_anomaly']);
  });

  it('splits the same device across a minute boundary', () => {
    const groups = groupAlerts([item('1', { event_time: '2026-01-15T08:00:59Z' }), item('2', { event_time: '2026-01-15T08:01:00Z' })]);
    expect(groups.map((g) => g.sequenceNumbers)).toEqual([['1'], ['2']]);
  });

  it('keeps devices, cells and workloads apart even when keys are equal', () => {
    const groups = groupAlerts([
      item('1', { key: 'device-0001' }), item('2', { key: 'device-0002' }),
      item('3', { key: 'dr5ru', workload: 'taxi' }), item('4', { key: 'dr5ru', workload: 'clickstream' }),
      item('5', { key: 'device-0001' }),
    ]);
    expect(groups.map((g) => [g.workload, g.key, g.sequenceNumbers])).toEqual([
      ['iot', 'device-0001', ['1', '5']], ['iot', 'device-0002', ['2']],
      ['taxi', 'dr5ru', ['3']], ['clickstream', 'dr5ru', ['4']],
    ]);
  });

  it('orders alerts in a group by event time even when the stream delivered them out of order', () => {
    const [group] = groupAlerts([item('1', { event_time: '2026-01-15T08:00:40Z', value: 90 }),
      item('2', { event_time: '2026-01-15T08:00:10Z', value: 81 })]);
    expect(group.alerts.map((a) => a.value)).toEqual([81, 90]);
    expect(group.sequenceNumbers).toEqual(['1', '2']);
  });

  it('returns no groups for no alerts', () => {
    expect(groupAlerts([])).toEqual([]);
  });

  it('floors to the minute in UTC', () => {
    expect(minuteStart(Date.UTC(2026, 0, 15, 8, 59, 59, 999))).toBe(Date.UTC(2026, 0, 15, 8, 59));
  });
});
