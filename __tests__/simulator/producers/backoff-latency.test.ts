/** The small arithmetic the producer relies on: jittered backoff bounds and latency percentiles. */
import { fullJitterDelay } from '../../../simulator/producers/backoff';
import { LatencyHistogram } from '../../../simulator/producers/latency';

describe('fullJitterDelay', () => {
  it('is uniform below base x 2^(retry-1), capped', () => {
    const o = { baseMs: 100, capMs: 1000 };
    expect([1, 2, 3, 4, 5, 10].map((n) => fullJitterDelay(n, o, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(fullJitterDelay(3, o, () => 0)).toBe(0);
    expect(fullJitterDelay(3, o, () => 0.25)).toBe(100);
  });
});

describe('LatencyHistogram', () => {
  it('gives percentiles within its 2% bucket width', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    expect(h.count).toBe(1000);
    expect(Math.abs(h.quantile(0.5) - 500) / 500).toBeLessThan(0.021);
    expect(Math.abs(h.quantile(0.99) - 990) / 990).toBeLessThan(0.021);
  });

  it('says 0 with no samples, and keeps zero-latency calls at 0', () => {
    const h = new LatencyHistogram();
    expect(h.quantile(0.5)).toBe(0);
    h.record(0);
    expect(h.quantile(0.99)).toBe(0);
  });
});
