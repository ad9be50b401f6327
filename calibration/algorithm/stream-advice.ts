/**
 * The write side of the stream: does it accept the peak, and if not, how many shards would. Throttled
 * writes (WriteProvisionedThroughputExceeded) with accepted < offered are the evidence. With uniform keys
 * the answer is ceil(λ / min(1000, 1 MiB / b)); when the stream already has that many shards and still
 * throttles, one shard gets more than its share — the hot shard accepts its limit L, the others all they
 * are offered — so its share follows from the accepted total, and when that share of λ alone exceeds L no
 * shard count helps: a hot partition key is the cause.
 */
import { shardWriteLimit, streamReadLimit } from '../../core/aws-facts';
import { shardsToAccept } from '../../core/shard-advice';
import { fmtPair } from './wording';
import type { TrialObservation } from './observation';

export interface StreamAssessment {
  throttled: boolean;
  shards: number;
  requiredShards: number;
  cause?: 'write-throughput' | 'hot-partition-key';
  /** Share of λ the hottest shard receives (measured when throttled, else uniform). */
  hottestShardShare: number;
  /**
   * The fewest shards that accept the peak (and deliver the required reads) under the key distribution
   * seen: the measured skew when writes throttled, evenly spread keys when nothing showed a skew. May be
   * fewer than the stream has. null: the hot partition key alone exceeds a shard, no count helps.
   */
  minimumShards: number | null;
  /** The fewest shards once the partition keys are spread evenly (writes and reads). */
  shardsOnceKeySpread: number;
  /** Share of the records on the hottest partition key, when throttling showed it (else null). */
  partitionKeyShare: number | null;
  /** L: records/s one shard accepts at this record size. */
  shardLimit: number;
  explanation: string;
}

/**
 * Offered minus accepted must exceed this fraction of the offered rate to count as throttling. The
 * producer retries throttled records, so any sustained shortfall is real; 0.1% only ignores rounding.
 */
const THROTTLE_FRACTION = 0.001;

/**
 * A short write at 95% of what the shards accept with uniform keys, made before the peak saturates
 * every shard: if one shard still throttles, the keys are skewed and its share shows in the accepted
 * total (the hot shard accepts L, the others all they are offered).
 */
export interface StreamProbe {
  offeredRecordsPerSecond: number;
  acceptedRecordsPerSecond: number;
}

/** The hot shard's share of the records from a probe (null: no shard throttled, skew below detection). */
export function hotShardShareFromProbe(probe: StreamProbe, limit: number): number | null {
  const { offeredRecordsPerSecond: offered, acceptedRecordsPerSecond: accepted } = probe;
  if (accepted >= offered * (1 - THROTTLE_FRACTION)) return null;
  return Math.min(1, Math.max(0, 1 - (accepted - limit) / offered));
}

export function assessStream(observations: TrialObservation[], shards: number, peak: number, recordBytes: number, requiredReadCapacity: number, probe?: StreamProbe): StreamAssessment {
  const limit = shardWriteLimit(recordBytes);
  const uniformShards = Math.ceil(peak / limit - 1e-9);
  const readShards = Math.ceil(requiredReadCapacity / streamReadLimit(1, recordBytes) - 1e-9);
  const evidence = observations.filter(
    (o) => o.acceptedRecordsPerSecond !== null && (o.writeThrottledPerSecond ?? 0) > THROTTLE_FRACTION * o.offeredRecordsPerSecond
      && o.acceptedRecordsPerSecond < o.offeredRecordsPerSecond * (1 - THROTTLE_FRACTION),
  );
  const spread = Math.max(uniformShards, readShards, 1);
  const common = { shards, shardLimit: limit, shardsOnceKeySpread: spread };
  if (evidence.length === 0) {
    const required = Math.max(shards, readShards);
    // Without throttling the skew cannot show: the fewest shards assume evenly spread keys, and never
    // more than the stream has (it accepted the peak).
    const minimum = Math.min(Math.max(shards, readShards), spread);
    return {
      ...common, throttled: false, requiredShards: required, hottestShardShare: 1 / shards, minimumShards: minimum, partitionKeyShare: null,
      explanation: required > shards
        ? `reads: ${shards} shards deliver at most ${Math.round(streamReadLimit(shards, recordBytes))} records/s, ${required} needed`
        : `the stream accepts ${Math.round(peak)} records/s without throttling${minimum < shards ? `; ${minimum} shards would with evenly spread keys (no throttling showed their skew)` : ''}`,
    };
  }
  const o = evidence[evidence.length - 1];
  const accepted = o.acceptedRecordsPerSecond!;
  const offered = o.offeredRecordsPerSecond;
  if (shards < uniformShards) {
    const probed = probe ? hotShardShareFromProbe(probe, limit) : null;
    if (probed !== null) {
      const skew = shards > 1 ? Math.max(0, (probed - 1 / shards) / (1 - 1 / shards)) : 1;
      return skewedAdvice(shards, peak, recordBytes, readShards, skew, probed, 'the probe at 95% of the uniform write capacity');
    }
    // Every shard is at its limit, so skew could not show (no probe, or none detected below 95%).
    const required = Math.max(uniformShards, readShards);
    return {
      ...common, throttled: true, requiredShards: required, cause: 'write-throughput', hottestShardShare: 1 / shards, minimumShards: required, partitionKeyShare: null,
      explanation: `writes throttled: ${shards} shards accept ${Math.round(accepted)} of ${Math.round(offered)} records/s (each at most ${Math.round(limit)}/s); at least ${required} shards accept the peak ${Math.round(peak)}/s with evenly spread keys (re-run after resharding: skew cannot show while every shard is saturated)`,
    };
  }
  // Enough shards for uniform keys, yet throttled: a skewed key distribution.
  const hotShare = Math.min(1, Math.max(1 / shards, (offered - (accepted - limit)) / offered));
  const skew = shards > 1 ? Math.max(0, (hotShare - 1 / shards) / (1 - 1 / shards)) : 1;
  return skewedAdvice(shards, peak, recordBytes, readShards, skew, hotShare, 'the accepted writes');
}

/**
 * With a key skew hs the hottest of S' shards gets hs + (1 - hs) / S' of λ: enough shards, or none until the
 * key is spread. Too few shards for even evenly spread keys is said as well, with the count for then.
 */
function skewedAdvice(shards: number, peak: number, recordBytes: number, readShards: number, skew: number, hotShare: number, source: string): StreamAssessment {
  const advice = shardsToAccept(peak, recordBytes, skew);
  const limit = advice.shardLimit;
  const spread = Math.max(advice.shardsOnceSpread, readShards, 1);
  const common = { throttled: true, shards, hottestShardShare: hotShare, partitionKeyShare: skew, shardLimit: limit, shardsOnceKeySpread: spread };
  const keyPct = `${(skew * 100).toFixed(0)}%`;
  if (advice.spreadNeeded) {
    const [keyRate, keyLimit] = fmtPair(advice.hotKeyRate, limit);
    const [streamTakes, streamPeak] = fmtPair(shards * limit, peak);
    const alsoShards = shards < spread
      ? `; ${shards} shards accept at most ${streamTakes} records/s even with evenly spread keys, under the peak ${streamPeak}/s: spread the key and go to ${spread} shards`
      : `; once it is spread, ${spread} shards accept the peak ${fmtRate(peak)}/s`;
    return {
      ...common, requiredShards: shards, cause: 'hot-partition-key', minimumShards: null,
      explanation: `writes throttled on one shard: a partition key carries ~${keyPct} of the records (${keyRate}/s ${advice.hotKeyRate > limit ? '>' : '='} ${keyLimit}/s a shard accepts, from ${source}); no shard count helps until that key is spread${alsoShards}`,
    };
  }
  const required = Math.max(readShards, shards + 1, advice.minimumShards ?? 0);
  return {
    ...common, requiredShards: required, cause: 'write-throughput', minimumShards: required,
    explanation: `writes throttled: the hottest shard gets ${(hotShare * 100).toFixed(0)}% of the records (a partition key carries ~${keyPct}, from ${source}); ${required} shards bring it under ${fmtRate(limit)}/s at the peak ${fmtRate(peak)}/s (${spread} would with evenly spread keys)`,
  };
}

function fmtRate(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}
