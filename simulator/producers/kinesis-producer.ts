/**
 * The Kinesis producer, after amazon-kinesis-replay: batches records into PutRecords calls within the
 * service limits, keeps `concurrency` calls on the wire, retries what Kinesis refuses (per-record errors
 * and thrown throttling) with exponential backoff and full jitter, and dead-letters what is still refused
 * after the retry limit. Every record offered ends up acknowledged, failed or (after an abort) in flight.
 * Used over the real SDK client (kinesis target), over the twin's Kinesis (twin target) and over the
 * null sink (null target).
 */
import type { PutRecordsOutput } from '@aws-sdk/client-kinesis';
import type { KinesisApi } from '../../core/aws-api';
import type { Clock } from '../../core/clock';
import type { OutRecord } from '../records';
import { DEFAULT_BACKOFF, fullJitterDelay, type BackoffOptions } from './backoff';
import { kinesisSink, type BatchSink } from './batch-sink';
import type { DeadLetter, DeadLetterSink } from './dead-letter';
import { isRetryableCallError, isRetryableRecordError, isThrottling } from './kinesis-errors';
import { LatencyHistogram } from './latency';
import { Prng } from '../../core/prng';
import type { Producer, ProducerStats } from './producer';

/** PutRecords service limits. */
export const MAX_RECORDS_PER_CALL = 500;
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
/** Per record, data plus partition key. */
export const MAX_RECORD_BYTES = 1024 * 1024;

interface ProducerTuning {
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
  /** Source of jitter. Default: a PRNG seeded with 1, so runs on the twin repeat exactly. */
  random?: () => number;
}

export type KinesisProducerOptions = ProducerTuning & ({ api: KinesisApi; streamName: string } | { sink: BatchSink });

interface Failure {
  code: string;
  message: string;
}

/**
 * Records that travel together: a PutRecords call, or the part of one that is retried. Every record in
 * a batch has been attempted equally often, so attempts is per batch; per-record data sits in parallel
 * arrays (no object per record on the hot path).
 */
interface Batch {
  records: OutRecord[];
  /** UTF-8 bytes of each record's data plus partition key: what Kinesis meters and limits. */
  sizes: number[];
  bytes: number;
  attempts: number;
  /** Why each record was refused last time (retry batches only). */
  failures?: Failure[];
}

const newBatch = (): Batch => ({ records: [], sizes: [], bytes: 0, attempts: 0 });

export class KinesisProducer implements Producer {
  private readonly sink: BatchSink;
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
  /** Records over 1 MiB: failed at once, never retried. */
  private tooLarge = 0;
  private throttledRetries = 0;
  private retries = 0;
  private bytesAcknowledged = 0;
  private readonly latency = new LatencyHistogram();

  constructor(private readonly options: KinesisProducerOptions) {
    this.sink = 'sink' in options ? options.sink : kinesisSink(options.api, options.streamName);
    this.clock = options.clock;
    this.concurrency = options.concurrency ?? 8;
    this.maxRetries = options.maxRetries ?? 8;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.lingerMs = options.lingerMs ?? 100;
    this.maxBufferedRecords = options.maxBufferedRecords ?? Math.max(2000, this.concurrency * MAX_RECORDS_PER_CALL * 2);
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    if (options.random) {
      this.random = options.random;
    } else {
      const prng = new Prng(1);
      this.random = () => prng.next();
    }
  }

  get fatalError(): Error | undefined {
    return this.fatal;
  }

  offer(record: OutRecord): boolean {
    this.sent++;
    const size = record.bytes ?? Buffer.byteLength(record.data, 'utf8') + Buffer.byteLength(record.partitionKey, 'utf8');
    if (size > MAX_RECORD_BYTES) {
      const message = `record is ${size} bytes with its partition key; Kinesis takes at most ${MAX_RECORD_BYTES}`;
      this.options.deadLetters?.write([letter(record, 0, { code: 'RecordTooLarge', message })]);
      this.failed++;
      this.tooLarge++;
      return this.hasRoom();
    }
    let batch = this.current;
    if (this.aborted || this.fatal) {
      // Nothing will ship any more: keep the books straight and the record on file.
      batch.records.push(record);
      batch.sizes.push(size);
      this.buffered++;
      this.bufferedBytes += size;
      return false;
    }
    if (batch.records.length === MAX_RECORDS_PER_CALL || batch.bytes + size > MAX_BYTES_PER_CALL) {
      this.seal();
      batch = this.current;
    }
    if (batch.records.length === 0) this.currentSince = this.clock.now();
    batch.records.push(record);
    batch.sizes.push(size);
    batch.bytes += size;
    this.buffered++;
    this.bufferedBytes += size;
    if (batch.records.length === MAX_RECORDS_PER_CALL) this.seal();
    return this.hasRoom();
  }

  ready(): Promise<void> {
    if (this.hasRoom() || this.aborted || this.fatal) return Promise.resolve();
    // Full: ship the partial batch too, or a small buffer could wait on a batch that never fills.
    if (this.current.records.length > 0) this.seal();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  tick(nowMs: number): void {
    if (this.current.records.length > 0 && nowMs - this.currentSince >= this.lingerMs) this.seal();
  }

  async drain(): Promise<void> {
    if (this.current.records.length > 0) this.seal();
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
    const stranded = [this.current, ...this.queue, ...this.waiting];
    this.current = newBatch();
    this.queue.length = 0;
    this.waiting.clear();
    const aborted = { code: 'Aborted', message: 'the run stopped before Kinesis acknowledged the record' };
    this.options.deadLetters?.write(stranded.flatMap((b) => b.records.map((r) => letter(r, b.attempts, aborted))));
    this.wake(this.settleWaiters);
  }

  stats(): ProducerStats {
    return {
      sent: this.sent,
      acknowledged: this.acknowledged,
      failed: this.failed,
      rejectedTooLarge: this.tooLarge,
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
    batch.attempts++;
    const started = this.clock.now();
    let call: Promise<PutRecordsOutput>;
    try {
      // Promise.resolve: a hand-written sink may answer synchronously.
      call = Promise.resolve(this.sink.put(batch.records));
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
    const n = batch.records.length;
    if (!out.FailedRecordCount && results.length === n) {
      this.acknowledge(batch.bytes, n);
      return;
    }
    const canRetry = batch.attempts <= this.maxRetries;
    const again = newBatch();
    const given = newBatch();
    again.attempts = given.attempts = batch.attempts;
    again.failures = [];
    given.failures = [];
    let okBytes = 0;
    let ok = 0;
    for (let i = 0; i < n; i++) {
      const r = results[i];
      // A response shorter than the request is a service fault: retry the unanswered records.
      const code = r ? r.ErrorCode : 'InternalFailure';
      if (!code) {
        ok++;
        okBytes += batch.sizes[i];
        continue;
      }
      const failure = { code, message: r?.ErrorMessage ?? 'no result for this record in the PutRecords response' };
      const into = canRetry && isRetryableRecordError(code) ? again : given;
      if (into === again && isThrottling(code)) this.throttledRetries++;
      into.records.push(batch.records[i]);
      into.sizes.push(batch.sizes[i]);
      into.bytes += batch.sizes[i];
      into.failures!.push(failure);
    }
    this.acknowledge(okBytes, ok);
    this.failBatch(given);
    this.retryLater(again);
  }

  private onError(batch: Batch, err: unknown): void {
    const e = err as { name?: string; message?: string };
    const failure = { code: e?.name ?? 'Error', message: e?.message ?? String(err) };
    batch.failures = batch.records.map(() => failure);
    if (!isRetryableCallError(err)) {
      // Retrying will not help (no such stream, no permission): stop the run, keep the records on file.
      this.fatal = err instanceof Error ? err : new Error(`${failure.code}: ${failure.message}`);
      this.failBatch(batch);
      this.wake(this.roomWaiters);
      return;
    }
    if (batch.attempts > this.maxRetries) {
      this.failBatch(batch);
      return;
    }
    if (isThrottling(failure.code)) this.throttledRetries += batch.records.length;
    this.retryLater(batch);
  }

  private retryLater(batch: Batch): void {
    if (batch.records.length === 0) return;
    this.retries += batch.records.length;
    this.waiting.add(batch);
    if (this.aborted) return;
    void this.clock.sleep(fullJitterDelay(batch.attempts, this.backoff, this.random)).then(() => {
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

  private acknowledge(bytes: number, count: number): void {
    this.bytesAcknowledged += bytes;
    this.bufferedBytes -= bytes;
    this.acknowledged += count;
    this.buffered -= count;
  }

  private failBatch(batch: Batch): void {
    const n = batch.records.length;
    if (n === 0) return;
    this.bufferedBytes -= batch.bytes;
    this.buffered -= n;
    const unknown = { code: 'Error', message: 'unknown error' };
    this.options.deadLetters?.write(batch.records.map((r, i) => letter(r, batch.attempts, batch.failures?.[i] ?? unknown)));
    this.failed += n;
  }

  private wake(waiters: Array<() => void>): void {
    if (waiters.length === 0) return;
    const all = waiters.splice(0, waiters.length);
    for (const w of all) w();
  }
}

const letter = (record: OutRecord, attempts: number, failure: Failure): DeadLetter => ({
  partitionKey: record.partitionKey, data: record.data, errorCode: failure.code, errorMessage: failure.message, attempts,
});
