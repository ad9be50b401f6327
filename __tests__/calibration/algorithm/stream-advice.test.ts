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
});
