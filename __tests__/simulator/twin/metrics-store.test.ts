/**
 * The twin's per-minute metrics keep what CloudWatch keeps of 1-minute data (15 days), so a year-long
 * run's memory is bounded; minute numbers never shift when old minutes are dropped.
 */
import { MetricsStore, RETAINED_MINUTES } from '../../../simulator/twin/metrics-store';

describe('MetricsStore retention', () => {
  it('keeps 15 days of minutes by default', () => {
    expect(RETAINED_MINUTES).toBe(15 * 1440);
  });

  it('drops minutes older than the retention, keeps counting them, and aggregates the rest', () => {
    const store = new MetricsStore(100);
    for (let minute = 0; minute < 3000; minute++) store.add(minute * 60, 0, minute);
    store.roll(3000);
    expect(store.completedMinutes).toBe(3000);
    expect(store.aggregate(0, 0, 10)).toBeNull();
    expect(store.aggregate(0, 2990, 3000)).toEqual({ sum: (2990 + 2999) * 5, min: 2990, max: 2999, count: 10 });
    expect(store.aggregate(0, 0, 3000)!.count).toBeLessThanOrEqual(100 + 1440);
  });
});
