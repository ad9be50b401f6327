/**
 * The one interface every `kpufit load` target sits behind (kinesis, twin, stdout, file, null), with
 * stream-style back-pressure: offer() says when the buffer is full and ready() resolves when it has room.
 */
import type { OutRecord } from '../records';

export interface ProducerStats {
  /** Records offered to the producer. */
  sent: number;
  acknowledged: number;
  /** Given up on after the retry limit, or rejected outright; each one is dead-lettered. */
  failed: number;
  /** Of `failed`: records over Kinesis's 1 MiB limit, rejected at once without any retry. */
  rejectedTooLarge?: number;
  /** Still held: buffered, on the wire or waiting to be retried. sent = acknowledged + failed + inFlight. */
  inFlight: number;
  /** Record retries caused by throttling (per-record ProvisionedThroughputExceeded or a thrown throttle). */
  throttledRetries: number;
  /** All record retries, throttling included. */
  retries: number;
  /** Data plus partition-key bytes of acknowledged records: what Kinesis meters. */
  bytesAcknowledged: number;
  putCalls: number;
  p50PutMs: number;
  p99PutMs: number;
}

export interface Producer {
  /** Takes the record (always); false means the buffer is full: await ready() before offering more. */
  offer(record: OutRecord): boolean;
  /** Resolves when there is room again (or the producer stopped). */
  ready(): Promise<void>;
  /** Called by the pacer when it is about to wait: ships a partial batch that has lingered long enough. */
  tick(nowMs: number): void;
  /** Ships everything and resolves once every record is acknowledged or failed. */
  drain(): Promise<void>;
  /** Ctrl-C: no new calls and no more retries; waits for calls already on the wire, then resolves. */
  abort(): Promise<void>;
  /** Set when the target refuses the run for good (no such stream, access denied): stop generating. */
  readonly fatalError: Error | undefined;
  stats(): ProducerStats;
}
