/** Kinesis events carrying what the load generator (simulator/workloads) and the shared fixtures send. */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { createWorkload, type WorkloadName } from '../../../../simulator/workloads';
import { fixtureLines } from '../../../simulator/helpers/fixtures';

export const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/kpufit-dev-input';
/** 2026-01-15T08:00:12Z, as Kinesis stamps arrival: epoch seconds with a fraction. */
export const ARRIVAL_SECONDS = 1768464012.345;

export function rawRecord(sequenceNumber: string, data: string, partitionKey = 'key'): KinesisStreamRecord {
  return {
    eventID: `shardId-000000000003:${sequenceNumber}`,
    eventName: 'aws:kinesis:record', eventSource: 'aws:kinesis', eventVersion: '1.0',
    eventSourceARN: STREAM_ARN, awsRegion: 'eu-west-1',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/kpufit-dev-processor-lambda',
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey, sequenceNumber, data, approximateArrivalTimestamp: ARRIVAL_SECONDS },
  };
}

export const textRecord = (sequenceNumber: string, text: string) => rawRecord(sequenceNumber, Buffer.from(text, 'utf8').toString('base64'));

/** `n` records exactly as `kpufit load` would put them: the generator's events, keyed by entity. */
export function generated(workload: WorkloadName, n: number, firstSequence = 100, options: { anomalyShare?: number } = {}):
  { records: KinesisStreamRecord[]; events: Record<string, any>[] } {
  const w = createWorkload(workload, { seed: 7, ...options });
  const t0 = Date.UTC(2026, 0, 15, 8, 0, 0);
  const made = Array.from({ length: n }, (_, i) => w.next(t0 + i * 250));
  return {
    events: made.map((g) => g.event as Record<string, any>),
    records: made.map((g, i) => rawRecord(String(firstSequence + i), Buffer.from(JSON.stringify(g.event)).toString('base64'), g.key)),
  };
}

/** Every line of a shared fixture file, as records. */
export const fixtureRecords = (file: string, firstSequence = 500) =>
  fixtureLines(file).map((line, i) => textRecord(String(firstSequence + i), line));

export const event = (...records: KinesisStreamRecord[]): KinesisStreamEvent => ({ Records: records });
