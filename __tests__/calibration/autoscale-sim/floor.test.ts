/**
 * The benchmark's floor: the KPU-hours of an oracle that runs every minute on the fewest KPUs that carry
 * that minute's input (the twin's true capacity) and hold the state without running out of memory.
 */
import { floorKpuHours } from '../../../calibration/autoscale-sim/floor';
import { parseScenario } from '../../../simulator/twin';

const base = {
  name: 'floor', seed: 1, application: 'floor-app', stream: { name: 'floor-stream', shards: 8 },
  load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 1000 } },
};

describe('floorKpuHours', () => {
  it('bills n + 1 KPUs a minute at the fewest KPUs whose best (P, K) carries the input', () => {
    // An I/O-bound job: a subtask does 1000 / (0.1 (1 + 0.02 (8 - 1)) + 2) = 471.0 rec/s at K = 8, so one
    // KPU carries 3768 rec/s and two carry 7536.
    const io = parseScenario({ ...base, job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2 } });
    // 60 minutes at 3000 rec/s on 1 KPU (2 billed), 30 at 5000 on 2 (3 billed): 2 + 1.5 KPU-hours.
    expect(floorKpuHours(io, [...Array(60).fill(3000), ...Array(30).fill(5000)])).toBeCloseTo(3.5, 12);
  });

  it('never goes below the KPUs whose heap holds the state', () => {
    // 9000 MB of state over n KPUs plus 600 MB base stays under 95% of 3072 MB from n = 4.
    const heavy = parseScenario({ ...base, job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, stateMb: 9000 } });
    expect(floorKpuHours(heavy, Array(60).fill(10))).toBeCloseTo(5, 12);
  });

  it('takes the most KPUs the limits allow for an input no configuration carries', () => {
    const small = parseScenario({ ...base, job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2 }, limits: { maxKpu: 2 } });
    expect(floorKpuHours(small, Array(60).fill(1e6))).toBeCloseTo(3, 12);
  });
});
