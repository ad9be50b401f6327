import { assessStream, hotShardShareFromProbe } from '../../../calibration/algorithm/stream-advice';
import type { TrialObservation } from '../../../calibration/algorithm/observation';

/** Only the stream fields matter here. */
const seen = (offered: number, accepted: number, throttledPerSecond: number): TrialObservation => ({
  offeredRecordsPerSecond: offered, acceptedRecordsPerSecond: accepted, writeThrottledPerSecond: throttledPerSecond,
} as TrialObservation);

describe('stream advice', () => {
  it('a stream that accepts the peak keeps its shards', () => {
    expect(assessStream([seen(5200, 5200, 0)], 8, 5200, 450, 6500)).toMatchObject({ throttled: false, shards: 8, requiredShards: 8 });
  });

  it('too few shards for uniform keys: ceil(λ / min(1000, 1 MiB / b))', () => {
    const a = assessStream([seen(3000, 2000, 1000)], 2, 3000, 400, 3750);
    expect(a).toMatchObject({ throttled: true, requiredShards: 3, cause: 'write-throughput' });
  });

  it('enough shards but one hot: the accepted total shows the hot shard\'s share and the count that fixes it', () => {
    // 4 shards, skew 0.2: the hot shard gets 0.2 + 0.8 / 4 = 0.4 of 3000 = 1200 > 1000; accepted 1000 + 3 * 600.
    const a = assessStream([seen(3000, 2800, 200)], 4, 3000, 200, 3750);
    expect(a.cause).toBe('write-throughput');
    expect(a.hottestShardShare).toBeCloseTo(0.4, 9);
    expect(a.requiredShards).toBe(6); // 3000 * 0.8 / (1000 - 600) = 6
  });

  it('a key carrying more than a shard accepts is a hot partition key: no shard count helps', () => {
    // 8 shards, skew 0.5, 4000/s: the key alone is 2000/s.
    const hot = 0.5 + 0.5 / 8;
    const a = assessStream([seen(4000, 1000 + 4000 * (1 - hot), 1250)], 8, 4000, 300, 5000);
    expect(a).toMatchObject({ cause: 'hot-partition-key', requiredShards: 8 });
    expect(a.explanation).toMatch(/no shard count helps/);
  });

  it('when every shard saturates, the probe below saturation shows the skew', () => {
    // 4 shards, skew 0.05, probe 3800/s: the hot shard gets (0.05 + 0.95 / 4) * 3800 = 1092.5 > 1000.
    const probe = { offeredRecordsPerSecond: 3800, acceptedRecordsPerSecond: 3800 - 92.5 };
    expect(hotShardShareFromProbe(probe, 1000)).toBeCloseTo(0.2875, 9);
    const a = assessStream([seen(5600, 4000, 1600)], 4, 5600, 100, 7000, probe);
    expect(a.requiredShards).toBe(8); // 5600 * 0.95 / (1000 - 280) = 7.4
    expect(hotShardShareFromProbe({ offeredRecordsPerSecond: 3800, acceptedRecordsPerSecond: 3800 }, 1000)).toBeNull();
  });

  it('reads count too: more shards when S min(2 MiB / b, 50000) is under the required capacity', () => {
    expect(assessStream([seen(7000, 7000, 0)], 5, 7000, 1000, 10987)).toMatchObject({ throttled: false, requiredShards: 6 });
  });

  it('gives the fewest shards that accept the peak, even when the stream has more (5,200/s of 450 B: 6 of 8)', () => {
    const a = assessStream([seen(5200, 5200, 0)], 8, 5200, 450, 6500);
    expect(a).toMatchObject({ requiredShards: 8, minimumShards: 6, shardsOnceKeySpread: 6, partitionKeyShare: null });
    expect(a.explanation).toBe('the stream accepts 5200 records/s without throttling; 6 shards would with evenly spread keys (no throttling showed their skew)');
  });

  it('a hot partition key on too few shards says both: spread the key, and how many shards once it is', () => {
    // 8,000/s x 800 B on 4 shards, skew 0.2. L = min(1000, 1 MiB / 800) = 1000. The probe at 3,800/s:
    // the hot shard gets (0.2 + 0.8 / 4) * 3800 = 1520 and accepts 1000, so 3,280 of 3,800 get in.
    const probe = { offeredRecordsPerSecond: 3800, acceptedRecordsPerSecond: 3280 };
    const a = assessStream([seen(8000, 4000, 4000)], 4, 8000, 800, 10000, probe);
    expect(a.cause).toBe('hot-partition-key');
    expect(a.partitionKeyShare).toBeCloseTo(0.2, 9);
    expect(a).toMatchObject({ requiredShards: 4, minimumShards: null, shardsOnceKeySpread: 8, shardLimit: 1000 });
    expect(a.explanation).toBe(
      'writes throttled on one shard: a partition key carries ~20% of the records (1,600/s > 1,000/s a shard accepts, ' +
      'from the probe at 95% of the uniform write capacity); no shard count helps until that key is spread; ' +
      '4 shards accept at most 4,000 records/s even with evenly spread keys, under the peak 8,000/s: spread the key and go to 8 shards',
    );
  });

  it('a hot partition key on enough shards for evenly spread keys names the count for after the spread', () => {
    const hot = 0.5 + 0.5 / 8;
    const a = assessStream([seen(4000, 1000 + 4000 * (1 - hot), 1250)], 8, 4000, 300, 5000);
    expect(a).toMatchObject({ minimumShards: null, shardsOnceKeySpread: 4 });
    expect(a.explanation).toMatch(/no shard count helps until that key is spread; once it is spread, 4 shards accept the peak 4,000\/s$/);
  });
});
