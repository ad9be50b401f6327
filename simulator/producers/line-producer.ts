/**
 * The `stdout` and `file` targets: one JSON object per line, as the fixtures are written. A record is
 * acknowledged once the stream has taken its chunk; the stream's own back-pressure (write() returning
 * false until 'drain') becomes the producer's.
 */
import type { Writable } from 'node:stream';
import type { OutRecord } from '../records';
import { LatencyHistogram } from './latency';
import type { Producer, ProducerStats } from './producer';

const CHUNK_RECORDS = 256;

export class LineProducer implements Producer {
  private lines: string[] = [];
  private pendingBytes = 0;
  private chunksOnWire = 0;
  private sent = 0;
  private acknowledged = 0;
  private failed = 0;
  private bytesAcknowledged = 0;
  private blocked = false;
  private aborted = false;
  private fatal: Error | undefined;
  private roomWaiters: Array<() => void> = [];
  private settleWaiters: Array<() => void> = [];
  private readonly latency = new LatencyHistogram();

  constructor(private readonly out: Writable, private readonly options: { closeOnDrain?: boolean } = {}) {
    out.on('drain', () => {
      this.blocked = false;
      this.wake(this.roomWaiters);
    });
    out.on('error', (err) => {
      // EPIPE when `| head` goes away, ENOSPC on a full disk: nothing more can be written.
      this.fatal = err;
      this.wake(this.roomWaiters);
      this.wake(this.settleWaiters);
    });
  }

  get fatalError(): Error | undefined {
    return this.fatal;
  }

  offer(record: OutRecord): boolean {
    this.sent++;
    this.lines.push(record.data);
    this.pendingBytes += Buffer.byteLength(record.data, "utf8") + 1;
    if (this.lines.length >= CHUNK_RECORDS) this.flushChunk();
    return !this.blocked;
  }

  ready(): Promise<void> {
    if (!this.blocked || this.aborted || this.fatal) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  tick(): void {
    if (this.lines.length > 0) this.flushChunk();
  }

  async drain(): Promise<void> {
    if (this.lines.length > 0) this.flushChunk();
    while (this.chunksOnWire > 0 && !this.fatal) await new Promise<void>((r) => this.settleWaiters.push(r));
    if (this.options.closeOnDrain && !this.fatal) await new Promise<void>((r) => this.out.end(r));
  }

  async abort(): Promise<void> {
    this.aborted = true;
    // Lines already handed over are flushed by the stream; what is still held counts as in flight.
    this.wake(this.roomWaiters);
    while (this.chunksOnWire > 0 && !this.fatal) await new Promise<void>((r) => this.settleWaiters.push(r));
    if (this.options.closeOnDrain && !this.fatal) await new Promise<void>((r) => this.out.end(r));
  }

  stats(): ProducerStats {
    return {
      sent: this.sent,
      acknowledged: this.acknowledged,
      failed: this.failed,
      inFlight: this.sent - this.acknowledged - this.failed,
      throttledRetries: 0,
      retries: 0,
      bytesAcknowledged: this.bytesAcknowledged,
      putCalls: this.latency.count,
      p50PutMs: this.latency.quantile(0.5),
      p99PutMs: this.latency.quantile(0.99),
    };
  }

  private flushChunk(): void {
    if (this.aborted || this.fatal) return;
    const count = this.lines.length;
    const bytes = this.pendingBytes;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.pendingBytes = 0;
    this.chunksOnWire++;
    const started = performance.now();
    const more = this.out.write(text, (err) => {
      this.chunksOnWire--;
      this.latency.record(performance.now() - started);
      if (err) {
        this.failed += count;
      } else {
        this.acknowledged += count;
        this.bytesAcknowledged += bytes;
      }
      this.wake(this.settleWaiters);
    });
    if (!more) this.blocked = true;
  }

  private wake(waiters: Array<() => void>): void {
    for (const w of waiters.splice(0, waiters.length)) w();
  }
}
