/**
 * The autoscaling policy as a specification: when it keeps, what one-step target it picks and why, when
 * a scale-down is worth a restart, the heap floor, and how an ineffective scale-up blocks the next.
 */
import { priorModel, type JobModel } from '../../../calibration/autoscaler/job-model';
import { autoscalerOptions } from '../../../calibration/autoscaler/options';
import { cheapestConfiguration, decide, initialState, restartViolationMinutes, type AutoscalerState, type PolicyContext } from '../../../calibration/autoscaler/policy';
import type { MetricPeriod } from '../../../calibration/ports';
import { runningMinute, T0, type JobTruth } from './minutes';

const options = autoscalerOptions();
const io: JobTruth = { cpuMsPerRecord: 0.1, slotContention: 0.02, ioWaitMsPerRecord: 2 };
/** The job as `kpufit calibrate` fitted it: capacity 1000 / (c_k + w) per subtask. */
const fitted: JobModel = { ...priorModel(options), origin: 'calibration', cpuMsPerRecord: 0.1, slotContention: 0.02, ioWaitMsPerRecord: 2, downtimeSeconds: 60, downtimeMeasured: true };
const at84 = { parallelism: 8, parallelismPerKpu: 4 };

function context(metrics: MetricPeriod[], config = at84, status: PolicyContext['application']['status'] = 'RUNNING'): PolicyContext {
  const last = metrics[metrics.length - 1];
  return { nowMs: last.startMs + 60000, application: { status, ...config }, metrics, slo: { maxLagMs: 60000 } };
}

function minutes(count: number, input: (i: number) => number, config = at84, extra: (i: number) => Partial<MetricPeriod> = () => ({})): MetricPeriod[] {
  return Array.from({ length: count }, (_, i) => ({ ...runningMinute(i, io, config, { input: input(i) }), ...extra(i) }));
}

describe('decide: when it keeps', () => {
  it('does nothing while the application is UPDATING or AUTOSCALING', () => {
    for (const status of ['UPDATING', 'AUTOSCALING'] as const) {
      const { decision } = decide(context(minutes(5, () => 9000), at84, status), initialState(fitted), options);
      expect(decision).toMatchObject({ action: 'keep', target: null, reason: `application is ${status}: no action until it is RUNNING` });
    }
  });

  it('watches two running minutes before acting on priors alone', () => {
    const { decision, state } = decide(context(minutes(1, () => 9000)), initialState(priorModel(options)), options);
    expect(decision.reason).toBe('learning the job: 1 of 2 running minutes measured');
    expect(state.model.learnedMinutes).toBe(1);
  });

  it('keeps while the input is within the band', () => {
    // Capacity at P=8 K=4: 8 x 1000 / 2.106 = 3798.7; 3000 rec/s is 79% of it (scale up above 90%).
    const { decision } = decide(context(minutes(5, () => 3000)), initialState(fitted), options);
    expect(decision.action).toBe('keep');
    expect(decision.reason).toBe('within the stabilisation window');
    expect(decision.capacityRecordsPerSecond).toBeCloseTo(3798.67, 1);
  });
});

describe('decide: scale-up in one step', () => {
  it('sizes for the input at the target utilization and picks the fewest KPUs that carry it', () => {
    const { decision, state } = decide(context(minutes(5, () => 5000)), initialState(fitted), options);
    // required = max(5000 / 0.8, 5000 (1 + 60 / 600)) = 6250 rec/s; 1 KPU of 8 subtasks: 3784; 2 KPUs: 7568.
    expect(decision).toMatchObject({ action: 'scale', kind: 'scale-up', target: { parallelism: 16, parallelismPerKpu: 8 }, requiredRecordsPerSecond: 6250 });
    expect(decision.reason).toBe('input 5000 rec/s above 90% of capacity 3799 rec/s: sized for 5000 rec/s -> P=16 K=8 (7569 rec/s)');
    expect(state.events).toEqual([expect.objectContaining({ atMs: T0 + 5 * 60000, kind: 'scale-up', from: at84, to: { parallelism: 16, parallelismPerKpu: 8 }, effective: null })]);
  });

  it('adds the backlog drained within the catch-up time when the lag grows', () => {
    const lagging = minutes(5, () => 3000, at84, (i) => ({ lagMaxMs: 20000 + 10000 * i, lagMinMs: 10000 + 10000 * i }));
    const { decision } = decide(context(lagging), initialState(fitted), options);
    // lag 60 s at 3000 rec/s: 180,000 records over 600 s = 300 rec/s on top of 3750.
    expect(decision).toMatchObject({ action: 'scale', kind: 'scale-up', requiredRecordsPerSecond: 4050, target: { parallelism: 16, parallelismPerKpu: 8 } });
    expect(decision.reason).toMatch(/^lag 60000 ms and growing: sized for 3000 rec\/s and a backlog of 180000 records/);
  });

  it('leaves a lag under half the SLO alone when a restart alone would breach the SLO', () => {
    const lagging = minutes(5, () => 3000, at84, (i) => ({ lagMaxMs: 16000 + 2000 * i, lagMinMs: 10000 + 2000 * i }));
    const slow = initialState({ ...fitted, downtimeSeconds: 210 });
    expect(decide(context(lagging), slow, options).decision.action).toBe('keep');
    expect(decide(context(lagging), initialState(fitted), options).decision).toMatchObject({ action: 'scale', kind: 'scale-up' });
  });

  it('runs a job whose restart alone breaches the SLO hot, up to the capacity itself', () => {
    // A 210 s restart is at least 150 s over the 60 s SLO: at 3720 rec/s (98% of 3798.7) the lag does not
    // grow, so no restart; at 3850 it would, so scale up.
    const slow = initialState({ ...fitted, downtimeSeconds: 210 });
    expect(decide(context(minutes(5, () => 3720)), slow, options).decision).toMatchObject({ action: 'keep', reason: 'within the stabilisation window' });
    expect(decide(context(minutes(5, () => 3720)), initialState(fitted), options).decision).toMatchObject({ action: 'scale', kind: 'scale-up' });
    const { decision } = decide(context(minutes(5, () => 3850)), slow, options);
    expect(decision).toMatchObject({ action: 'scale', kind: 'scale-up' });
    expect(decision.reason).toMatch(/^input 3850 rec\/s above 100% of capacity 3799 rec\/s: /);
  });

  it('refuses a slow-restart threshold outside [scaleUpUtilization, 1]', () => {
    expect(() => autoscalerOptions({ slowRestartScaleUpUtilization: 1.1 })).toThrow('slowRestartScaleUpUtilization (1.1) must be between scaleUp (0.9) and 1');
    expect(() => autoscalerOptions({ slowRestartScaleUpUtilization: 0.8 })).toThrow('slowRestartScaleUpUtilization (0.8) must be between scaleUp (0.9) and 1');
  });

  describe('against a daily forecast that rises from 3000 to 12000 rec/s over the next four hours', () => {
    const now = T0 + 5 * 60000;
    const yesterday = now - 86400000;
    // Yesterday at this time the input started a ramp of 37.5 rec/s a minute; before and after, 3000 rec/s.
    const input: AutoscalerState['input'] = [];
    for (let t = yesterday - 2 * 3600000; t < T0; t += 300000) {
      const since = (t - yesterday) / 60000;
      input.push([t, since >= 0 && since < 480 ? Math.min(12000, 3000 + 37.5 * since) : 3000]);
    }
    const forecastState: AutoscalerState = { ...initialState(fitted), input };

    it('takes the smaller step when the larger one would idle more KPU-hours than a restart costs', () => {
      const { decision } = decide(context(minutes(5, () => 3000)), forecastState, options);
      // Sized for the 4-hour peak (11812.5 rec/s at 90%: 13125) it would take 4 KPUs; for the next 16 minutes
      // (3562.5 rec/s) 2 KPUs, which carry the forecast until it passes 90% of 7569 rec/s in 105 minutes:
      // 2 KPUs x 105 min = 3.5 KPU-hours idle > 1.5.
      expect(decision).toMatchObject({ action: 'scale', kind: 'scale-up', target: { parallelism: 16, parallelismPerKpu: 8 } });
      expect(decision.reason).toBe('daily forecast 3563 rec/s within 16 min above 90% of capacity 3799 rec/s: sized for 3563 rec/s -> P=16 K=8 (7569 rec/s); 4 KPUs would idle 3.5 KPU-hours before the input needs them, more than a restart (1.5)');
    });

    it('sizes for the peak ahead when the day\'s reconfigurations leave no room for a second step', () => {
      const busy: AutoscalerState = {
        ...forecastState,
        events: [1, 2, 3, 4].map((h) => ({ atMs: now - h * 3600000, kind: 'scale-down' as const, from: at84, to: at84, reason: '', capacityBefore: 0, expectedCapacity: 0, effective: true })),
      };
      const { decision } = decide(context(minutes(5, () => 3000)), busy, options);
      expect(decision).toMatchObject({ action: 'scale', kind: 'scale-up', target: { parallelism: 32, parallelismPerKpu: 8 } });
      expect(decision.reason).toBe('daily forecast 3563 rec/s within 16 min above 90% of capacity 3799 rec/s: sized for 11813 rec/s -> P=32 K=8 (15137 rec/s)');
    });
  });

  it('waits for a new configuration to run whole minutes before judging it', () => {
    const state: AutoscalerState = {
      ...initialState(fitted),
      events: [{ atMs: T0 + 3 * 60000, kind: 'scale-up', from: { parallelism: 4, parallelismPerKpu: 4 }, to: at84, reason: '', capacityBefore: 1900, expectedCapacity: 3799, effective: null }],
    };
    const restarting = minutes(5, () => 5000, at84, (i) => (i >= 3 ? { uptimeMinMs: 0, consumed: null, lagMaxMs: null, lagMinMs: null } : {}));
    const { decision } = decide(context(restarting), state, options);
    expect(decision.reason).toBe('waiting for P=8 K=4 to run 2 whole minutes (0 so far)');
  });
});

describe('decide: scale-down only when stable and worth a restart', () => {
  it('scales down after an hour below the band when the saving outweighs the restart', () => {
    const big = { parallelism: 64, parallelismPerKpu: 8 };
    const { decision } = decide(context(minutes(61, () => 3000, big), big), initialState(fitted), options);
    // required max(3000 / 0.8, 3000 (1 + 60 / 600)) = 3750; 1 KPU of 8 subtasks carries 3784: 7 KPUs for 3 h = 21 KPU-hours > 1.5.
    expect(decision).toMatchObject({ action: 'scale', kind: 'scale-down', target: { parallelism: 8, parallelismPerKpu: 8 }, requiredRecordsPerSecond: 3750 });
    expect(decision.reason).toBe('input at most 3000 rec/s for 60 min: P=8 K=8 saves 21 KPU-hours over 3 h');
  });

  it('counts the saving only until a rising input outgrows the smaller size', () => {
    const big = { parallelism: 64, parallelismPerKpu: 8 };
    // 1000 rec/s rising 30 a minute: 2800 now, 4600 in an hour (at 90%: 5111, 2 KPUs of 7569 rec/s), which
    // the input passes 90% of (6812) in (6812 - 2800) / 30 = 133.7 minutes: 6 KPUs x 2.23 h.
    const { decision } = decide(context(minutes(61, (i) => 1000 + 30 * i, big), big), initialState(fitted), options);
    expect(decision).toMatchObject({ action: 'scale', kind: 'scale-down', target: { parallelism: 16, parallelismPerKpu: 8 } });
    expect(decision.reason).toBe('input at most 4600 rec/s for 60 min: P=16 K=8 saves 13.4 KPU-hours over 2.2 h, until the input outgrows it');
  });

  it('keeps when one KPU less does not pay for the restart', () => {
    const three = { parallelism: 24, parallelismPerKpu: 8 };
    const { decision } = decide(context(minutes(61, () => 3000, three), three), initialState({ ...fitted, downtimeSeconds: 200 }), options);
    // 3 KPUs -> 2 saves 3 KPU-hours; a 200 s restart spends ceil(140 x 7568 / 4568 / 60) = 4 minutes above the
    // 60 s SLO: 1.5 + 4 x 10 = 41.5 KPU-hours.
    expect(decision.reason).toBe('a scale-down to 2 KPUs saves 3 KPU-hours over 3 h, not worth a restart (41.5)');
  });

  it('stays within the stabilisation window after any change', () => {
    const big = { parallelism: 64, parallelismPerKpu: 8 };
    const state: AutoscalerState = {
      ...initialState(fitted),
      events: [{ atMs: T0 + 30 * 60000, kind: 'scale-up', from: at84, to: big, reason: '', capacityBefore: 3799, expectedCapacity: 30000, effective: true }],
    };
    expect(decide(context(minutes(61, () => 3000, big), big), state, options).decision.reason).toBe('within the stabilisation window');
  });
});

describe('decide: limits', () => {
  it('never goes below the KPUs the heap needs', () => {
    const heavy: JobModel = { ...fitted, baseHeapMb: 600, stateMb: 9000 };
    const big = { parallelism: 64, parallelismPerKpu: 8 };
    const { decision } = decide(context(minutes(61, () => 3000, big), big), initialState(heavy), options);
    expect(decision.target).toEqual({ parallelism: 40, parallelismPerKpu: 8 }); // 5 KPUs
  });

  it('scales up a configuration whose heap cannot hold the state', () => {
    const heavy: JobModel = { ...fitted, baseHeapMb: 600, stateMb: 9000 };
    const { decision } = decide(context(minutes(5, () => 1000)), initialState(heavy), options);
    expect(decision).toMatchObject({ action: 'scale', kind: 'memory', target: { parallelism: 40, parallelismPerKpu: 8 } });
    expect(decision.reason).toBe('heap: 2 KPUs cannot hold the state (needs 5)');
  });

  it('caps at the most capacity the KPU and cost limits allow', () => {
    const capped = cheapestConfiguration(fitted, 1e9, 1, autoscalerOptions({ maxKpus: 3 }));
    expect(capped).toEqual({ config: { parallelism: 24, parallelismPerKpu: 8 }, capacity: expect.closeTo(3 * 8 * (1000 / 2.114), 6), capped: true });
    // $0.11 per KPU-hour: (n + 1) 0.11 + storage; $0.35/h allows 2 KPUs.
    expect(cheapestConfiguration(fitted, 1e9, 1, autoscalerOptions({ maxCostPerHourUsd: 0.35 }))?.config).toEqual({ parallelism: 16, parallelismPerKpu: 8 });
  });
});

describe('decide: effectiveness', () => {
  it('blocks further scale-ups when one did not raise the throughput, and says why', () => {
    const to = { parallelism: 16, parallelismPerKpu: 8 };
    const state: AutoscalerState = {
      ...initialState(fitted),
      events: [{ atMs: T0, kind: 'scale-up', from: at84, to, reason: '', capacityBefore: 3799, expectedCapacity: 7568, effective: null }],
    };
    // At 16/8 the job stays backlogged at 3900 rec/s with idle subtasks: the stream gives no more.
    const flat = minutes(5, () => 6000, to, (i) => ({ consumed: 3900, busyAvg: 3900 * 2.114 / 16, busyMax: 3900 * 2.114 / 16, lagMaxMs: 30000 + 20000 * i, lagMinMs: 20000 + 20000 * i }));
    const { decision, state: next } = decide(context(flat, to), state, options);
    expect(next.events[0].effective).toBe(false);
    expect(next.model.throughputCeiling).toBeCloseTo(3978, 6);
    expect(decision.action).toBe('keep');
    expect(decision.reason).toBe('scale-up blocked: the scale-up to P=16 K=8 did not raise the throughput (3900 rec/s, 7568 expected): stream-bound or a downstream limit (the subtasks are not busy)');
  });
});

describe('restart downtime before it was measured', () => {
  it('is the snapshot and restore of the state the heap shows, when longer than the prior', () => {
    const big = { parallelism: 64, parallelismPerKpu: 8 };
    const heavy: JobModel = { ...fitted, downtimeMeasured: false, baseHeapMb: 600, stateMb: 9000 };
    // 30 + 9000 / 50 = 210 s: a scale-down to 5 KPUs would breach the 60 s SLO for minutes.
    const { decision } = decide(context(minutes(61, () => 3000, big), big), initialState(heavy), options);
    expect(decision.reason).toBe('a scale-down to 5 KPUs saves 9 KPU-hours over 3 h, not worth a restart (31.5)'); // ceil(150 x 18920 / 15920 / 60) = 3 minutes over the SLO
  });
});

describe('restartViolationMinutes', () => {
  it('is the downtime beyond the SLO plus its catch-up, in minutes', () => {
    expect(restartViolationMinutes(40, 60000, 3000, 7568)).toBe(0);
    expect(restartViolationMinutes(210, 60000, 14000, 18884)).toBe(10);
    expect(restartViolationMinutes(210, 60000, 14000, 14000)).toBe(Infinity);
  });
});

describe('decide leaves the state it was given alone', () => {
  function deepFreeze<T>(x: T): T {
    if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
      Object.freeze(x);
      for (const v of Object.values(x as object)) deepFreeze(v);
    }
    return x;
  }

  it('returns a new state (the simulator\'s store keeps the state itself, not a copy)', () => {
    const to = { parallelism: 16, parallelismPerKpu: 8 };
    const judged: AutoscalerState = {
      ...initialState(fitted),
      input: [[T0 - 3600000, 2000]],
      events: [{ atMs: T0, kind: 'scale-up', from: at84, to, reason: '', capacityBefore: 3799, expectedCapacity: 7568, effective: null }],
    };
    const cases: Array<[PolicyContext, AutoscalerState]> = [
      [context(minutes(5, () => 5000)), initialState(fitted)],
      [context(minutes(61, () => 3000, { parallelism: 64, parallelismPerKpu: 8 }), { parallelism: 64, parallelismPerKpu: 8 }), initialState(fitted)],
      [context(minutes(5, () => 6000, to, (i) => ({ consumed: 3900, lagMaxMs: 30000 + 20000 * i, lagMinMs: 20000 + 20000 * i })), to), judged],
      [context(minutes(3, () => 3000)), initialState(priorModel(options))],
    ];
    for (const [ctx, state] of cases) {
      const before = structuredClone(state);
      const { state: after } = deepFreeze({ ctx, state }) && decide(ctx, state, options);
      expect(state).toEqual(before);
      expect(after).not.toBe(state);
    }
  });
});
