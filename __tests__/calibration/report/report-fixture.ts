/**
 * A hand-built report of a plausible calibration (taxi, 6000 records/s): three trials, one failing, a
 * per-minute timeline with the restart gaps, and the built-in autoscaling comparison. Tests change copies.
 */
import type { CalibrationReport, TimelinePoint, Trial } from '../../../calibration/report-types';

const trials: Trial[] = [
  { parallelism: 1, parallelismPerKpu: 1, kpus: 1, startSecond: 0, durationSeconds: 600, maxLagMs: 412000, lagSlope: 0.82,
    estimatedCapacityRecordsPerSecond: 1080, cpuUtilization: 9.8, verdict: 'fail', reason: 'lag grows 0.82 ms/ms', estimateMethod: 'lag-slope' },
  { parallelism: 8, parallelismPerKpu: 4, kpus: 2, startSecond: 600, durationSeconds: 900, maxLagMs: 52000, lagSlope: -0.21,
    estimatedCapacityRecordsPerSecond: 7700, cpuUtilization: 41.5, verdict: 'pass', reason: 'caught up in 290 s, lag under SLO', estimateMethod: 'catch-up',
    updateDowntimeSeconds: 40, heapUtilization: 28, fullRestarts: 0, maxBusyTimeMsPerSecond: 780, runningMaxLagMs: 46500, runningLagSlope: -0.2542 },
  { parallelism: 4, parallelismPerKpu: 4, kpus: 1, startSecond: 1500, durationSeconds: 900, maxLagMs: 900000, lagSlope: 0.36,
    estimatedCapacityRecordsPerSecond: 3850, cpuUtilization: 63, verdict: 'fail', reason: 'lag grows 0.36 ms/ms; "one KPU fewer" fails, as predicted',
    estimateMethod: 'lag-slope', updateDowntimeSeconds: 40 },
];

function timeline(): TimelinePoint[] {
  const points: TimelinePoint[] = [];
  let lag = 0;
  for (let minute = 0; minute <= 40; minute++) {
    const second = minute * 60;
    const trial = [...trials].reverse().find((t) => t.startSecond <= second)!;
    const restarting = trial.startSecond > 0 && second === trial.startSecond;
    const consumed = restarting ? null : Math.min(6000, trial.estimatedCapacityRecordsPerSecond * (lag > 0 ? 1 : 0.99));
    lag = restarting ? lag + 60_000 : Math.max(0, lag + (6000 - trial.estimatedCapacityRecordsPerSecond) * 10);
    points.push({
      second, millisBehindLatest: restarting ? null : lag, offeredRecordsPerSecond: 6000, recordsInPerSecond: consumed,
      kpus: trial.kpus, parallelism: trial.parallelism, parallelismPerKpu: trial.parallelismPerKpu, status: restarting ? 'UPDATING' : 'RUNNING',
    });
  }
  return points;
}

export function reportFixture(): CalibrationReport {
  return {
    schemaVersion: 1,
    target: 'twin',
    application: 'taxi-analytics',
    stream: 'taxi-trips',
    load: { recordsPerSecond: 6000, recordBytes: 450 },
    slo: { maxLagMs: 60000, catchUpSeconds: 600, targetUtilization: 0.8, maxHeapUtilization: 0.9 },
    verdict: 'recommended',
    recommendation: { parallelism: 8, parallelismPerKpu: 4, kpus: 2, estimatedCapacityRecordsPerSecond: 7700, costPerHourUsd: 0.3437, costPerMonthUsd: 250.9 },
    streamAdvice: { shards: 8, requiredShards: 8 },
    initial: { parallelism: 1, parallelismPerKpu: 1, kpus: 1 },
    trials: trials.map((t) => ({ ...t })),
    reconfigurations: 3,
    elapsedSeconds: 2400,
    calibrationKpuHours: 1.9,
    restoredOriginal: false,
    explanation: 'I/O-bound: capacity grows with subtasks per KPU; 1 KPU fails (3,850 records/s).',
    bottleneck: 'io',
    updateDowntimeSeconds: 40,
    timeline: timeline(),
    builtInAutoscaling: { secondsToWithinSlo: 5400, kpuHours: 4.2, finalParallelism: 8, finalParallelismPerKpu: 1, finalKpus: 8, scalingEvents: 3, simulatedSeconds: 7200 },
    pricing: { kpuHourUsd: 0.11, storageGbMonthUsd: 0.1 },
    scenario: 'scenarios/taxi-io-bound.json',
    generatedAt: '2026-11-21T21:00:00.000Z',
  };
}
