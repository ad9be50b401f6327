/** The AWS sample's step policy: x2 on 5 of 5 lagging minutes, ÷2 on 5 of 5 idle ones, 300 s cooldown. */
import { StepScalingPolicy, DEFAULT_STEP_SCALING } from '../../../calibration/baselines/step-scaling';
import type { ApplicationState, MetricPeriod, ParallelismSettings } from '../../../calibration/ports';
import { blank, T0 } from '../autoscaler/minutes';

function world(parallelism: number, minute: (i: number) => Partial<MetricPeriod>) {
  let now = T0 + 10 * 60000;
  const app: ApplicationState = { name: 'a', status: 'RUNNING', versionId: 3, parallelism, parallelismPerKpu: 2, autoScalingEnabled: false };
  const updates: Array<[ParallelismSettings, number]> = [];
  return {
    updates,
    advance: (ms: number) => (now += ms),
    ports: {
      clock: { now: () => now, sleep: async () => undefined },
      control: {
        describe: async () => ({ ...app }),
        updateParallelism: async (t: ParallelismSettings, v: number) => {
          updates.push([t, v]);
          app.parallelism = t.parallelism;
          return {};
        },
        waitForStatus: async () => ({ ...app }),
      },
      metrics: {
        read: async (from: number, to: number) => {
          const out: MetricPeriod[] = [];
          for (let t = from; t < to; t += 60000) out.push({ ...blank(t), ...minute((t - T0) / 60000) });
          return out;
        },
      },
    },
  };
}

const policy = () => new StepScalingPolicy({ ...DEFAULT_STEP_SCALING, maxKpus: 8, maxParallelism: 256 });

describe('StepScalingPolicy', () => {
  it('doubles Parallelism after 5 of 5 minutes at or above 10 s of lag, then waits 300 s', async () => {
    const w = world(4, () => ({ lagMaxMs: 10000, containerCpuMax: 50 }));
    const p = policy();
    expect(await p.tick(w.ports)).toBe(8);
    expect(w.updates).toEqual([[{ parallelism: 8, parallelismPerKpu: 2, autoScalingEnabled: false }, 3]]);
    w.advance(240000);
    expect(await p.tick(w.ports)).toBeNull(); // cooldown
    w.advance(60000);
    expect(await p.tick(w.ports)).toBe(16); // 8 KPUs at 2 per KPU: the limit
    w.advance(300000);
    expect(await p.tick(w.ports)).toBeNull();
  });

  it('halves (rounded up) after 5 of 5 minutes under 20% container CPU', async () => {
    const w = world(5, () => ({ lagMaxMs: 0, containerCpuMax: 5 }));
    expect(await policy().tick(w.ports)).toBe(3);
  });

  it('does nothing on 4 of 5 minutes', async () => {
    const w = world(4, (i) => ({ lagMaxMs: i % 5 === 0 ? 0 : 20000, containerCpuMax: 50 }));
    expect(await policy().tick(w.ports)).toBeNull();
  });
});
