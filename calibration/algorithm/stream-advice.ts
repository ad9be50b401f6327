/**
 * The write side of the stream: does it accept the peak, and if not, how many shards would. Throttled
 * writes (WriteProvisionedThroughputExceeded) with accepted < offered are the evidence. With uniform keys
 * the answer is ceil(λ / min(1000, 1 MiB / b)); when the stream already has that many shards and still
 * throttles, one shard gets more than its share — the hot shard accepts its limit L, the others all they
 * are offered — so its share follows from the accepted total, and when that share of λ alone exceeds L no
 * shard count helps: a hot partition key is the cause.
 */
import { shardWriteLimit, sourceBound } from './capacity-model';
import type { TrialObservation } from './observation';

export interface StreamAssessment {
  throttled: boolean;
  shards: number;
  requiredShards: number;
  cause?: 'write-throughput' | 'hot-partition-key';
  /** Share of λ the hottest shard receives (measured when throttled, else uniform). */
  hottestShardShare: number;
  explanation: string;
}

/**
 * Offered minus accepted must exceed this fraction of the offered rate to count as throttling. The
 * producer retries throttled records, so any sustained shortfall is real; 0.1% only ignores rounding.
 */
const THROTTLE_FRACTION = 0.001;

export function assessStream(observations: TrialObservation[], shards: number, peak: number, recordBytes: number, requiredReadCapacity: number): StreamAssessment {
  const limit = shardWriteLimit(recordBytes);
  const uniformShards = Math.ceil(peak / limit - 1e-9);
  const readShards = Math.ceil(requiredReadCapacity / sourceBound(1, recordBytes) - 1e-9);
  const evidence = observations.filter(
    (o) => o.acceptedRecordsPerSecond !== null && (o.writeThrottledPerSecond ?? 0) > THROTTLE_FRACTION * o.offeredRecordsPerSecond
      && o.acceptedRecordsPerSecond < o.offeredRecordsPerSecond * (1 - THROTTLE_FRACTION),
  );
  if (evidence.length === 0) {
    const required = Math.max(shards, readShards);
    return {
      throttled: false, shards, requiredShards: required, hottestShardShare: 1 / shards,
      explanation: required > shards
        ? `reads: ${shards} shards deliver at most ${Math.round(sourceBound(shards, recordBytes))} records/s, ${required} needed`
        : `the stream accepts ${Math.round(peak)} records/s without throttling`,
    };
  }
  const o = evidence[evidence.length - 1];
  const accepted = o.acceptedRecordsPerSecond!;
  const offered = o.offeredRecordsPerSecond;
  if (shards < uniformShards) {
    const required = Math.max(uniformShards, readShards);
    return {
      throttled: true, shards, requiredShards: required, cause: 'write-throughput', hottestShardShare: 1 / shards,
      explanation: `writes throttled: ${shards} shards accept ${Math.round(accepted)} of ${Math.round(offered)} records/s (each at most ${Math.round(limit)}/s); ${required} shards accept the peak ${Math.round(peak)}/s`,
    };
  }
  // Enough shards for uniform keys, yet throttled: a skewed key distribution.
  const hotShare = Math.min(1, Math.max(1 / shards, (offered - (accepted - limit)) / offered));
  const skew = shards > 1 ? Math.max(0, (hotShare - 1 / shards) / (1 - 1 / shards)) : 1;
  if (skew * peak >= limit) {
    return {
      throttled: true, shards, requiredShards: shards, cause: 'hot-partition-key', hottestShardShare: hotShare,
      explanation: `writes throttled on one shard: a partition key carries ~${(skew * 100).toFixed(0)}% of the records (${Math.round(skew * peak)}/s > ${Math.round(limit)}/s a shard accepts); no shard count helps — spread that key`,
    };
  }
  const required = Math.max(readShards, Math.ceil((peak * (1 - skew)) / (limit - skew * peak) - 1e-9));
  return {
    throttled: true, shards, requiredShards: required, cause: 'write-throughput', hottestShardShare: hotShare,
    explanation: `writes throttled on the hottest shard (${(hotShare * 100).toFixed(0)}% of the records); ${required} shards bring it under ${Math.round(limit)}/s`,
  };
}
