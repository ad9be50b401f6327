/**
 * Where the Kinesis producer ships a sealed batch. Over a KinesisApi (the SDK client or the twin's
 * Kinesis) a batch becomes one PutRecords call, UTF-8 encoded as the API takes it; the null sink accepts
 * every batch as it is and drops it, so the `null` target measures generation, serialization and batching
 * with nothing behind them.
 */
import type { PutRecordsOutput, PutRecordsRequestEntry, PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { KinesisApi } from '../../core/aws-api';

/** A record on its way to the stream: the JSON line and its partition key. */
export interface SinkRecord {
  data: string;
  partitionKey: string;
}

export interface BatchSink {
  /** Ships the records (<= 500, <= 5 MiB) and answers as PutRecords does, record by record in order. */
  put(records: readonly SinkRecord[]): Promise<PutRecordsOutput>;
}

export function kinesisSink(api: KinesisApi, streamName: string): BatchSink {
  return {
    put(records) {
      const entries: PutRecordsRequestEntry[] = new Array(records.length);
      for (let i = 0; i < records.length; i++) entries[i] = { Data: Buffer.from(records[i].data, 'utf8'), PartitionKey: records[i].partitionKey };
      return api.putRecords({ StreamName: streamName, Records: entries });
    },
  };
}

const ACCEPTED: PutRecordsResultEntry = { SequenceNumber: '0', ShardId: 'shardId-000000000000' };
const ALL_ACCEPTED: PutRecordsResultEntry[] = new Array(500).fill(ACCEPTED);

export const nullSink: BatchSink = {
  async put(records) {
    return { FailedRecordCount: 0, Records: records.length === 500 ? ALL_ACCEPTED : ALL_ACCEPTED.slice(0, records.length) };
  },
};
