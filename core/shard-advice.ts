/**
 * How many shards accept a write rate when one partition key carries a share of it (docs/twin-model.md
 * section 5: the hottest of S shards gets hs + (1 - hs) / S of λ, each shard accepts L = min(1000, 1 MiB / b)).
 * One home for the arithmetic, so the twin's sweep and the calibrator's advice cannot disagree.
 */
import { shardWriteLimit } from './aws-facts';

export interface ShardAdvice {
  /** L: records/s one shard accepts at this record size. */
  shardLimit: number;
  /** Records/s the hot partition key alone sends to its shard: hs · λ. */
  hotKeyRate: number;
  /** The hot key alone exceeds a shard: no shard count accepts λ until the key is spread. */
  spreadNeeded: boolean;
  /** Fewest shards that accept λ with this key distribution; null when spreadNeeded. */
  minimumShards: number | null;
  /** Fewest shards that accept λ with evenly spread keys: ceil(λ / L). */
  shardsOnceSpread: number;
}

/** Relative slack for comparing rates that are equal up to floating-point rounding. */
const EPS = 1e-9;

export function shardsToAccept(rate: number, recordBytes: number, hotKeyShare: number): ShardAdvice {
  const limit = shardWriteLimit(recordBytes);
  const hs = Math.min(1, Math.max(0, hotKeyShare));
  const hotKeyRate = hs * rate;
  const shardsOnceSpread = Math.max(1, Math.ceil(rate / limit - EPS));
  if (rate <= 0) return { shardLimit: limit, hotKeyRate: 0, spreadNeeded: false, minimumShards: 1, shardsOnceSpread: 1 };
  // rate (hs + (1 - hs) / S) <= L  <=>  S >= (1 - hs) rate / (L - hs rate), which needs hs rate < L
  // (at hs rate = L exactly only infinitely many shards would do, unless every record is the key).
  const headroom = limit - hotKeyRate;
  if (hs >= 1 || headroom <= limit * EPS) {
    const fits = rate <= limit * (1 + EPS);
    return { shardLimit: limit, hotKeyRate, spreadNeeded: !fits, minimumShards: fits ? 1 : null, shardsOnceSpread };
  }
  const minimumShards = Math.max(1, Math.ceil(((1 - hs) * rate) / headroom - EPS));
  return { shardLimit: limit, hotKeyRate, spreadNeeded: false, minimumShards, shardsOnceSpread };
}
