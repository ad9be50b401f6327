/**
 * Where one batch's object goes: `<prefix><workload>/dt=yyyy-MM-dd/hour=HH/<shard>-<first>-<last>.jsonl`.
 * The date and hour are the first record's arrival time (UTC) and the name is the shard and sequence range,
 * so a retried batch rewrites the same object instead of adding a duplicate.
 */
import type { KinesisStreamRecord } from 'aws-lambda';

export function batchObjectKey(prefix: string, workload: string, records: readonly KinesisStreamRecord[]): string {
  if (records.length === 0) throw new Error('batchObjectKey: a batch has at least one record');
  const first = records[0];
  const last = records[records.length - 1];
  const arrival = new Date(Math.floor(first.kinesis.approximateArrivalTimestamp * 1000)).toISOString();
  // eventID is "<shardId>:<sequenceNumber>".
  const shard = first.eventID.split(':')[0] || 'shard';
  return `${prefix}${workload}/dt=${arrival.slice(0, 10)}/hour=${arrival.slice(11, 13)}/` +
    `${shard}-${first.kinesis.sequenceNumber}-${last.kinesis.sequenceNumber}.jsonl`;
}
