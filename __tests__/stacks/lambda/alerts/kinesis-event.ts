/** Builders for the Kinesis events Lambda hands the alerts handler, as the event source mapping sends them. */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

export const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/kpufit-dev-alerts';

export function alert(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alert_type: 'temperature_anomaly', workload: 'iot', key: 'device-0001', severity: 'high',
    value: 85.2, threshold: 80, event_time: '2026-01-15T08:00:12.000Z', message: 'temperature 85.2 > 80',
    ...overrides,
  };
}

/** A record whose data is exactly `data` (already base64, or deliberately not). */
export function rawRecord(sequenceNumber: string, data: string): KinesisStreamRecord {
  return {
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record', eventSource: 'aws:kinesis', eventVersion: '1.0',
    eventSourceARN: STREAM_ARN, awsRegion: 'eu-west-1',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/kpufit-dev-alerts',
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'device-0001', sequenceNumber, data,
      approximateArrivalTimestamp: 1768464012 },
  };
}

export function jsonRecord(sequenceNumber: string, payload: unknown): KinesisStreamRecord {
  return rawRecord(sequenceNumber, Buffer.from(JSON.stringify(payload), 'utf8').toString('base64'));
}

export function event(...records: KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: records };
}
