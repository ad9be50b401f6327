/**
 * The fewest shards for a write rate when one partition key carries a share hs of it: the hottest of S
 * shards gets hs + (1 - hs) / S of λ and each accepts L = min(1000, 1 MiB / b) records/s. Checked against
 * trying every shard count, the definition itself.
 */
import { shardsToAccept } from '../../core/shard-advice';

/** Brute force: the first S whose hottest shard stays within L, or null up to 10,000 shards. */
function bruteForce(rate: number, bytes: number, hs: number): number | null {
  const limit = Math.min(1000, 1048576 / bytes);
  for (let s = 1; s <= 10000; s++) if (rate * (hs + (1 - hs) / s) <= limit * (1 + 1e-12)) return s;
  return null;
}

describe('shardsToAccept', () => {
  it('evenly spread keys need ceil(λ / L): 5,200/s of 450 B take 6 shards', () => {
    expect(shardsToAccept(5200, 450, 0)).toEqual({ shardLimit: 1000, hotKeyRate: 0, spreadNeeded: false, minimumShards: 6, shardsOnceSpread: 6 });
  });

  it('a key no shard can take: 20% of 8,000/s is 1,600/s > 1,000/s; once spread, 8 shards', () => {
    expect(shardsToAccept(8000, 800, 0.2)).toEqual({ shardLimit: 1000, hotKeyRate: 1600, spreadNeeded: true, minimumShards: null, shardsOnceSpread: 8 });
  });

  it('a skew a shard can take needs (1 - hs) λ / (L - hs λ) shards: 0.2 of 3,000/s needs 6', () => {
    expect(shardsToAccept(3000, 200, 0.2)).toMatchObject({ spreadNeeded: false, minimumShards: 6, shardsOnceSpread: 3 });
  });

  it('large records lower L to 1 MiB / b: 2,200/s of 2,000 B need 5 shards of 524.288/s', () => {
    expect(shardsToAccept(2200, 2000, 0)).toMatchObject({ shardLimit: 524.288, minimumShards: 5 });
  });

  it('a key carrying exactly a shard\'s limit still needs spreading (only infinitely many shards would do)', () => {
    expect(shardsToAccept(5000, 100, 0.2)).toMatchObject({ hotKeyRate: 1000, spreadNeeded: true, minimumShards: null, shardsOnceSpread: 5 });
  });

  it('agrees with trying every shard count over a grid of rates, sizes and skews', () => {
    for (const rate of [300, 999, 1000, 2500, 5200, 8000, 12345]) {
      for (const bytes of [100, 450, 800, 1500, 4096]) {
        for (const hs of [0, 0.01, 0.05, 0.1, 0.2, 0.35, 0.6, 1]) {
          const a = shardsToAccept(rate, bytes, hs);
          expect([rate, bytes, hs, a.minimumShards]).toEqual([rate, bytes, hs, bruteForce(rate, bytes, hs)]);
          expect([rate, bytes, hs, a.shardsOnceSpread]).toEqual([rate, bytes, hs, bruteForce(rate, bytes, 0)]);
          expect(a.spreadNeeded).toBe(a.minimumShards === null);
        }
      }
    }
  });
});
