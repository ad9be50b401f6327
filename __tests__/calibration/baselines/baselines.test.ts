/**
 * The two baselines the calibrator is benchmarked against, run on the twin: Managed Flink's built-in CPU
 * autoscaling (doubles after 15 minutes at >= 75% CPU, blind to lag) and the manual doubling search.
 */
import { join } from 'node:path';
import { Twin, loadScenario } from '../../../simulator/twin';
import { peakRate } from '../../../core/rate-profile';
import { twinPorts } from '../../../calibration/adapters/twin-ports';
import { runBuiltInAutoscaling } from '../../../calibration/baselines/builtin-autoscaling';
import { doublingSearch } from '../../../calibration/baselines/doubling-search';

const scenario = (name: string) => loadScenario(join(__dirname, '..', '..', '..', 'scenarios', `${name}.json`));

describe('built-in autoscaling baseline', () => {
  it('a CPU-bound job: doubles Parallelism after 15 minutes at high CPU until the lag is within the SLO', async () => {
    const b = await runBuiltInAutoscaling(scenario('iot-cpu-bound'));
    expect(b.scalingEvents).toBe(2); // 1 -> 2 -> 4: 3 KPUs would do, 4 is what doubling reaches
    expect(b.finalParallelism).toBe(4);
    expect(b.secondsToWithinSlo).not.toBeNull();
    expect(b.secondsToWithinSlo!).toBeGreaterThanOrEqual(30 * 60); // two 15-minute windows at least
    expect(b.kpuHours).toBeGreaterThan(0);
  });

  it('an I/O-bound job: CPU stays low, so it never scales and the lag never comes within the SLO', async () => {
    const b = await runBuiltInAutoscaling(scenario('taxi-io-bound'), { maxSeconds: 2 * 3600 });
    expect(b).toMatchObject({ scalingEvents: 0, finalParallelism: 1, secondsToWithinSlo: null, simulatedSeconds: 7200 });
    expect(b.kpuHours).toBeCloseTo(2 * 2, 1); // (1 + 1) KPUs for 2 hours
  });
});

describe('doubling search baseline', () => {
  it('doubles Parallelism in 10-minute trials until the lag stays within the SLO', async () => {
    const s = scenario('iot-cpu-bound');
    const twin = Twin.fromScenario(s);
    const r = await doublingSearch(twinPorts(twin, s), {
      application: s.application, stream: s.stream.name, peak: peakRate(s.load.profile), recordBytes: s.load.recordBytes, slo: s.slo, limits: s.limits,
    });
    expect(r.answer).toEqual({ parallelism: 4, parallelismPerKpu: 1, kpus: 4 });
    expect(r.reconfigurations).toBe(2);
    expect(r.trials).toBe(3);
    expect(r.simulatedSeconds).toBeGreaterThanOrEqual(3 * 600);
  });
});
