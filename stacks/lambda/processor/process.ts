/**
 * One batch of the input stream: decode, validate, enrich, write one newline-delimited JSON object, publish
 * the batch's business metrics. The contract with Lambda's event source mapping (ReportBatchItemFailures):
 * - a record that cannot be read or fails its workload's schema is logged and counted by reason, never
 *   reported, so it cannot stall the shard;
 * - when the object cannot be written, every readable record is reported and Lambda retries the batch from
 *   the lowest one; the object key is derived from the batch, so the retry overwrites rather than duplicates;
 * - when retries or record age run out, Lambda sends the batch's shard/sequence range to the on-failure queue.
 */
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { EmfMetric } from '../shared/emf';
import { compareSequenceNumbers, decodeJsonRecord } from '../shared/kinesis-json';
import { type Amounts, BUSINESS_METRICS, processRecord, type Workload } from './enrich';
import type { MetricPublisher, MetricSet } from './metrics';
import { batchObjectKey } from './object-key';
import type { ObjectWriter } from './s3-writer';

export interface StreamProcessorDeps {
  readonly workload: Workload;
  readonly writer: ObjectWriter;
  readonly metrics: MetricPublisher;
  /** Epoch milliseconds now: processed_at and the metrics' timestamp. */
  readonly clock: () => number;
  /** One log line to stdout. */
  readonly writeLine: (line: string) => void;
  /** Key prefix of the objects, ending in "/", e.g. `processed-data/`. */
  readonly prefix: string;
  readonly metricsNamespace: string;
  /** The FunctionName dimension (AWS_LAMBDA_FUNCTION_NAME in Lambda). */
  readonly functionName: string;
}

export type StreamProcessorHandler = (event: KinesisStreamEvent, context?: Pick<Context, 'awsRequestId'>) =>
  Promise<KinesisStreamBatchResponse>;

export const NDJSON = 'application/x-ndjson';

export function createStreamProcessor(deps: StreamProcessorDeps): StreamProcessorHandler {
  return async (event, context) => {
    const requestId = context?.awsRequestId;
    const log = (level: 'WARN' | 'ERROR', msg: string, fields: Record<string, unknown>) =>
      deps.writeLine(JSON.stringify({ level, msg, ...(requestId ? { requestId } : {}), ...fields }));
    const records: KinesisStreamRecord[] = event.Records ?? [];
    const now = deps.clock();

    const rows: string[] = [];
    const sequenceNumbers: string[] = [];
    const failures = new Map<string, number>();
    const amounts: Amounts = Object.fromEntries(Object.keys(BUSINESS_METRICS[deps.workload]).map((k) => [k, 0]));
    records.forEach((record) => {
      const decoded = decodeJsonRecord(record);
      const processed = decoded.kind === 'json' ? processRecord(deps.workload, decoded.json, now) : undefined;
      if (processed?.ok) {
        rows.push(JSON.stringify(processed.row));
        sequenceNumbers.push(record.kinesis.sequenceNumber);
        for (const [k, v] of Object.entries(processed.amounts)) amounts[k] += v;
        return;
      }
      const reason = decoded.kind === 'unreadable' ? decoded.reason : processed!.reason;
      const detail = decoded.kind === 'unreadable' ? decoded.detail : (processed as { detail: string }).detail;
      failures.set(reason, (failures.get(reason) ?? 0) + 1);
      log('WARN', 'record skipped', {
        reason, detail, sequenceNumber: record.kinesis.sequenceNumber, partitionKey: record.kinesis.partitionKey,
      });
    });

    let written = rows.length === 0;
    if (rows.length > 0) {
      const key = batchObjectKey(deps.prefix, deps.workload, records);
      try {
        await deps.writer.put(key, `${rows.join('\n')}\n`, NDJSON);
        written = true;
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        log('ERROR', 'writing the batch failed; records reported for retry', { key, records: rows.length, error: error.name, detail: error.message });
      }
    }

    await publishMetrics(deps, now, { processed: written ? rows.length : 0, failures, amounts: written ? amounts : undefined,
      writeFailed: !written, requestId }, log);
    const failed = written ? [] : [...sequenceNumbers].sort(compareSequenceNumbers);
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

async function publishMetrics(deps: StreamProcessorDeps, timestampMs: number, batch: {
  processed: number; failures: Map<string, number>; amounts?: Amounts; writeFailed: boolean; requestId?: string;
}, log: (level: 'ERROR', msg: string, fields: Record<string, unknown>) => void): Promise<void> {
  const base = { FunctionName: deps.functionName, Workload: deps.workload };
  const count = (name: string, value: number): EmfMetric => ({ name, unit: 'Count', value });
  const totalFailed = [...batch.failures.values()].reduce((a, b) => a + b, 0);
  const units = BUSINESS_METRICS[deps.workload];
  const sets: MetricSet[] = [{
    dimensions: base,
    metrics: [
      count('RecordsProcessed', batch.processed),
      count('RecordsFailed', totalFailed),
      count('BatchWriteFailures', batch.writeFailed ? 1 : 0),
      // Sums only count once the object is written: a retried batch is counted when it lands.
      ...Object.entries(batch.amounts ?? {}).map(([name, value]) => ({ name, unit: units[name], value })),
    ],
  }];
  // Its own name rather than RecordsFailed with one more dimension: a metric is then one series per
  // dimension set whatever the query, in CloudWatch and in emulators that match dimensions loosely (moto).
  for (const [reason, n] of batch.failures) sets.push({ dimensions: { ...base, Reason: reason }, metrics: [count('RecordsFailedByReason', n)] });
  try {
    await deps.metrics.publish(deps.metricsNamespace, timestampMs, sets, batch.requestId ? { requestId: batch.requestId } : undefined);
  } catch (e) {
    // Metrics never fail the batch: the records are in S3 and a retry would only write them again.
    log('ERROR', 'publishing metrics failed', { error: (e as Error).name, detail: (e as Error).message });
  }
}
