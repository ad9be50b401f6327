/**
 * Issue #14: a trial row's "Max lag" and "Lag slope" describe the same minutes the report's lag chart draws
 * for that trial, restart included. With a 4-minute restart the lag peaks in the minute the job comes back,
 * before the evaluator's window (the minutes once RUNNING) begins; the row must still show that peak.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseScenario, type Scenario } from '../../../simulator/twin';
import { calibrateOnTwin } from '../../../calibration/twin-calibration';
import { chartSpecs } from '../../../calibration/report/html';
import { trialsTable } from '../../../calibration/report/sections';
import { formatLag, formatNumber } from '../../../calibration/report/format';
import type { CalibrationReport, TimelinePoint } from '../../../calibration/report-types';
import { appendTrialMinutes, chartedLag } from '../../../calibration/run/report-assembly';

const RESTART_SECONDS = 240;

function fourMinuteRestart(file: string): Scenario {
  const raw = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'scenarios', file), 'utf8'));
  // D = restartSeconds + stateMb / snapshotMbps: no state, so the update takes the restart alone.
  return parseScenario({ ...raw, name: `${raw.name}-4min-restart`, job: { ...raw.job, restartSeconds: RESTART_SECONDS, stateMb: 0 } });
}

interface ChartedMinute {
  minute: number;
  lagSeconds: number;
}

/** The lag chart's non-null points from trial i's first minute up to the next trial's first minute. */
function chartedMinutes(report: CalibrationReport, i: number): ChartedMinute[] {
  const lag = chartSpecs(report)[0];
  expect(lag.title).toBe('millisBehindLatest (Maximum per minute)');
  const from = Math.floor(report.trials[i].startSecond / 60);
  const next = report.trials[i + 1];
  const to = next ? Math.floor(next.startSecond / 60) : Infinity;
  return lag.series[0].points
    .filter((p) => p.x >= from && p.x < to && p.y !== null)
    .map((p) => ({ minute: p.x, lagSeconds: p.y! }));
}

/** Least squares of the charted lag over time, both in ms. */
function slopeOf(points: ChartedMinute[]): number {
  const xs = points.map((p) => p.minute * 60000);
  const ys = points.map((p) => p.lagSeconds * 1000);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxy = xs.reduce((a, x, k) => a + (x - mx) * (ys[k] - my), 0);
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
}

describe.each(['stream-bound.json', 'slow-restart.json', 'memory-heavy.json'])('trial rows on %s with a 4-minute restart', (file) => {
  let report: CalibrationReport;
  beforeAll(async () => {
    report = await calibrateOnTwin(fourMinuteRestart(file), { compareBuiltInAutoscaling: false });
  });

  it('measured the 4-minute update and ran more than one trial', () => {
    expect(report.updateDowntimeSeconds).toBe(RESTART_SECONDS);
    expect(report.trials.length).toBeGreaterThanOrEqual(2);
  });

  it("gives every trial's Max lag as the highest point the lag chart draws for it", () => {
    report.trials.forEach((t, i) => {
      const points = chartedMinutes(report, i);
      expect(points.length).toBeGreaterThanOrEqual(2);
      expect(t.maxLagMs / 1000).toBe(Math.max(...points.map((p) => p.lagSeconds)));
    });
  });

  it("gives every trial's Lag slope as the least-squares slope of the same charted points", () => {
    report.trials.forEach((t, i) => {
      expect(t.lagSlope).toBeCloseTo(slopeOf(chartedMinutes(report, i)), 4);
    });
  });

  it("keeps the verdict's own figures, over the minutes once RUNNING, within the charted ones", () => {
    for (const t of report.trials) {
      expect(t.runningMaxLagMs).toBeLessThanOrEqual(t.maxLagMs);
      expect(typeof t.runningLagSlope).toBe('number');
    }
    // The update's first minute after RUNNING is where the lag peaks: the verdict's window starts after it.
    const updated = report.trials.slice(1);
    expect(updated.some((t) => t.runningMaxLagMs! < t.maxLagMs)).toBe(true);
  });

  it('prints those numbers in the Max lag and Lag slope columns, and the RUNNING ones beside them', () => {
    const table = trialsTable(report);
    const maxLag = table.header.indexOf('Max lag');
    const slope = table.header.indexOf('Lag slope (ms/ms)');
    table.rows.forEach((row, i) => {
      expect(row[maxLag]).toBe(formatLag(report.trials[i].maxLagMs));
      expect(row[slope]).toBe(formatNumber(report.trials[i].lagSlope, 3));
      expect(row[table.header.indexOf('Max lag once RUNNING')]).toBe(formatLag(report.trials[i].runningMaxLagMs!));
      expect(row[table.header.indexOf('Lag slope once RUNNING (ms/ms)')]).toBe(formatNumber(report.trials[i].runningLagSlope!, 3));
    });
  });
});

describe('chartedLag and appendTrialMinutes', () => {
  const point = (second: number, lag: number | null): TimelinePoint => ({
    second, millisBehindLatest: lag, offeredRecordsPerSecond: 1000, recordsInPerSecond: lag === null ? null : 1000, kpus: 1, parallelism: 1, parallelismPerKpu: 1, status: lag === null ? 'UPDATING' : 'RUNNING',
  });

  it('takes the highest Maximum and the slope over the minutes with a datapoint, skipping the gaps', () => {
    // 0 s, gap, 180 s at minute 2, 120 s at minute 3: slope of (0,0) (120000,180000) (180000,120000).
    const lag = chartedLag([point(0, 0), point(60, null), point(120, 180000), point(180, 120000)]);
    expect(lag.maxLagMs).toBe(180000);
    // Means 100000 and 100000: sxy = (-1e5)(-1e5) + (2e4)(8e4) + (8e4)(2e4) = 1.32e10, sxx = 1e10 + 4e8 + 6.4e9 = 1.68e10.
    expect(lag.lagSlope).toBeCloseTo(1.32e10 / 1.68e10, 12);
  });

  it('reads 0 for a trial without any lag datapoint', () => {
    expect(chartedLag([point(0, null), point(60, null)])).toEqual({ maxLagMs: 0, lagSlope: 0 });
    expect(chartedLag([])).toEqual({ maxLagMs: 0, lagSlope: 0 });
  });

  it("appends a trial's new minutes and returns what the chart holds over the trial's span", () => {
    const timeline = [point(0, 5), point(60, 7)];
    const charted = appendTrialMinutes(timeline, [point(60, 9), point(120, 11)]);
    // Minute 60 was charted already with 7: the chart keeps it, and so does the trial's row.
    expect(timeline.map((p) => [p.second, p.millisBehindLatest])).toEqual([[0, 5], [60, 7], [120, 11]]);
    expect(charted.map((p) => [p.second, p.millisBehindLatest])).toEqual([[60, 7], [120, 11]]);
    expect(appendTrialMinutes(timeline, [])).toEqual([]);
  });
});
