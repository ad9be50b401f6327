/** The decorators that keep a live calibration within bounds, each on its own with a scripted application. */
import type { ApplicationControl, ApplicationState } from '../../../calibration/ports';
import type { ParallelismSettings } from '../../../core/managed-flink';
import { BudgetExceededError } from '../../../calibration/aws/aws-errors';
import { OperationFollower, UpdateFailedError } from '../../../calibration/aws/operation-follower';
import { SpendGuard } from '../../../calibration/aws/spend-guard';
import { StatusWatch } from '../../../calibration/aws/status-watch';
import { SystemClock } from '../../../core/clock';
import type { KinesisAnalyticsApi } from '../../../core/aws-api';

class ManualClock {
  ms = 0;
  now() { return this.ms; }
  async sleep(ms: number) { this.ms += ms; }
}

function scriptedApp(initial: Partial<ApplicationState> = {}) {
  let state: ApplicationState = { name: 'app', status: 'RUNNING', versionId: 1, parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true, ...initial };
  const updates: ParallelismSettings[] = [];
  const control: ApplicationControl = {
    describe: async () => ({ ...state }),
    updateParallelism: async (target) => {
      updates.push(target);
      state = { ...state, ...target, versionId: state.versionId + 1 };
      return { operationId: `op-${state.versionId}` };
    },
    waitForStatus: async () => ({ ...state }),
  };
  return { control, updates, set: (s: Partial<ApplicationState>) => { state = { ...state, ...s }; } };
}

const ORIGINAL = { parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true };

describe('SpendGuard', () => {
  it('refuses a configuration above --max-kpu before calling AWS', async () => {
    const app = scriptedApp();
    const guard = new SpendGuard(app.control, new ManualClock(), { maxKpu: 4, kpuHourUsd: 0.11 }, ORIGINAL, jest.fn());
    await expect(guard.updateParallelism({ parallelism: 10, parallelismPerKpu: 2, autoScalingEnabled: false }, 1))
      .rejects.toThrow(new BudgetExceededError('--max-kpu 4: refusing to set 10/2 (5 KPUs)'));
    expect(app.updates).toEqual([]);
  });

  it('bills (KPUs + 1) per hour as time passes, the configuration changes included', async () => {
    const clock = new ManualClock();
    const app = scriptedApp();
    const guard = new SpendGuard(app.control, clock, { maxKpu: 64, kpuHourUsd: 0.11 }, ORIGINAL, jest.fn());
    await guard.describe(); // 2 KPUs running
    clock.ms += 3600_000;
    await guard.updateParallelism({ parallelism: 8, parallelismPerKpu: 4, autoScalingEnabled: false }, 1); // still 2 KPUs
    clock.ms += 1800_000;
    expect(guard.spentKpuSeconds()).toBe(3 * 3600 + 3 * 1800);
    expect(guard.spentUsd()).toBeCloseTo(4.5 * 0.11, 10);
  });

  it('stops before a trial would pass --max-cost-usd, but always lets the original be restored', async () => {
    const clock = new ManualClock();
    const app = scriptedApp();
    const reached = jest.fn();
    // Trial 15 min at 9 KPUs = 10 x 0.25 h x $0.11 = $0.275, plus a 5-minute restore reserve: over $0.25.
    const guard = new SpendGuard(app.control, clock, { maxKpu: 64, maxCostUsd: 0.25, kpuHourUsd: 0.11 }, ORIGINAL, reached);
    await guard.describe();
    await expect(guard.updateParallelism({ parallelism: 9, parallelismPerKpu: 1, autoScalingEnabled: false }, 1)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(reached).toHaveBeenCalledWith(expect.stringMatching(/^--max-cost-usd 0\.25: a trial at 9 KPUs would bring calibration to about \$0\.3/));
    await guard.updateParallelism(ORIGINAL, 1);
    expect(app.updates).toEqual([ORIGINAL]);
  });

  it('reports the budget reached while a trial runs, once', async () => {
    const clock = new ManualClock();
    const reached = jest.fn();
    const guard = new SpendGuard(scriptedApp().control, clock, { maxKpu: 64, maxCostUsd: 0.1, kpuHourUsd: 0.11 }, ORIGINAL, reached);
    await guard.describe();
    clock.ms += 10 * 60_000;
    await guard.describe();
    expect(reached).not.toHaveBeenCalled(); // $0.055 + $0.0275 reserve
    clock.ms += 10 * 60_000;
    await guard.describe();
    await guard.describe();
    expect(reached).toHaveBeenCalledTimes(1);
  });
});

describe('StatusWatch', () => {
  it('reports an application that left RUNNING (stopped, rolled back) once, and fails a wait at once', async () => {
    const app = scriptedApp();
    const left = jest.fn();
    const clock = new ManualClock();
    const watch = new StatusWatch(app.control, clock, left, 15_000);
    await watch.describe();
    app.set({ status: 'UPDATING' });
    await watch.describe();
    expect(left).not.toHaveBeenCalled();
    app.set({ status: 'ROLLED_BACK' });
    await expect(watch.waitForStatus('RUNNING', 1800)).rejects.toThrow('application app is ROLLED_BACK, not RUNNING: waiting for RUNNING');
    await watch.describe();
    expect(left).toHaveBeenCalledTimes(1);
    expect(clock.ms).toBe(0); // failed without sleeping out the timeout
  });

  it('waits through UPDATING and times out with the last status', async () => {
    const app = scriptedApp({ status: 'UPDATING' });
    const clock = new ManualClock();
    const watch = new StatusWatch(app.control, clock, jest.fn(), 15_000);
    await expect(watch.waitForStatus('RUNNING', 60)).rejects.toThrow('application app still UPDATING after 60 s waiting for RUNNING');
    expect(clock.ms).toBe(60_000);
  });
});

describe('OperationFollower', () => {
  it('turns a FAILED update operation into an error with AWS\'s reason and the rollback', async () => {
    const app = scriptedApp();
    const api = {
      describeApplicationOperation: jest.fn(async () => ({
        ApplicationOperationInfoDetails: {
          Operation: 'UpdateApplication', OperationStatus: 'FAILED', StartTime: new Date(0), EndTime: new Date(1),
          OperationFailureDetails: { RollbackOperationId: 'op-rb', ErrorInfo: { ErrorString: 'Job failed to start: OutOfMemoryError' } },
        },
      })),
    } as unknown as KinesisAnalyticsApi;
    const follower = new OperationFollower(app.control, api, 'app');
    await follower.updateParallelism({ parallelism: 4, parallelismPerKpu: 4, autoScalingEnabled: false }, 1);
    await expect(follower.waitForStatus('RUNNING', 600)).rejects.toThrow(
      new UpdateFailedError('op-2', 'FAILED', 'Job failed to start: OutOfMemoryError; rolled back by operation op-rb'),
    );
    expect(api.describeApplicationOperation).toHaveBeenCalledWith({ ApplicationName: 'app', OperationId: 'op-2' });
  });

  it('passes a SUCCESSFUL update through and asks only once per update', async () => {
    const app = scriptedApp();
    const describeApplicationOperation = jest.fn(async () => ({ ApplicationOperationInfoDetails: { OperationStatus: 'SUCCESSFUL' } }));
    const follower = new OperationFollower(app.control, { describeApplicationOperation } as unknown as KinesisAnalyticsApi, 'app');
    await follower.updateParallelism({ parallelism: 4, parallelismPerKpu: 4, autoScalingEnabled: false }, 1);
    await expect(follower.waitForStatus('RUNNING', 600)).resolves.toMatchObject({ parallelism: 4 });
    await follower.waitForStatus('RUNNING', 600);
    expect(describeApplicationOperation).toHaveBeenCalledTimes(1);
  });
});

describe('OperationFollower without an OperationId', () => {
  it('finds the update\'s operation with ListApplicationOperations (the newest since the call)', async () => {
    const app = scriptedApp();
    const control: ApplicationControl = { ...app.control, updateParallelism: async (t, v) => { await app.control.updateParallelism(t, v); return {}; } };
    const listApplicationOperations = jest.fn(async () => ({
      ApplicationOperationInfoList: [
        { Operation: 'UpdateApplication', OperationId: 'old', StartTime: new Date(1_000), OperationStatus: 'SUCCESSFUL' },
        { Operation: 'UpdateApplication', OperationId: 'ours', StartTime: new Date(500_000), OperationStatus: 'FAILED' },
      ],
    }));
    const describeApplicationOperation = jest.fn(async () => ({ ApplicationOperationInfoDetails: { OperationStatus: 'FAILED' } }));
    const api = { listApplicationOperations, describeApplicationOperation } as unknown as KinesisAnalyticsApi;
    const follower = new OperationFollower(control, api, 'app', () => 490_000);
    await follower.updateParallelism({ parallelism: 4, parallelismPerKpu: 4, autoScalingEnabled: false }, 1);
    await expect(follower.waitForStatus('RUNNING', 600)).rejects.toThrow('UpdateApplication operation ours FAILED');
    expect(listApplicationOperations).toHaveBeenCalledWith({ ApplicationName: 'app', Operation: 'UpdateApplication', Limit: 10 });
    expect(describeApplicationOperation).toHaveBeenCalledWith({ ApplicationName: 'app', OperationId: 'ours' });
  });
});

describe('SystemClock', () => {
  it('ends the sleeps in progress when the run is aborted, and sleeps in full afterwards', async () => {
    const controller = new AbortController();
    const clock = new SystemClock(controller.signal);
    const started = Date.now();
    const sleeping = clock.sleep(60_000);
    controller.abort();
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1000);
    const before = Date.now();
    await clock.sleep(50);
    expect(Date.now() - before).toBeGreaterThanOrEqual(45);
  });
});
