import { decodeRecord } from '../../../../stacks/lambda/alerts/decode';
import { alert, jsonRecord, rawRecord } from './kinesis-event';

describe('decodeRecord: a Kinesis record becomes an alert or a malformed record', () => {
  it('decodes the base64 payload into the alert the Flink job wrote', () => {
    const decoded = decodeRecord(jsonRecord('100', alert({ window_start: '2026-01-15T08:00:00.000Z' })));
    expect(decoded).toEqual({
      kind: 'alert',
      sequenceNumber: '100',
      alert: {
        alert_type: 'temperature_anomaly', workload: 'iot', key: 'device-0001', severity: 'high', value: 85.2,
        threshold: 80, event_time: '2026-01-15T08:00:12.000Z', eventTimeMs: Date.UTC(2026, 0, 15, 8, 0, 12),
        window_start: '2026-01-15T08:00:00.000Z', message: 'temperature 85.2 > 80',
      },
    });
  });

  it('keeps non-ASCII text intact through base64 and UTF-8', () => {
    const decoded = decodeRecord(jsonRecord('1', alert({ message: 'Temperatur über 80 °C' })));
    expect(decoded.kind === 'alert' && decoded.alert.message).toBe('Temperatur über 80 °C');
  });

  it('accepts epoch milliseconds as event_time and a numeric cell id as key', () => {
    const ms = Date.UTC(2026, 0, 15, 8, 1, 0);
    const decoded = decodeRecord(jsonRecord('1', alert({ event_time: ms, key: 42, workload: 'taxi' })));
    expect(decoded).toMatchObject({ kind: 'alert', alert: { key: '42', eventTimeMs: ms, event_time: ms } });
  });

  it('treats severity and window_start as optional', () => {
    const { severity: _s, ...withoutSeverity } = alert();
    const decoded = decodeRecord(jsonRecord('1', { ...withoutSeverity, window_start: null }));
    expect(decoded.kind).toBe('alert');
    expect(decoded.kind === 'alert' && 'severity' in decoded.alert).toBe(false);
    expect(decoded.kind === 'alert' && 'window_start' in decoded.alert).toBe(false);
  });

  it('writes a message when the record has none', () => {
    const decoded = decodeRecord(jsonRecord('1', alert({ message: undefined })));
    expect(decoded.kind === 'alert' && decoded.alert.message).toBe('temperature_anomaly: 85.2 exceeds threshold 80');
  });

  it("reads the Flink job's IoT anomaly line (alert, device_id, sensor_type)", () => {
    const line = { workload: 'iot', alert: 'anomaly', event_time: '2026-01-15T08:00:12Z', device_id: 'device-0007',
      sensor_type: 'vibration', value: 55.5, threshold: 50, unit: 'mm/s', location: 'plant-2/line-1' };
    expect(decodeRecord(jsonRecord('1', line))).toMatchObject({ kind: 'alert', alert: {
      alert_type: 'anomaly', workload: 'iot', key: 'device-0007', value: 55.5, threshold: 50,
      eventTimeMs: Date.UTC(2026, 0, 15, 8, 0, 12), message: 'anomaly (vibration): 55.5 exceeds threshold 50',
    } });
  });

  it("reads the Flink job's taxi hot-spot line (pickup_cell, pickups, window times)", () => {
    const line = { workload: 'taxi', alert: 'hotspot', window_start: '2026-01-15T08:00:00Z',
      window_end: '2026-01-15T08:01:00Z', pickup_cell: 'dr5ru7', pickups: 57, threshold: 50 };
    expect(decodeRecord(jsonRecord('1', line))).toMatchObject({ kind: 'alert', alert: {
      alert_type: 'hotspot', key: 'dr5ru7', value: 57, threshold: 50, eventTimeMs: Date.UTC(2026, 0, 15, 8, 1),
      window_start: '2026-01-15T08:00:00Z', message: 'hotspot: 57 exceeds threshold 50',
    } });
  });

  it('prefers the documented field names when both shapes are present', () => {
    const decoded = decodeRecord(jsonRecord('1', alert({ alert: 'other', device_id: 'device-9', pickups: 1 })));
    expect(decoded).toMatchObject({ alert: { alert_type: 'temperature_anomaly', key: 'device-0001', value: 85.2 } });
  });

  it.each([
    ['data that is not base64', rawRecord('7', 'not base64!'), 'data is not base64'],
    ['empty data', rawRecord('7', ''), 'data is not base64'],
    ['bytes that are not UTF-8', rawRecord('7', Buffer.from([0xff, 0xfe, 0x7b]).toString('base64')), 'payload is not UTF-8'],
    ['text that is not JSON', rawRecord('7', Buffer.from('{"alert_type":').toString('base64')), 'payload is not JSON'],
    ['a JSON array', jsonRecord('7', [alert()]), 'not a JSON object'],
    ['a JSON string', jsonRecord('7', 'alert'), 'not a JSON object'],
    ['a missing alert_type', jsonRecord('7', alert({ alert_type: undefined })), 'alert_type: must be a non-empty string'],
    ['an empty workload', jsonRecord('7', alert({ workload: ' ' })), 'workload: must be a non-empty string'],
    ['a missing key', jsonRecord('7', alert({ key: undefined })), 'key: must be a non-empty string'],
    ['a value that is text', jsonRecord('7', alert({ value: '85.2' })), 'value: must be a finite number'],
    ['a missing threshold', jsonRecord('7', alert({ threshold: undefined })), 'threshold: must be a finite number'],
    ['an event_time that is not a time', jsonRecord('7', alert({ event_time: 'yesterday' })),
      'event_time: must be ISO-8601 text or epoch milliseconds'],
    ['an impossible date', jsonRecord('7', alert({ event_time: '2026-13-45T99:00:00Z' })),
      'event_time: must be ISO-8601 text or epoch milliseconds'],
    ['a negative epoch', jsonRecord('7', alert({ event_time: -1 })),
      'event_time: must be ISO-8601 text or epoch milliseconds'],
    ['a severity that is a number', jsonRecord('7', alert({ severity: 3 })), 'severity: must be a non-empty string when present'],
    ['a window_start that is not a time', jsonRecord('7', alert({ window_start: 'soon' })),
      'window_start: must be ISO-8601 text or epoch milliseconds when present'],
    ['a message that is not text', jsonRecord('7', alert({ message: 42 })), 'message: must be a non-empty string when present'],
  ])('marks %s as malformed with the reason', (_what, record, reason) => {
    expect(decodeRecord(record)).toEqual({ kind: 'malformed', sequenceNumber: '7', reason });
  });
});
