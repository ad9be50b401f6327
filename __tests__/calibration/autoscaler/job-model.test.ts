/** The autoscaler's job model: what one running minute teaches it (DS2-style per-record costs), and its limits. */
import { heapSafeKpus, hotKeyShareOf, heapUtilizationAt, learnMinute, predictCapacity, priorModel, type JobModel } from '../../../calibration/autoscaler/job-model';
import { autoscalerOptions } from '../../../calibration/autoscaler/options';
import { blank, runningMinute } from './minutes';

const options = autoscalerOptions();
const io = { cpuMsPerRecord: 0.1, slotContention: 0.02, ioWaitMsPerRecord: 2 };

describe('learnMinute', () => {
  it('reads c_k from cpuUtilization and the I/O wait from busy time per record, at the prior slot contention', () => {
    const m = learnMinute(priorModel(options), runningMinute(3, io, { parallelism: 8, parallelismPerKpu: 4 }, { input: 3000 }), { parallelism: 8, parallelismPerKpu: 4 }, options);
    expect(m.cpuByK).toEqual({ '4': expect.closeTo(0.106, 9) });
    expect(m.cpuMsPerRecord).toBeCloseTo(0.106 / (1 + 0.05 * 3), 9);
    expect(m.slotContention).toBe(0.05);
    expect(m.ioWaitMsPerRecord).toBeCloseTo(2, 9);
    expect(m.hotKeyShare).toBeCloseTo(0, 9);
    expect(m.learnedMinutes).toBe(1);
    // The capacity at the configuration it watched is then exact: 8 subtasks of 1000 / (c_4 + w).
    expect(predictCapacity(m, 8, 4).recordsPerSecond).toBeCloseTo(8 * (1000 / 2.106), 6);
  });

  it('fits the slot contention once two ParallelismPerKPU values were seen', () => {
    let m = priorModel(options);
    m = learnMinute(m, runningMinute(3, io, { parallelism: 8, parallelismPerKpu: 4 }, { input: 3000 }), { parallelism: 8, parallelismPerKpu: 4 }, options);
    m = learnMinute(m, runningMinute(4, io, { parallelism: 8, parallelismPerKpu: 8 }, { input: 3000 }), { parallelism: 8, parallelismPerKpu: 8 }, options);
    expect(m.cpuMsPerRecord).toBeCloseTo(0.1, 9);
    expect(m.slotContention).toBeCloseTo(0.02, 9);
  });

  it('reads the hot-key share from busy Maximum over Average', () => {
    const hot = { ...io, hotKeyShare: 0.1 };
    const m = learnMinute(priorModel(options), runningMinute(3, hot, { parallelism: 10, parallelismPerKpu: 2 }, { input: 1000 }), { parallelism: 10, parallelismPerKpu: 2 }, options);
    expect(m.hotKeyShare).toBeCloseTo(0.1, 9);
  });

  it('does not take the input\'s second-to-second variation for a hot key', () => {
    // No hot key, busy time ±5% over the minute's seconds on 18 subtasks: Max 1.05, Min 0.95 of the average.
    expect(hotKeyShareOf(777, 777 * 1.05, 777 * 0.95, 18)).toBe(0);
    // A 10% hot key on 10 subtasks with the same variation: Max 1.9 x 1.05, Min 0.9 x 0.95 of the average.
    expect(hotKeyShareOf(100, 190 * 1.05, 90 * 0.95, 10)).toBeCloseTo((1.995 + 0.855 - 2) / 8, 12); // 0.10625
    // Two subtasks, or no Minimum: the Maximum alone.
    expect(hotKeyShareOf(100, 105, 95, 2)).toBeCloseTo(0.05, 12);
    expect(hotKeyShareOf(100, 105, null, 18)).toBeCloseTo(0.05 / 17, 12);
  });

  it('learns nothing from a minute that did not run whole at this configuration', () => {
    const prior = priorModel(options);
    const restarting = { ...runningMinute(3, io, { parallelism: 8, parallelismPerKpu: 4 }, { input: 3000 }), uptimeMinMs: 20000 };
    const otherKpus = runningMinute(3, io, { parallelism: 4, parallelismPerKpu: 4 }, { input: 3000 });
    expect(learnMinute(prior, restarting, { parallelism: 8, parallelismPerKpu: 4 }, options)).toBe(prior);
    expect(learnMinute(prior, otherKpus, { parallelism: 8, parallelismPerKpu: 4 }, options)).toBe(prior);
    expect(learnMinute(prior, blank(0), { parallelism: 8, parallelismPerKpu: 4 }, options)).toBe(prior);
  });

  it('splits the heap into base and state from two KPU counts', () => {
    let m = priorModel(options);
    const heapAt = (n: number) => 600 + 9000 / n;
    m = learnMinute(m, runningMinute(3, { ...io, heapMbPerKpu: heapAt(5) }, { parallelism: 5, parallelismPerKpu: 1 }, { input: 1000 }), { parallelism: 5, parallelismPerKpu: 1 }, options);
    m = learnMinute(m, runningMinute(3, { ...io, heapMbPerKpu: heapAt(10) }, { parallelism: 10, parallelismPerKpu: 1 }, { input: 1000 }), { parallelism: 10, parallelismPerKpu: 1 }, options);
    expect(m.baseHeapMb).toBeCloseTo(600, 6);
    expect(m.stateMb).toBeCloseTo(9000, 6);
  });
});

describe('heap limits', () => {
  const model: JobModel = { ...priorModel(options), baseHeapMb: 600, stateMb: 9000 };
  it('needs ceil(state / (limit x 3072 - base)) KPUs', () => {
    expect(heapSafeKpus(model, 0.85)).toBe(5); // 9000 / (2611.2 - 600) = 4.47
    expect(heapUtilizationAt(model, 5)).toBeCloseTo((600 + 1800) / 3072, 12);
    expect(heapSafeKpus({ ...model, stateMb: 0 }, 0.85)).toBe(1);
    expect(heapSafeKpus({ ...model, baseHeapMb: 3000 }, 0.85)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('predictCapacity', () => {
  it('never promises more than a throughput ceiling the job has shown', () => {
    const model: JobModel = { ...priorModel(options), cpuMsPerRecord: 0.1, slotContention: 0.02, ioWaitMsPerRecord: 2, throughputCeiling: 5000 };
    expect(predictCapacity(model, 64, 8).recordsPerSecond).toBe(5000);
    expect(predictCapacity(model, 64, 8).bottleneck).toBe('source');
  });
});
