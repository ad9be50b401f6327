/**
 * The Kinesis stream of the twin (docs/twin-model.md steps 1, 3, 4): per-shard write limits shared by PutRecords and
 * the rate-level producer, the producer's retry backlog (throttled records are retried, never dropped), the
 * FIFO of each shard, and what a consumer reading at μ records/s takes from it and how far behind it is —
 * measured, as GetRecords does, from the last record fetched, up to `fetchAheadRecords` ahead of processing.
 */
import {
  SHARD_READ_BYTES_PER_SECOND, SHARD_READ_RECORDS_PER_SECOND, SHARD_WRITE_BYTES_PER_SECOND, SHARD_WRITE_RECORDS_PER_SECOND,
} from '../../core/aws-facts';
import { hottestShardShare } from './model';
import { ShardBacklog } from './shard-backlog';

/** Below this many records a retry backlog or a FIFO counts as empty (proportional shares leave float dust). */
export const DUST = 1e-6;

export interface WriteResult {
  /** Records accepted from the rate-level producer and from PutRecords. */
  producerAccepted: number;
  putRecordsAccepted: number;
  bytes: number;
  /** Rejected write attempts: the producer's retries and PutRecords' refused records. */
  producerRejected: number;
  putRecordsRejected: number;
  /** Records the producer holds for retry after this second. */
  pendingRetry: number;
}

export interface ReadResult {
  consumed: number;
  /** millisBehindLatest / 1000: the maximum over shards, from the last record fetched. */
  behindSeconds: number;
  /** GetRecords.IteratorAgeMilliseconds / 1000: the maximum over shards. */
  iteratorAgeSeconds: number;
  /** Shards asked for more than their read limit this second. */
  readThrottledShards: number;
  left: number;
}

export class SimulatedStream {
  private readonly backlogs: ShardBacklog[];
  private readonly share: Float64Array;
  private readonly pendingRetry: Float64Array;
  private readonly putRecords: Float64Array;
  private readonly putBytes: Float64Array;
  private putRejected = 0;

  /** @param fetchAheadRecords per shard, records the job holds fetched but unprocessed (job.fetchAheadRecords). */
  constructor(readonly shards: number, shardSkew: number, fetchAheadRecords = 0) {
    this.backlogs = Array.from({ length: shards }, () => new ShardBacklog(fetchAheadRecords));
    this.share = new Float64Array(shards);
    // Shard 0 is the hottest: hs + (1 - hs) / S; the others share the rest equally.
    for (let i = 0; i < shards; i++) this.share[i] = i === 0 ? hottestShardShare(shards, shardSkew) : (1 - shardSkew) / shards;
    this.pendingRetry = new Float64Array(shards);
    this.putRecords = new Float64Array(shards);
    this.putBytes = new Float64Array(shards);
  }

  /** One PutRecords record at `second`: false when the shard is over 1000 records/s or 1 MiB/s this second. */
  putRecord(second: number, shard: number, bytes: number): boolean {
    if (this.putRecords[shard] + 1 > SHARD_WRITE_RECORDS_PER_SECOND || this.putBytes[shard] + bytes > SHARD_WRITE_BYTES_PER_SECOND) {
      this.putRejected++;
      return false;
    }
    this.putRecords[shard]++;
    this.putBytes[shard] += bytes;
    this.backlogs[shard].add(second, 1);
    return true;
  }

  /** Step 1 for second `second`: the producer offers `lambda` plus its retries into what PutRecords left. */
  write(second: number, lambda: number, recordBytes: number): WriteResult {
    let producerAccepted = 0;
    let producerRejected = 0;
    let putRecordsAccepted = 0;
    let putBytes = 0;
    for (let i = 0; i < this.shards; i++) {
      const used = this.putRecords[i];
      const usedBytes = this.putBytes[i];
      putRecordsAccepted += used;
      putBytes += usedBytes;
      const want = this.pendingRetry[i] + lambda * this.share[i];
      if (want <= 0) continue;
      const budget = Math.max(0, Math.min(SHARD_WRITE_RECORDS_PER_SECOND - used, (SHARD_WRITE_BYTES_PER_SECOND - usedBytes) / recordBytes));
      const accepted = want < budget ? want : budget;
      const rejected = want - accepted < DUST ? 0 : want - accepted;
      this.pendingRetry[i] = rejected;
      producerRejected += rejected;
      producerAccepted += accepted;
      this.backlogs[i].add(second, accepted);
    }
    const putRecordsRejected = this.putRejected;
    this.putRecords.fill(0);
    this.putBytes.fill(0);
    this.putRejected = 0;
    return {
      producerAccepted, putRecordsAccepted, bytes: producerAccepted * recordBytes + putBytes,
      producerRejected, putRecordsRejected, pendingRetry: producerRejected,
    };
  }

  /**
   * Steps 3-4: a consumer takes min(μ, backlog), from each shard in proportion to its backlog, oldest first;
   * each shard then fetches ahead again, and the lag is read at the fetch position.
   */
  read(mu: number, now: number, recordBytes: number): ReadResult {
    const total = this.backlogRecords;
    const fraction = total <= mu ? 1 : mu / total;
    const readLimit = Math.min(SHARD_READ_BYTES_PER_SECOND / recordBytes, SHARD_READ_RECORDS_PER_SECOND);
    let consumed = 0;
    let behindSeconds = 0;
    let iteratorAgeSeconds = 0;
    let readThrottledShards = 0;
    let left = 0;
    for (const q of this.backlogs) {
      if (q.empty) continue;
      const want = q.total * fraction;
      if (want > readLimit) readThrottledShards++;
      consumed += q.take(want);
      left += q.total;
      // Both metrics are read at the fetch position (NaN: fetched to the tip, 0 for both).
      const position = q.fetchPosition();
      if (Number.isNaN(position)) continue;
      const behind = q.newestSecond() + 1 - position;
      if (behind > behindSeconds) behindSeconds = behind;
      const age = now - position;
      if (age > iteratorAgeSeconds) iteratorAgeSeconds = age;
    }
    return { consumed, behindSeconds, iteratorAgeSeconds, readThrottledShards, left };
  }

  get backlogRecords(): number {
    let total = 0;
    for (const b of this.backlogs) total += b.total;
    return total;
  }

  get backlogChunks(): number {
    let total = 0;
    for (const b of this.backlogs) total += b.chunks;
    return total;
  }

  /** The shard owning a hash key given as a fraction of the 128-bit key space. */
  shardForHashFraction(fraction: number): number {
    return Math.min(this.shards - 1, Math.floor(fraction * this.shards));
  }
}
