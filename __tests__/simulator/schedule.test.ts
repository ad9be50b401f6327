/** Profile math: the rate at a second, the peak, and how many records are due by a second. */
import { peakRate, rateAt, type RateProfile } from '../../core/rate-profile';
import { cumulativeRecords, naturalDurationSeconds, RateSchedule } from '../../simulator/schedule';

const profiles: Record<string, RateProfile> = {
  constant: { type: 'constant', recordsPerSecond: 1000 },
  ramp: { type: 'ramp', from: 100, to: 1100, seconds: 60 },
  steps: { type: 'steps', steps: [{ atSecond: 30, recordsPerSecond: 500 }, { atSecond: 10, recordsPerSecond: 200 }] },
  spike: { type: 'spike', base: 100, peak: 5000, atSecond: 20, seconds: 5 },
  daily: { type: 'daily', min: 100, max: 900, periodSeconds: 120 },
};

/** Midpoint-rule integral of rateAt: the independent check of the closed forms. */
function numericIntegral(p: RateProfile, t: number): number {
  const n = 200_000;
  const dt = t / n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += rateAt(p, (i + 0.5) * dt) * dt;
  return sum;
}

describe('rateAt and peakRate', () => {
  it('follow each profile type', () => {
    expect(rateAt(profiles.constant, 99)).toBe(1000);
    expect(rateAt(profiles.ramp, 30)).toBe(600);
    expect(rateAt(profiles.ramp, 600)).toBe(1100);
    expect([5, 10, 29, 30, 1000].map((s) => rateAt(profiles.steps, s))).toEqual([0, 200, 200, 500, 500]);
    expect([19, 20, 24.9, 25].map((s) => rateAt(profiles.spike, s))).toEqual([100, 5000, 5000, 100]);
    expect(rateAt(profiles.daily, 0)).toBeCloseTo(100);
    expect(rateAt(profiles.daily, 60)).toBeCloseTo(900);
    expect(Object.values(profiles).map(peakRate)).toEqual([1000, 1100, 500, 5000, 900]);
  });
});

describe('cumulativeRecords', () => {
  it.each(Object.keys(profiles))('is the integral of the %s profile', (name) => {
    const p = profiles[name];
    // The midpoint rule is off by up to (jump x step) at a discontinuity: a few records at most here.
    const errors = [0.5, 7, 10, 20, 22.5, 25, 59, 60, 61, 150].map((t) => Math.abs(cumulativeRecords(p, t) - numericIntegral(p, t)));
    expect(Math.max(...errors)).toBeLessThan(5);
  });

  it('is exact for the simple cases', () => {
    expect(cumulativeRecords(profiles.constant, 10)).toBe(10_000);
    expect(cumulativeRecords(profiles.ramp, 60)).toBe(36_000);
    expect(cumulativeRecords(profiles.spike, 30)).toBe(100 * 30 + 4900 * 5);
    expect(cumulativeRecords(profiles.daily, 120)).toBeCloseTo(500 * 120, 6);
    expect(cumulativeRecords(profiles.constant, -5)).toBe(0);
  });

  it('lets the later of two steps at the same second win, as rateAt does', () => {
    const p: RateProfile = { type: 'steps', steps: [{ atSecond: 0, recordsPerSecond: 10 }, { atSecond: 0, recordsPerSecond: 30 }] };
    expect(rateAt(p, 1)).toBe(30);
    expect(cumulativeRecords(p, 2)).toBe(60);
  });
});

describe('naturalDurationSeconds', () => {
  it('ends ramps, spikes and daily cycles by themselves, never constant or steps', () => {
    expect(naturalDurationSeconds(profiles.ramp)).toBe(60);
    expect(naturalDurationSeconds(profiles.spike)).toBe(25);
    expect(naturalDurationSeconds(profiles.daily)).toBe(120);
    expect(naturalDurationSeconds(profiles.constant)).toBeUndefined();
    expect(naturalDurationSeconds(profiles.steps)).toBeUndefined();
  });
});

describe('RateSchedule', () => {
  it('switches rate mid-run without re-sending what was already due', () => {
    const s = new RateSchedule(profiles.constant);
    expect(s.dueBy(10)).toBe(10_000);
    s.switchTo({ type: 'constant', recordsPerSecond: 50 }, 10);
    expect(s.dueBy(10)).toBe(10_000);
    expect(s.dueBy(20)).toBe(10_500);
    expect(s.rateAt(15)).toBe(50);
  });
});

describe('RateSchedule.secondDue', () => {
  it('inverts dueBy: when record n fell due', () => {
    const s = new RateSchedule(profiles.ramp);
    // 100 t + 1000 t^2 / 120 = 1000 at t = 6.49 s.
    expect(s.secondDue(1000, 100)).toBeCloseTo(6.49, 2);
    expect(s.dueBy(s.secondDue(20_000, 100))).toBeCloseTo(20_000, 2);
    expect(new RateSchedule(profiles.constant).secondDue(2500, 100)).toBeCloseTo(2.5, 5);
  });
});
