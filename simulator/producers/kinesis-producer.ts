/**
 * The Kinesis producer, after amazon-kinesis-replay: batches records into PutRecords calls within the
 * service limits, keeps `concurrency` calls on the wire, retries what Kinesis refuses (per-record errors
 * and thrown throttling) with exponential backoff and full jitter, and dead-letters what is still refused
 * after the retry limit. Every record offered ends up acknowledged, failed or (after an abort) in flight.
 * Used over the real SDK client (kinesis target), over the twin's Kinesis (twin target) and over an
 * always-accepting KinesisApi (null target).
 */
import type { PutRecordsOutput, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { KinesisApi } from '../../calibration/aws-api';
import type { Clock } from '../../calibration/ports';
import type { OutRecord } from '../records';
import { DEFAULT_BACKOFF, fullJitterDelay, type BackoffOptions } from './backoff';
import type { DeadLetter, DeadLetterSink } from './dead-letter';
import { isRetryableCallError, isRetryableRecordError, isThrottling } from './kinesis-errors';
import { LatencyHistogram } from './latency';
import type { Producer, ProducerStats } from './producer';

/** PutRecords service limits. */
export const MAX_RECORDS_PER_CALL = 500;
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
/** Per record, data plus partition key. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export interface KinesisProducerOptions {
  api: KinesisApi;
  streamName: string;
  clock: Clock;
  /** PutRecords calls on the wire at once. Default 8. */
  concurrency?: number;
  /** Retries per record before it is dead-lettered. Default 8. */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** A partial batch is shipped once it is this old and the pacer is idle. Default 100 ms (as the KPL). */
  lingerMs?: number;
  /** Back-pressure thresholds: offer() returns false beyond either. */
  maxBufferedRecords?: number;
  maxBufferedBytes?: number;
  deadLetters?: DeadLetterSink;
  /** Source of jitter; seeded in tests. */
  random?: () => number;
}

interface Entry {
  data: Buffer;
  key: string;
  bytes: number;
  attempts: number;
  lastError?: { code: string; message: string };
}

interface Batch {
  entries: Entry[];
  bytes: number;
}

const newBatch = (): Batch => ({ entries: [], bytes: 0 });

export class KinesisProducer implements Producer {
  private readonly api: KinesisApi;
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly maxRetries: number;
  private readonly backoff: BackoffOptions;
  private readonly lingerMs: number;
  private readonly maxBufferedRecords: number;
  private readonly maxBufferedBytes: number;
  private readonly random: () => number;

  private current = newBatch();
  private currentSince = 0;
  private readonly queue: Batch[] = [];
  /** Batches sleeping before their retry: kept so an abort can account for (and dead-letter) them. */
  private readonly waiting = new Set<Batch>();
  private callsOnWire = 0;
  private buffered = 0;
  private bufferedBytes = 0;
  private aborted = false;
  private fatal: Error | undefined;
  private roomWaiters: Array<() => void> = [];
  private settleWaiters: Array<() => void> = [];

  private sent = 0;
  private acknowledged = 0;
  private failed = 0;
  private throttledRetries = 0;
  private retries = 0;
  private bytesAcknowledged = 0;
  private readonly latency = new LatencyHistogram();

  constructor(private readonly options: KinesisProducerOptions) {
    this.api = options.api;
    this.clock = options.clock;
    this.concurrency = options.concurrency ?? 8;
    this.maxRetries = options.maxRetries ?? 8;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.lingerMs = options.lingerMs ?? 100;
    this.maxBufferedRecords = options.maxBufferedRecords ?? Math.max(2000, this.concurrency * MAX_RECORDS_PER_CALL * 2);
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.random = options.random ?? Math.random;
  }

  get fatalError(): Error | undefined {
    return this.fatal;
  }

  offer(record: OutRecord): boolean {
    this.sent++;
    const data = Buffer.from(record.data, 'utf8');
    const bytes = data.length + Buffer.byteLength(record.partitionKey, 'utf8');
    const entry: Entry = { data, key: record.partitionKey, bytes, attempts: 0 };
    if (bytes > MAX_RECORD_BYTES) {
      this.fail([entry], 'RecordTooLarge', `record is ${bytes} bytes with its partition key; Kinesis takes at most ${MAX_RECORD_BYTES}`);
      return this.hasRoom();
    }
    if (this.aborted || this.fatal) {
      // Nothing will ship any more: keep the books straight and the record on file.
      this.buffered++;
      this.bufferedBytes += bytes;
      this.current.entries.push(entry);
      return false;
    }
    let batch = this.current;
    if (batch.entries.length === MAX_RECORDS_PER_CALL || batch.bytes + bytes > MAX_BYTES_PER_CALL) {
      this.seal();
      batch = this.current;
    }
    if (batch.entries.length === 0) this.currentSince = this.clock.now();
    batch.entries.push(entry);
    batch.bytes += bytes;
    this.buffered++;
    this.bufferedBytes += bytes;
    if (batch.entries.length === MAX_RECORDS_PER_CALL) this.seal();
    return this.hasRoom();
  }

  ready(): Promise<void> {
    if (this.hasRoom() || this.aborted || this.fatal) return Promise.resolve();
    // Full: ship the partial batch too, or a small buffer could wait on a batch that never fills.
    if (this.current.entries.length > 0) this.seal();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  tick(nowMs: number): void {
    if (this.current.entries.length > 0 && nowMs - this.currentSince >= this.lingerMs) this.seal();
  }

  async drain(): Promise<void> {
    if (this.current.entries.length > 0) this.seal();
    while (this.buffered > 0 && !this.aborted && !this.fatal) {
      await new Promise<void>((resolve) => this.settleWaiters.push(resolve));
    }
    if (this.fatal) await this.abort();
  }

  async abort(): Promise<void> {
    this.aborted = true;
    this.wake(this.roomWaiters);
    while (this.callsOnWire > 0) await new Promise<void>((resolve) => this.settleWaiters.push(resolve));
    // What never made it stays "in flight" in the books, and goes on file so nothing vanishes silently.
    const stranded = [this.current, ...this.queue, ...this.waiting].flatMap((b) => b.entries);
    this.current = newBatch();
    this.queue.length = 0;
    this.waiting.clear();
    this.options.deadLetters?.write(
      stranded.map((e) => this.letter(e, 'Aborted', 'the run stopped before Kinesis acknowledged the record')),
    );
    this.wake(this.settleWaiters);
  }

  stats(): ProducerStats {
    return {
      sent: this.sent,
      acknowledged: this.acknowledged,
      failed: this.failed,
      inFlight: this.sent - this.acknowledged - this.failed,
      throttledRetries: this.throttledRetries,
      retries: this.retries,
      bytesAcknowledged: this.bytesAcknowledged,
      putCalls: this.latency.count,
      p50PutMs: this.latency.quantile(0.5),
      p99PutMs: this.latency.quantile(0.99),
    };
  }

  private hasRoom(): boolean {
    return this.buffered < this.maxBufferedRecords && this.bufferedBytes < this.maxBufferedBytes;
  }

  private seal(): void {
    this.queue.push(this.current);
    this.current = newBatch();
    this.pump();
  }

  private pump(): void {
    while (!this.aborted && !this.fatal && this.callsOnWire < this.concurrency && this.queue.length > 0) {
      this.dispatch(this.queue.shift() as Batch);
    }
  }

  private dispatch(batch: Batch): void {
    this.callsOnWire++;
    const records: PutRecordsRequestEntry[] = new Array(batch.entries.length);
    for (let i = 0; i < batch.entries.length; i++) {
      const e = batch.entries[i];
      e.attempts++;
      records[i] = { Data: e.data, PartitionKey: e.key };
    }
    const started = this.clock.now();
    let call: Promise<PutRecordsOutput>;
    try {
      // Promise.resolve: a hand-written KinesisApi may answer synchronously.
      call = Promise.resolve(this.api.putRecords({ StreamName: this.options.streamName, Records: records }));
    } catch (err) {
      call = Promise.reject(err);
    }
    call.then(
      (out) => this.settle(started, () => this.onResult(batch, out)),
      (err) => this.settle(started, () => this.onError(batch, err)),
    );
  }

  private settle(started: number, handle: () => void): void {
    this.callsOnWire--;
    this.latency.record(this.clock.now() - started);
    handle();
    this.pump();
    if (this.hasRoom()) this.wake(this.roomWaiters);
    this.wake(this.settleWaiters);
  }

  private onResult(batch: Batch, out: PutRecordsOutput): void {
    const results = out.Records ?? [];
    if (!out.FailedRecordCount && results.length === batch.entries.length) {
      this.acknowledge(batch.entries);
      return;
    }
    const ok: Entry[] = [];
    const again: Entry[] = [];
    const given: Entry[] = [];
    for (let i = 0; i < batch.entries.length; i++) {
      const e = batch.entries[i];
      const r = results[i];
      // A response shorter than the request is a service fault: retry the unanswered records.
      const code = r ? r.ErrorCode : 'InternalFailure';
      if (!code) {
        ok.push(e);
        continue;
      }
      e.lastError = { code, message: r?.ErrorMessage ?? 'no result for this record in the PutRecords response' };
      if (isRetryableRecordError(code) && e.attempts <= this.maxRetries) {
        again.push(e);
        if (isThrottling(code)) this.throttledRetries++;
      } else {
        given.push(e);
      }
    }
    this.acknowledge(ok);
    this.failEntries(given);
    this.retryLater(again);
  }

  private onError(batch: Batch, err: unknown): void {
    const e = err as { name?: string; message?: string };
    const code = e?.name ?? 'Error';
    const message = e?.message ?? String(err);
    for (const entry of batch.entries) entry.lastError = { code, message };
    if (!isRetryableCallError(err)) {
      // Retrying will not help (no such stream, no permission): stop the run, keep the records on file.
      this.fatal = err instanceof Error ? err : new Error(`${code}: ${message}`);
      this.failEntries(batch.entries);
      this.wake(this.roomWaiters);
      return;
    }
    const again = batch.entries.filter((x) => x.attempts <= this.maxRetries);
    const given = batch.entries.filter((x) => x.attempts > this.maxRetries);
    if (isThrottling(code)) this.throttledRetries += again.length;
    this.failEntries(given);
    this.retryLater(again);
  }

  private retryLater(entries: Entry[]): void {
    if (entries.length === 0) return;
    this.retries += entries.length;
    const batch: Batch = { entries, bytes: entries.reduce((s, e) => s + e.bytes, 0) };
    if (this.aborted) {
      this.waiting.add(batch);
      return;
    }
    const retry = Math.max(...entries.map((e) => e.attempts));
    this.waiting.add(batch);
    void this.clock.sleep(fullJitterDelay(retry, this.backoff, this.random)).then(() => {
      if (!this.waiting.delete(batch)) return; // accounted for by an abort meanwhile
      if (this.aborted || this.fatal) {
        this.waiting.add(batch);
        return;
      }
      // Retries go first: they are the oldest records, and Kinesis orders by arrival per shard.
      this.queue.unshift(batch);
      this.pump();
    });
  }

  private acknowledge(entries: Entry[]): void {
    for (const e of entries) {
      this.bytesAcknowledged += e.bytes;
      this.bufferedBytes -= e.bytes;
    }
    this.acknowledged += entries.length;
    this.buffered -= entries.length;
  }

  private failEntries(entries: Entry[]): void {
    if (entries.length === 0) return;
    for (const e of entries) this.bufferedBytes -= e.bytes;
    this.buffered -= entries.length;
    this.options.deadLetters?.write(
      entries.map((e) => this.letter(e, e.lastError?.code ?? 'Error', e.lastError?.message ?? 'unknown error')),
    );
    this.failed += entries.length;
  }

  /** For records that never entered the buffer. */
  private fail(entries: Entry[], code: string, message: string): void {
    this.options.deadLetters?.write(entries.map((e) => this.letter(e, code, message)));
    this.failed += entries.length;
  }

  private letter(e: Entry, code: string, message: string): DeadLetter {
    return { partitionKey: e.key, data: e.data.toString('utf8'), errorCode: code, errorMessage: message, attempts: e.attempts };
  }

  private wake(waiters: Array<() => void>): void {
    if (waiters.length === 0) return;
    const all = waiters.splice(0, waiters.length);
    for (const w of all) w();
  }
}
