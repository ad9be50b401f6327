/**
 * Feeds the input stream with the load generator's own events (simulator/workloads), stamped with the wall
 * clock, plus a share of deliberately malformed records of every kind, in PutRecords batches.
 */
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { MALFORMED_KINDS, malformedRecord } from '../../simulator/malformed';
import { createWorkload, type WorkloadName } from '../../simulator/workloads';

export interface FeedCounts {
  events: number;
  malformed: number;
}

export interface FeedOptions {
  client: KinesisClient;
  streamArn: string;
  workload: WorkloadName;
  ratePerSecond: number;
  durationMs: number;
  /** Every n-th record is malformed (0: none). */
  malformedEvery: number;
  signal?: AbortSignal;
  onBatch?: (counts: FeedCounts) => void;
}

const BATCH_INTERVAL_MS = 200;

export async function feed(options: FeedOptions): Promise<FeedCounts> {
  const workload = createWorkload(options.workload, { seed: 42, anomalyShare: 0.02 });
  const counts: FeedCounts = { events: 0, malformed: 0 };
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < options.durationMs && !options.signal?.aborted) {
    const due = Math.floor(((Date.now() - started) / 1000) * options.ratePerSecond) - sent;
    const records: PutRecordsRequestEntry[] = [];
    for (let i = 0; i < Math.min(due, 500); i++) {
      const generated = workload.next(Date.now());
      sent++;
      let data = JSON.stringify(generated.event);
      if (options.malformedEvery > 0 && sent % options.malformedEvery === 0) {
        const kind = MALFORMED_KINDS[(sent / options.malformedEvery) % MALFORMED_KINDS.length];
        data = malformedRecord(options.workload, generated.event, kind);
        counts.malformed++;
      } else {
        counts.events++;
      }
      records.push({ Data: Buffer.from(data), PartitionKey: generated.key });
    }
    if (records.length > 0) {
      const result = await options.client.send(new PutRecordsCommand({ StreamARN: options.streamArn, Records: records }));
      if (result.FailedRecordCount) {
        throw new Error(`PutRecords: ${result.FailedRecordCount} of ${records.length} records rejected by the emulator`);
      }
      options.onBatch?.(counts);
    }
    await new Promise((r) => setTimeout(r, BATCH_INTERVAL_MS));
  }
  return counts;
}
