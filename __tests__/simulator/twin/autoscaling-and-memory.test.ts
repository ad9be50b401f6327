/** Managed Flink's built-in CPU autoscaling policy, and heap-driven OOM restart loops (docs/twin-model.md 6 and 7). */
import { Twin } from '../../../simulator/twin';
import { APP, awsErrorOf, parallelismUpdate, scenario, series } from './fixtures';

const constant = (recordsPerSecond: number) => ({ type: 'constant' as const, recordsPerSecond });

async function parallelism(twin: Twin) {
  const d = (await twin.kinesisAnalytics.describeApplication({ ApplicationName: APP })).ApplicationDetail!;
  const p = d.ApplicationConfigurationDescription!.FlinkApplicationConfigurationDescription!.ParallelismConfigurationDescription!;
  return { status: d.ApplicationStatus, version: d.ApplicationVersionId, P: p.Parallelism, K: p.ParallelismPerKPU, current: p.CurrentParallelism };
}

/** A CPU-bound job: 4 subtasks on one KPU saturate its vCPU at 2000 records/s. D = 40 s. */
function cpuBound(initial: Record<string, unknown>, limits: Record<string, unknown> = {}) {
  return scenario({ initial: { parallelismPerKpu: 4, autoScalingEnabled: true, ...initial }, limits: { maxKpu: 64, maxParallelism: 256, ...limits } },
    { cpuMsPerRecord: 0.5, ioWaitMsPerRecord: 0, slotContention: 0 });
}

describe('built-in autoscaling', () => {
  it('doubles Parallelism after 15 one-minute datapoints of containerCPUUtilization >= 75%, keeping ParallelismPerKPU', async () => {
    const twin = Twin.fromScenario(cpuBound({ parallelism: 4 }));
    twin.setOfferedLoad(constant(1600), 450); // one KPU at 80% CPU, no backlog
    twin.advance(899);
    expect(await parallelism(twin)).toMatchObject({ status: 'RUNNING', P: 4, current: 4, version: 1 });
    twin.advance(1);
    expect(await parallelism(twin)).toMatchObject({ status: 'AUTOSCALING', P: 8, K: 4, current: 4 });
    const inUse = await awsErrorOf(twin.kinesisAnalytics.updateApplication(parallelismUpdate(12, 4, 1)));
    expect(inUse.name).toBe('ResourceInUseException');
    twin.advance(40); // D = 30 + 500 / 50
    expect(await parallelism(twin)).toMatchObject({ status: 'RUNNING', P: 8, K: 4, current: 8, version: 2 });
    const ops = await twin.kinesisAnalytics.listApplicationOperations!({ ApplicationName: APP });
    expect(ops.ApplicationOperationInfoList![0]).toMatchObject({ Operation: 'ScaleApplication', OperationStatus: 'SUCCESSFUL' });
    twin.advance(20);
    expect((await series(twin, 'KPUs', 'Maximum')).values.slice(-1)).toEqual([3]);
  });

  it('does not scale when the high-CPU streak is broken before 15 minutes', async () => {
    const twin = Twin.fromScenario(cpuBound({ parallelism: 4 }));
    twin.setOfferedLoad(constant(1600), 450);
    twin.advance(14 * 60);
    twin.setOfferedLoad(constant(100), 450); // one calm minute: 5% CPU
    twin.advance(60);
    twin.setOfferedLoad(constant(1600), 450);
    twin.advance(14 * 60);
    expect(await parallelism(twin)).toMatchObject({ status: 'RUNNING', P: 4, version: 1 });
    twin.advance(60);
    expect(await parallelism(twin)).toMatchObject({ status: 'AUTOSCALING', P: 8 });
  });

  it('halves after 360 datapoints below 10%, rounded up, never below the configured Parallelism', async () => {
    // Configured 2, capped at 5: 2 -> 4 (t 900) -> 5 (t 1800) under load, then 5 -> 3 -> 2 when idle, never 1.
    const twin = Twin.fromScenario(cpuBound({ parallelism: 2 }, { maxParallelism: 5 }));
    twin.setOfferedLoad(constant(1600), 450);
    twin.advance(1920); // the backlog of the 40 s update is gone by the start of minute 32
    expect(await parallelism(twin)).toMatchObject({ status: 'RUNNING', P: 5 });
    twin.setOfferedLoad(constant(50), 450);
    const changes: Array<[number, string, number]> = [];
    let last = '';
    for (let s = 1920; s < 1920 + 4 * 360 * 60; s++) {
      twin.advance(1);
      const now = await parallelism(twin);
      const key = `${now.status}/${now.P}`;
      if (key !== last) changes.push([twin.nowSeconds(), now.status!, now.P!]);
      last = key;
    }
    const firstHalving = 1920 + 360 * 60;
    // The minute of the first halving is busy catching up its 40 s of downtime: the next streak starts after it.
    const secondHalving = firstHalving + 60 + 360 * 60;
    expect(changes).toEqual([
      [1921, 'RUNNING', 5],
      [firstHalving, 'AUTOSCALING', 3],
      [firstHalving + 40, 'RUNNING', 3],
      [secondHalving, 'AUTOSCALING', 2],
      [secondHalving + 40, 'RUNNING', 2],
    ]);
  });

  it('stops at limits.maxParallelism and limits.maxKpu, and does nothing when disabled', async () => {
    const capped = Twin.fromScenario(cpuBound({ parallelism: 4 }, { maxKpu: 1 }));
    capped.setOfferedLoad(constant(3000), 450);
    capped.advance(3600);
    expect(await parallelism(capped)).toMatchObject({ status: 'RUNNING', P: 4, version: 1 });
    const off = Twin.fromScenario(cpuBound({ parallelism: 4, autoScalingEnabled: false }));
    off.setOfferedLoad(constant(3000), 450);
    off.advance(3600);
    expect(await parallelism(off)).toMatchObject({ status: 'RUNNING', P: 4, version: 1 });
  });
});

describe('heap and OOM restart loops', () => {
  // baseHeapMb 600 + stateMb 9000 on one KPU: 312% of the 3 GB heap. D = 30 + 9000 / 50 = 210 s.
  const heavy = () => scenario({ initial: { parallelism: 1, parallelismPerKpu: 1 } }, { stateMb: 9000 });

  it('fails oomAfterSeconds after each (re)start and stays down D seconds, again and again', async () => {
    const twin = Twin.fromScenario(heavy());
    twin.setOfferedLoad(constant(100), 450);
    const down: number[] = [];
    for (let s = 0; s < 1200; s++) {
      twin.advance(1);
      if (!twin.lastSecond().jobRunning) down.push(s);
    }
    // up 0..119, down 120..329, up 330..449, down 450..659, up 660..779, down 780..989, up 990..1109, down 1110..
    expect(down[0]).toBe(120);
    expect(down.length).toBe(210 * 3 + 90);
    expect(down.includes(330)).toBe(false);
    expect(down.includes(450)).toBe(true);
    expect(twin.fullRestarts()).toBe(4);
    expect((await series(twin, 'fullRestarts', 'Maximum')).values.slice(-1)).toEqual([4]);
    expect((await series(twin, 'heapMemoryUtilization', 'Maximum')).values[0]).toBeCloseTo((100 * 9600) / 3072, 9);
    expect((await series(twin, 'downtime', 'Maximum')).values[5]).toBe(210000); // minute 5 holds second 329
    // The application itself stays RUNNING; only the job restarts.
    expect((await twin.kinesisAnalytics.describeApplication({ ApplicationName: APP })).ApplicationDetail!.ApplicationStatus).toBe('RUNNING');
  });

  it('runs without restarts once enough KPUs share the state', async () => {
    const twin = Twin.fromScenario(heavy(), { parallelism: 5, parallelismPerKpu: 1 });
    twin.setOfferedLoad(constant(100), 450);
    twin.advance(1800);
    expect(twin.fullRestarts()).toBe(0);
    expect((await series(twin, 'heapMemoryUtilization', 'Maximum')).values[0]).toBeCloseTo((100 * (600 + 9000 / 5)) / 3072, 9);
  });
});

describe('billing', () => {
  it('bills (n + 1) KPU-seconds per second while STARTING, RUNNING or UPDATING, nothing while READY', async () => {
    const twin = Twin.fromScenario(scenario(), { startStatus: 'READY' }); // 8 / 4 = 2 KPUs
    twin.advance(600);
    expect(twin.kpuHours()).toBe(0);
    await twin.kinesisAnalytics.startApplication({ ApplicationName: APP });
    twin.advance(3600);
    expect(twin.kpuHours()).toBeCloseTo(3, 12);
  });
});
