import { ValidationError } from '../../../core/validation';
import { DEFAULT_LOCAL, resolveLocalSettings } from '../../../calibration/local/settings';
import { capacityFrom, sweepGrid } from '../../../calibration/local/sweep';
import { layoutKey } from '../../../core/managed-flink';
import type { PollSample } from '../../../calibration/local/local-cluster';

function problems(args: Parameters<typeof resolveLocalSettings>[0], cores = 2): string[] {
  try {
    resolveLocalSettings(args, cores);
  } catch (e) {
    return (e as ValidationError).problems;
  }
  return [];
}

describe('local settings: every flag checked before any work', () => {
  it('defaults: the iot workload with 5 ms of blocking I/O at 300 records/s, 0.25 cores per KPU, 10-second periods', () => {
    const s = resolveLocalSettings({}, 2);
    expect(s).toMatchObject({
      workload: 'iot', recordsPerSecond: 300, jobProperties: { 'cost.io.mode': 'BLOCKING', 'cost.io.wait.millis': '5' },
      maxKpu: 4, kpuCpu: 0.25, kpuHeapMb: 512, periodSeconds: 10, shards: 8,
    });
    // The SLO is given in wall time and compressed like the clock (x 60 / periodSeconds).
    expect(s.slo).toEqual({ maxLagMs: 60_000, catchUpSeconds: 600, targetUtilization: 0.8, maxHeapUtilization: 0.9 });
    expect(s.sloWall).toEqual({ maxLagMs: DEFAULT_LOCAL.sloLagWallMs, catchUpSeconds: DEFAULT_LOCAL.catchUpWallSeconds });
  });

  it('--set replaces the default cost knobs; modes are case-insensitive', () => {
    expect(resolveLocalSettings({ set: ['cost.cpu.spin.micros=500', 'cost.io.mode=none'] }, 2).jobProperties)
      .toEqual({ 'cost.cpu.spin.micros': '500', 'cost.io.mode': 'NONE' });
  });

  it('--kpu-cpu 0 turns CPU emulation off', () => {
    expect(resolveLocalSettings({ kpuCpu: 0 }, 2).kpuCpu).toBeNull();
  });

  it('names each bad flag and what is allowed', () => {
    expect(problems({ workload: 'bank', rate: 0, set: ['nokey', 'cost.io.mode=SLOW', 'cost.io.wait.millis=-1', 'x.y=1'], periodSeconds: 3 })).toEqual([
      '--workload: must be one of taxi, iot, clickstream, got "bank"',
      '--rate: must be records per second in (0, 2000] (kinesis-local reads ~2,500/s), got 0',
      '--set: expected key=value, got "nokey"',
      '--set cost.io.mode: must be one of NONE, BLOCKING, ASYNC, got "SLOW"',
      '--set cost.io.wait.millis: must be a non-negative integer, got "-1"',
      expect.stringMatching(/^--set: unknown Job property "x.y"; allowed: cost.cpu.spin.micros, /),
      '--period-seconds: must be an integer from 5 to 60 (wall seconds per calibrator minute), got 3',
    ]);
  });

  it('refuses more emulated CPU than the machine has', () => {
    expect(problems({ kpuCpu: 1, maxKpu: 4 }, 2)).toEqual(["--kpu-cpu: 1 cores x --max-kpu 4 KPUs exceeds this machine's 2 cores; lower either"]);
  });
});

describe('local sweep', () => {
  it('sweepGrid lists every (P, k) with at most maxKpu KPUs and P <= maxParallelism, by KPUs, then k, then P', () => {
    const grid = sweepGrid(2, 2);
    expect(grid.slice(0, 4)).toEqual([
      { parallelism: 1, parallelismPerKpu: 1, kpus: 1 },
      { parallelism: 1, parallelismPerKpu: 2, kpus: 1 },
      { parallelism: 2, parallelismPerKpu: 2, kpus: 1 },
      { parallelism: 1, parallelismPerKpu: 3, kpus: 1 },
    ]);
    expect(grid.filter((c) => c.kpus === 2)).toEqual([{ parallelism: 2, parallelismPerKpu: 1, kpus: 2 }]);
    expect(grid).toHaveLength(16);
  });

  it('measures each placement once: every k >= P is one KPU of P subtasks, every smaller k a placement of its own', () => {
    const keys = sweepGrid(2, 4).map(layoutKey);
    // Up to 2 KPUs and P <= 4: 3 subtasks on 3 KPUs (k = 1) is beyond the limit.
    expect([...new Set(keys)]).toEqual(['1/1', '2/2', '3/3', '4/4', '2/1', '3/2', '4/2', '4/3']);
    expect(layoutKey({ parallelism: 3, parallelismPerKpu: 8 })).toBe('3/3');
    expect(layoutKey({ parallelism: 4, parallelismPerKpu: 3 })).not.toBe(layoutKey({ parallelism: 4, parallelismPerKpu: 2 }));
  });

  it('capacityFrom: the consumption slope after the warm-up, stopping before the last tenth of the backlog', () => {
    const s = (atMs: number, consumed: number) => ({ atMs, running: true, consumed } as PollSample);
    const samples = [s(0, 0), s(1000, 100), s(2000, 400), s(3000, 700), s(4000, 880), s(5000, 1000)];
    expect(capacityFrom(samples, 1000, 1000, 4)).toEqual({ rate: 260, seconds: 3, lowerBound: false });
    expect(capacityFrom(samples, 1000, 1000, 10)).toEqual({ rate: 260, seconds: 3, lowerBound: true });
  });
});
