import {
  evaluateTrial, hotShareFromBusy, intakeRate, isClean, isDraining, isFallingBehind, isSteady, lagSlope, noiseFromBusyMinimum, type TrialContext,
} from '../../../calibration/algorithm/trial-evaluator';
import { minute, observe, type FakeJob } from './samples';

const taxi: FakeJob = { cpu: 0.1, w: 2, gamma: 0.02, h: 0, baseHeapMb: 600, stateMb: 500, downtimeSeconds: 40 };
const ctx = (p: number, k: number, extra: Partial<TrialContext> = {}): TrialContext => ({
  parallelism: p, parallelismPerKpu: k, kpus: Math.ceil(p / k), offeredRecordsPerSecond: 5200, recordBytes: 450, shards: 8,
  runningSinceMs: 0, restartsBefore: 0, polledDowntimeSeconds: null, caughtUpLagMs: 2000, ...extra,
});

describe('trial evaluation (DS2: per-record times from busy time and CPU)', () => {
  it('while backlogged, consumption is the capacity μ itself', () => {
    const obs = observe(taxi, 1, 1, 5200);
    expect(obs.backloggedMinutes).toBe(3);
    expect(obs.backlogCapacity).toBeCloseTo(1000 / 2.1, 6);
    expect(obs.caughtUp).toBe(false);
  });

  it('reads c_k from cpuUtilization and the per-record time c_k + w from busy time', () => {
    const obs = observe(taxi, 16, 8, 5200);
    expect(obs.caughtUpMinutes).toBe(3);
    expect(obs.cpuMsPerRecord).toBeCloseTo(0.1 * 1.14, 9);
    expect(obs.msPerRecord).toBeCloseTo(0.114 + 2, 9);
    expect(obs.hotKeyShare).toBeCloseTo(0, 9);
    expect(obs.hotKeyShareExact).toBe(true);
    expect(obs.caughtUp).toBe(true);
  });

  it('finds a hot key from the busiest subtask: Maximum / Average = 1 + h (P - 1)', () => {
    const obs = observe({ ...taxi, w: 0.8, cpu: 0.12, h: 0.06 }, 7, 7, 4200);
    expect(obs.hotKeyShare).toBeCloseTo(0.06, 9);
    expect(obs.hotSubtaskShare).toBeCloseTo(0.06 + 0.94 / 7, 9);
  });

  it('undoes the per-second noise in backlogged Maximum / Minimum (about 2.32 σ over 60 samples)', () => {
    expect(hotShareFromBusy(1 + 2.32 * 0.05, 1 - 2.32 * 0.05, 8, true)).toBeCloseTo(0, 6);
    const h = 0.1;
    const delta = 2.32 * 0.04;
    expect(hotShareFromBusy((1 + h * 7) * (1 + delta), (1 - h) * (1 - delta), 8, true)).toBeCloseTo(h, 4);
    expect(noiseFromBusyMinimum((1 - h) * (1 - delta), h)).toBeCloseTo(0.04, 6);
  });

  it('ignores minutes before RUNNING, with downtime, or after an out-of-memory restart', () => {
    const running = minute(taxi, 16, 8, 2, 5200, false);
    expect(isClean(running, ctx(16, 8, { runningSinceMs: 60000 }), 0)).toBe(true);
    expect(isClean({ ...running, startMs: 0 }, ctx(16, 8, { runningSinceMs: 60000 }), 0)).toBe(false);
    expect(isClean({ ...running, downtimeMaxMs: 12000 }, ctx(16, 8), 0)).toBe(false);
    expect(isClean({ ...running, fullRestartsMax: 1 }, ctx(16, 8), 0)).toBe(false);
  });

  it('takes the update downtime from the downtime metric, else from polling', () => {
    expect(observe(taxi, 16, 8, 5200, { update: true }).downtimeSeconds).toBe(40);
    const noMetric = evaluateTrial([minute(taxi, 16, 8, 1, 5200, false)], ctx(16, 8, { polledDowntimeSeconds: 45 }));
    expect(noMetric.downtimeSeconds).toBe(45);
  });

  it('measures the lag slope in ms per ms', () => {
    const samples = [0, 1, 2].map((i) => ({ ...minute(taxi, 1, 1, i, 476, true), lagAvgMs: 30000 * i }));
    expect(lagSlope(samples)).toBeCloseTo(0.5, 9);
  });

  it('flags a heap at the metric ceiling (out of memory) and counts restarts', () => {
    const heavy: FakeJob = { ...taxi, stateMb: 9000 };
    const samples = [minute(heavy, 1, 1, 0, 476, true), { ...minute(heavy, 1, 1, 1, 300, true), fullRestartsMax: 1, downtimeMaxMs: 20000 }];
    const obs = evaluateTrial(samples, ctx(1, 1));
    expect(obs.heapAtCeiling).toBe(true);
    expect(obs.fullRestarts).toBe(1);
    expect(obs.cleanMinutes).toBe(1);
  });
});

describe('a lag of 0 is no proof of keeping up (the source fetches ahead of processing)', () => {
  // P = 8, k = 4: μ = 8 x 1000 / 2.106 = 3798.67/s, offered 2% above it. The job holds up to 10,000 fetched
  // records per shard, so on 8 shards 80,000 records pile up before millisBehindLatest leaves 0.
  const mu = 8000 / (0.1 * 1.06 + 2);
  const offered = 1.02 * mu;
  const hidden = (i: number, consumed = mu) => ({ ...minute(taxi, 8, 4, i, consumed, false), incomingRecords: offered * 60 });

  it('a minute consuming measurably less than the stream took in is falling behind, not caught up, at lag 0', () => {
    const c = ctx(8, 4, { offeredRecordsPerSecond: offered });
    expect(hidden(0).lagMaxMs).toBe(0);
    expect(isFallingBehind(hidden(0), c)).toBe(true);
    expect(isSteady(hidden(0), c)).toBe(false);
    // Within 0.2% of the intake it keeps pace.
    expect(isSteady(hidden(0, offered * 0.999), c)).toBe(true);
    expect(isFallingBehind(hidden(0, offered * 0.999), c)).toBe(false);
  });

  it('compares with IncomingRecords, or with the load driver\'s rate when the stream had no datapoint', () => {
    const c = ctx(8, 4, { offeredRecordsPerSecond: offered });
    expect(intakeRate(hidden(0), c)).toBeCloseTo(offered, 9);
    expect(intakeRate({ ...hidden(0), incomingRecords: 3000 * 60 }, c)).toBe(3000);
    expect(intakeRate({ ...hidden(0), incomingRecords: null }, { offeredRecordsPerSecond: 4321 })).toBe(4321);
    expect(isFallingBehind({ ...hidden(0), incomingRecords: null }, c)).toBe(true);
  });

  it('measures μ from the minutes that began with records waiting: all but the first minute of falling behind', () => {
    const samples = [0, 1, 2, 3].map((i) => hidden(i));
    const obs = evaluateTrial(samples, ctx(8, 4, { offeredRecordsPerSecond: offered }));
    expect(obs.maxLagMs).toBe(0);
    expect(obs.caughtUpMinutes).toBe(0);
    expect(obs.caughtUp).toBe(false);
    expect(obs.backloggedMinutes).toBe(3);
    expect(obs.backlogCapacity).toBeCloseTo(mu, 9);
  });

  it('counts the first minute too when the job was down or showed lag just before it', () => {
    const down = { ...hidden(0), consumed: null, lagMaxMs: null, lagAvgMs: null, lagMinMs: null, downtimeMaxMs: 40000 };
    const afterUpdate = evaluateTrial([down, hidden(1), hidden(2)], ctx(8, 4, { offeredRecordsPerSecond: offered, runningSinceMs: 60000 }));
    expect(afterUpdate.backloggedMinutes).toBe(2);
    const lagged = { ...hidden(0), lagMinMs: 500, lagAvgMs: 700, lagMaxMs: 900 };
    expect(evaluateTrial([lagged, hidden(1)], ctx(8, 4, { offeredRecordsPerSecond: offered })).backloggedMinutes).toBe(2);
  });

  it('measures μ while the job drains records fetched ahead at lag 0: every draining minute but the last', () => {
    const c = ctx(8, 4, { offeredRecordsPerSecond: 3000 });
    const draining = (i: number) => ({ ...minute(taxi, 8, 4, i, mu, false), incomingRecords: 3000 * 60 });
    expect(isDraining(draining(0), c)).toBe(true);
    const obs = evaluateTrial([draining(0), draining(1), draining(2), minute(taxi, 8, 4, 3, 3000, false)], c);
    expect(obs.backloggedMinutes).toBe(2);
    expect(obs.backlogCapacity).toBeCloseTo(mu, 9);
    expect(obs.caughtUpMinutes).toBe(1);
    // The last draining minute may have caught up halfway: neither caught up nor a capacity sample.
    const last = evaluateTrial([draining(1)], c);
    expect(last).toMatchObject({ caughtUpMinutes: 0, backloggedMinutes: 0 });
  });
});
