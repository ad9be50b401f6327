/** The input history, its linear trend, and the daily forecast the policy pre-scales by. */
import { minutesUntilForecastAbove, peakBetween, recordInput, risingTrend, seasonalPeak, type InputHistory } from '../../../calibration/autoscaler/forecast';
import { autoscalerOptions } from '../../../calibration/autoscaler/options';

const options = autoscalerOptions();
const DAY = 86400000;

describe('recordInput', () => {
  it('keeps the peak of each 5-minute bucket and forgets what is older than the kept days', () => {
    let h: InputHistory = [];
    h = recordInput(h, 0, 10, options);
    h = recordInput(h, 60000, 30, options);
    h = recordInput(h, 120000, 20, options);
    h = recordInput(h, 300000, 5, options);
    expect(h).toEqual([[0, 30], [300000, 5]]);
    h = recordInput(h, 3 * DAY + 600000, 1, options);
    expect(h).toEqual([[3 * DAY + 600000, 1]]);
    expect(peakBetween([[0, 30], [300000, 5]], 60000, 400000, 300000)).toBe(30);
  });
});

describe('risingTrend', () => {
  it('is the slope of a line the samples follow, 0 for a step or a fall', () => {
    expect(risingTrend([0, 1, 2, 3, 4].map((m) => ({ minute: m, rate: 100 + 10 * m })))).toBeCloseTo(10, 9);
    expect(risingTrend([0, 1, 2, 3, 4].map((m) => ({ minute: m, rate: m < 4 ? 100 : 1000 })))).toBe(0);
    expect(risingTrend([0, 1, 2, 3, 4].map((m) => ({ minute: m, rate: 100 - m })))).toBe(0);
  });
});

describe('seasonalPeak', () => {
  const day = (t: number) => 1000 + 1000 * Math.sin((2 * Math.PI * t) / DAY);
  let history: InputHistory = [];
  for (let t = 0; t < 1.5 * DAY; t += 60000) history = recordInput(history, t, day(t), options);

  it('is null until a whole day of history exists', () => {
    expect(seasonalPeak(history, 0.9 * DAY, 3600000, options)).toBeNull();
  });

  it("reads the coming window off yesterday's same hours", () => {
    // At 1.2 days, the next 2 hours yesterday (0.2 to 0.283 days) hold the day's maximum (0.25 days): 2000.
    const peak = seasonalPeak(history, 1.2 * DAY, 2 * 3600000, options)!;
    expect(peak).toBeGreaterThan(1970);
    expect(peak).toBeLessThanOrEqual(2000 + 1e-9);
    expect(seasonalPeak(history, 1.2 * DAY, 2 * 3600000, autoscalerOptions({ predictDaily: false }))).toBeNull();
  });
});

describe('minutesUntilForecastAbove', () => {
  it('is how far ahead, in buckets, the daily forecast first passes the threshold; null when not within the horizon', () => {
    // Yesterday: 100 rec/s, then 500 from 30 minutes after this time of day.
    const now = 2 * DAY;
    const h: InputHistory = [];
    for (let t = DAY - 3600000; t < now; t += 300000) h.push([t, t >= DAY + 30 * 60000 && t < DAY + 3 * 3600000 ? 500 : 100]);
    expect(minutesUntilForecastAbove(h, now, 200, 240, options)).toBe(30);
    expect(minutesUntilForecastAbove(h, now, 200, 30, options)).toBeNull();
    expect(minutesUntilForecastAbove(h, now, 1000, 240, options)).toBeNull();
    expect(minutesUntilForecastAbove(h.slice(20), now, 200, 240, options)).toBeNull(); // less than a day of history
  });
});
