import type { LocalCluster, PollSample } from '../../../calibration/local/local-cluster';
import {
  busyFromCounters, CompressedClock, LocalApplicationControl, LocalMetricsSource, LocalUpdateFailedError,
} from '../../../calibration/local/local-ports';

const ORIGIN = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);

function sample(atMs: number, over: Partial<PollSample> = {}): PollSample {
  return {
    atMs, running: true, parallelism: 2, kpus: 2, consumed: 0, watermarkLagMs: 0, millisBehindLatest: 0,
    busyAvg: 500, busyMax: 600, busyMin: 400, backPressuredAvg: 0, idleAvg: 500, cpuNs: 0, heapUsedBytes: 256 * 1024 * 1024,
    heapMaxBytes: 1024 * 1024 * 1024, uptimeMs: 60_000, downtimeMs: null, fullRestarts: 0, intake: 0, ...over,
  };
}

describe('CompressedClock', () => {
  it('runs 60 / periodSeconds times faster than the wall clock from its origin, and maps both ways', () => {
    const clock = new CompressedClock(10, ORIGIN);
    expect(clock.scale).toBe(6);
    expect(clock.toVirtual(ORIGIN + 10_000)).toBe(ORIGIN + 60_000);
    expect(clock.toReal(ORIGIN + 120_000)).toBe(ORIGIN + 20_000);
  });
});

describe('LocalMetricsSource: one calibrator minute per period of polls', () => {
  const clock = new CompressedClock(10, ORIGIN);
  const source = (samples: PollSample[], kpuCpu: number | null = 0.5) =>
    new LocalMetricsSource({ samples } as unknown as LocalCluster, { clock, kpuCpu, overheadCores: 0.1, lagFloorMs: 1000, reportCpu: true });

  it('a backlogged period: consumption from the counter, lags above the floor in compressed ms, CPU net of the overhead', async () => {
    // 10 wall seconds, polls every second: 150 records/s consumed, 200/s accepted, lag 3-5 s wall, 0.6 cores used.
    const samples = Array.from({ length: 11 }, (_, i) => sample(ORIGIN + i * 1000, {
      consumed: 150 * i, intake: 200 * i, watermarkLagMs: 3000 + 200 * i, cpuNs: 0.6e9 * i,
    }));
    const [p] = await source(samples).read(ORIGIN, ORIGIN + 60_000);
    expect(p.startMs).toBe(ORIGIN);
    expect(p.consumed).toBeCloseTo(150, 6);
    expect(p.incomingRecords).toBeCloseTo(200 * 60, 6);
    expect(p.lagMinMs).toBe((3000 - 1000) * 6);
    expect(p.lagMaxMs).toBe((3000 + 200 * 9 - 1000) * 6);
    // 0.6 cores - 0.1 overhead over 2 KPUs x 0.5 cores.
    expect(p.cpu).toBeCloseTo(50, 6);
    expect(p.heapMax).toBeCloseTo(25, 6);
    expect(p.kpus).toBe(3);
    expect(p.busyAvg).toBe(500);
  });

  it('a period caught up throughout reports the accepted intake as consumption (a stale counter cannot pass a 0.2% test)', async () => {
    const samples = Array.from({ length: 11 }, (_, i) => sample(ORIGIN + i * 1000, {
      consumed: 190 * i + (i % 2) * 30, intake: 200 * i, watermarkLagMs: 900,
    }));
    const [p] = await source(samples).read(ORIGIN, ORIGIN + 60_000);
    expect(p.lagMaxMs).toBe(0);
    expect(p.consumed).toBeCloseTo(200, 6);
    expect(p.incomingRecords! / 60).toBeCloseTo(p.consumed!, 9);
  });

  it('periods without polls are absent, and a period of an outage shows its downtime and no consumption', async () => {
    const samples = [
      sample(ORIGIN + 61_000, { running: false, consumed: null, watermarkLagMs: null, millisBehindLatest: null, downtimeMs: 4000 }),
      sample(ORIGIN + 65_000, { running: false, consumed: null, watermarkLagMs: null, millisBehindLatest: null, downtimeMs: 8000 }),
    ];
    const periods = await source(samples).read(ORIGIN - 600_000, ORIGIN + 7 * 60_000);
    expect(periods).toHaveLength(1);
    expect(periods[0].startMs).toBe(ORIGIN + 6 * 60_000);
    expect(periods[0].consumed).toBeNull();
    expect(periods[0].lagMaxMs).toBeNull();
    expect(periods[0].downtimeMaxMs).toBe(8000 * 6);
  });

  it('busy time comes from the accumulated busy-time counters of the busiest vertex, not the gauges\' trailing average', async () => {
    // Two subtasks of the source chain busy 700 and 500 ms/s, a sink vertex 50 ms/s; the gauges still say 300.
    const samples = Array.from({ length: 11 }, (_, i) => sample(ORIGIN + i * 1000, {
      consumed: 150 * i, intake: 200 * i, watermarkLagMs: 3000, busyAvg: 300, busyMax: 300, busyMin: 300,
      busyAccMs: { source: [700 * i, 500 * i], sink: [50 * i, 50 * i] }, incarnation: 1,
    }));
    const [p] = await source(samples).read(ORIGIN, ORIGIN + 60_000);
    expect(p.busyAvg).toBeCloseTo(600, 6);
    expect(p.busyMax).toBeCloseTo(700, 6);
    expect(p.busyMin).toBeCloseTo(500, 6);
  });

  it('caught up, busy time per record is the counters\' own (same metric fetch), however stale both are against the wall clock', async () => {
    // The counters lag the wall clock unevenly: 60 records counted in a period of 10 s at an intake of 10/s,
    // with 480 ms of busy time counted alongside them — 8 ms per record.
    const samples = Array.from({ length: 11 }, (_, i) => sample(ORIGIN + i * 1000, {
      consumed: i === 10 ? 60 : 6 * i, intake: 10 * i, busyAccMs: { source: [i === 10 ? 480 : 48 * i] }, incarnation: 1,
    }));
    const [p] = await source(samples).read(ORIGIN, ORIGIN + 60_000);
    expect(p.consumed).toBeCloseTo(10, 6);
    expect((p.busyAvg! * 1) / p.consumed!).toBeCloseTo(480 / 60, 6);
  });

  it('busy-time counters restart with each job incarnation: only the last incarnation\'s readings count', () => {
    const points = [
      sample(ORIGIN, { consumed: 0, busyAccMs: { v: [9000] }, incarnation: 1 }),
      sample(ORIGIN + 1000, { consumed: 100, busyAccMs: { v: [100] }, incarnation: 2 }),
      sample(ORIGIN + 3000, { consumed: 300, busyAccMs: { v: [1100] }, incarnation: 2 }),
    ];
    expect(busyFromCounters(points, null)).toEqual({ avg: 500, max: 500, min: 500 });
    expect(busyFromCounters(points.slice(0, 2), null)).toBeNull();
  });

  it('a period within the warm-up after a job start carries no consumption (unclean to the calibrator); the next one does', async () => {
    // The job started 4 s before the first poll: up to 10 s of warm-up covers the first period's polls.
    const samples = Array.from({ length: 21 }, (_, i) => sample(ORIGIN + i * 1000, { consumed: 50 * i, intake: 60 * i, watermarkLagMs: 3000, uptimeMs: 4000 + i * 1000 }));
    const warming = new LocalMetricsSource({ samples } as unknown as LocalCluster, { clock, kpuCpu: null, overheadCores: 0, lagFloorMs: 1000, warmupMs: 10_000 });
    const [first, second] = await warming.read(ORIGIN, ORIGIN + 120_000);
    expect(first.consumed).toBeNull();
    expect(second.consumed).toBeCloseTo(50, 6);
  });

  it('reads CPU from the KPUs\' own groups once the task threads are placed, with no overhead to subtract', async () => {
    // The job's group used 0.6 core/s and the KPUs' groups 0.35: 0.35 / (1 KPU x 0.5) = 70%, whatever the
    // overhead estimate says. Before placement (no KPU reading) the job's group net of the overhead counts.
    const placed = Array.from({ length: 3 }, (_, i) => sample(ORIGIN + i * 1000, { kpus: 1, cpuNs: 0.6e9 * i, kpuCpuNs: 0.35e9 * i }));
    const unplaced = Array.from({ length: 3 }, (_, i) => sample(ORIGIN + i * 1000, { kpus: 1, cpuNs: 0.6e9 * i, kpuCpuNs: null }));
    const read = (samples: PollSample[]) => new LocalMetricsSource({ samples } as unknown as LocalCluster, { clock, kpuCpu: 0.5, overheadCores: 0.4, lagFloorMs: 1000 }).read(ORIGIN, ORIGIN + 60_000);
    expect((await read(placed))[0].cpu).toBeCloseTo(70, 6);
    expect((await read(unplaced))[0].cpu).toBeCloseTo(40, 6);
  });

  it('the CPU reading can be switched off', async () => {
    const samples = Array.from({ length: 3 }, (_, i) => sample(ORIGIN + i * 1000, { cpuNs: 0.6e9 * i }));
    const quiet = new LocalMetricsSource({ samples } as unknown as LocalCluster, { clock, kpuCpu: 0.5, overheadCores: 0.1, lagFloorMs: 1000, reportCpu: false });
    expect((await quiet.read(ORIGIN, ORIGIN + 60_000))[0].cpu).toBeNull();
  });

  it('without CPU emulation there is no CPU reading', async () => {
    const samples = Array.from({ length: 3 }, (_, i) => sample(ORIGIN + i * 1000, { cpuNs: null }));
    const [p] = await source(samples, null).read(ORIGIN, ORIGIN + 60_000);
    expect(p.cpu).toBeNull();
  });
});

describe('LocalApplicationControl: updates as Managed Flink does them', () => {
  const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 5))) };
  const initial = { parallelism: 1, parallelismPerKpu: 1, autoScalingEnabled: false };

  it('stop with savepoint, restore at the new parallelism: UPDATING, then RUNNING one version later', async () => {
    const calls: string[] = [];
    const cluster = {
      layout: initial,
      stopWithSavepoint: async () => void calls.push('stop'),
      start: async (l: { parallelism: number; parallelismPerKpu: number }, restore: boolean) => void calls.push(`start P=${l.parallelism} k=${l.parallelismPerKpu} restore=${restore}`),
    } as unknown as LocalCluster;
    const control = new LocalApplicationControl('app', cluster, clock, initial, 1);
    await control.updateParallelism({ parallelism: 3, parallelismPerKpu: 2, autoScalingEnabled: false }, 1);
    expect((await control.describe()).status).toBe('UPDATING');
    const after = await control.waitForStatus('RUNNING', 10);
    expect(after).toMatchObject({ status: 'RUNNING', parallelism: 3, parallelismPerKpu: 2, versionId: 2 });
    expect(calls).toEqual(['stop', 'start P=3 k=2 restore=true']);
    expect(control.updates).toHaveLength(1);
  });

  it('refuses a stale version id with ConcurrentModificationException', async () => {
    const control = new LocalApplicationControl('app', { layout: initial } as unknown as LocalCluster, clock, initial, 1);
    const err = await control.updateParallelism({ ...initial, parallelism: 2 }, 0).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ConcurrentModificationException');
    expect(await control.describe()).toMatchObject({ status: 'RUNNING', parallelism: 1, versionId: 1 });
  });

  it('a failed restore is a failed update carrying Flink\'s error; the application is left READY', async () => {
    const cluster = {
      layout: initial,
      stopWithSavepoint: async () => undefined,
      start: async () => {
        throw new Error('the Flink job exited with code 1: Failed to rollback to checkpoint/savepoint');
      },
    } as unknown as LocalCluster;
    const control = new LocalApplicationControl('app', cluster, clock, initial, 1);
    await control.updateParallelism({ ...initial, parallelism: 4 }, 1);
    const err = await control.waitForStatus('RUNNING', 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalUpdateFailedError);
    expect((err as Error).message).toMatch(/P=4 k=1 failed: the Flink job exited with code 1: Failed to rollback/);
    expect((await control.describe()).status).toBe('READY');
    expect(control.updates[0].error).toMatch(/Failed to rollback/);
  });
});

describe('LocalMetricsSource before the load starts', () => {
  it('counts no poll taken before the load\'s first start: an idle job would read as a huge CPU cost per record', async () => {
    const clock = new CompressedClock(10, ORIGIN);
    let started: number | undefined;
    const samples = Array.from({ length: 20 }, (_, i) => sample(ORIGIN + i * 1000, { consumed: i < 8 ? 0 : 150 * (i - 8), intake: i < 8 ? 0 : 150 * (i - 8), cpuNs: 0.3e9 * i }));
    const source = new LocalMetricsSource({ samples } as unknown as LocalCluster, { clock, kpuCpu: 0.5, overheadCores: 0, lagFloorMs: 1000, since: () => started });
    expect(await source.read(ORIGIN, ORIGIN + 120_000)).toEqual([]);
    started = ORIGIN + 8000;
    const [first] = await source.read(ORIGIN, ORIGIN + 60_000);
    expect(first.consumed).toBeCloseTo(150, 6);
  });
});
