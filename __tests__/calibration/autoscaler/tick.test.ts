/**
 * One autoscaler run through its ports: it reads only the minutes its state's window does not hold (as
 * the Lambda does through its DynamoDB item), and decides exactly as a run that reads the whole window.
 */
import { priorModel, type JobModel } from '../../../calibration/autoscaler/job-model';
import { autoscalerOptions } from '../../../calibration/autoscaler/options';
import { initialState, type AutoscalerState } from '../../../calibration/autoscaler/policy';
import { autoscaleTick, MemoryAutoscalerStore, type AutoscalerSettings } from '../../../calibration/autoscaler/tick';
import type { ApplicationState, MetricPeriod, MetricsSource, ParallelismSettings } from '../../../calibration/ports';
import { runningMinute, T0, type JobTruth } from './minutes';

const options = autoscalerOptions();
const io: JobTruth = { cpuMsPerRecord: 0.1, slotContention: 0.02, ioWaitMsPerRecord: 2 };
const fitted: JobModel = { ...priorModel(options), origin: 'calibration', cpuMsPerRecord: 0.1, slotContention: 0.02, ioWaitMsPerRecord: 2, downtimeSeconds: 60, downtimeMeasured: true };
const settings: AutoscalerSettings = { application: 'app', slo: { maxLagMs: 60000 }, options, initialModel: fitted };

/** A job at P=64 K=8 whose input falls to 3000 rec/s after an hour at 20000 (the scale-down case). */
const config = { parallelism: 64, parallelismPerKpu: 8 };
const all: MetricPeriod[] = Array.from({ length: 200 }, (_, i) => runningMinute(i, io, config, { input: i < 60 ? 20000 : 3000 }));

class ScriptedMetrics implements MetricsSource {
  readonly reads: Array<[number, number]> = [];
  constructor(private readonly minutes: MetricPeriod[]) {}
  async read(fromMs: number, toMs: number): Promise<MetricPeriod[]> {
    this.reads.push([(fromMs - T0) / 60000, (toMs - T0) / 60000]);
    return this.minutes.filter((m) => m.startMs >= fromMs && m.startMs < toMs);
  }
}

function ports(minutes: MetricPeriod[], store: MemoryAutoscalerStore, at: { ms: number }) {
  const app: ApplicationState = { name: 'app', status: 'RUNNING', versionId: 1, ...config, autoScalingEnabled: false };
  const updates: ParallelismSettings[] = [];
  const metrics = new ScriptedMetrics(minutes);
  return {
    metrics,
    updates,
    ports: {
      metrics,
      control: {
        describe: async () => ({ ...app }),
        updateParallelism: async (target: ParallelismSettings) => { updates.push(target); return {}; },
        waitForStatus: async () => ({ ...app }),
      },
      store,
      notifier: { notify: async () => undefined },
      clock: { now: () => at.ms, sleep: async () => undefined },
    },
  };
}

describe('autoscaleTick reads incrementally', () => {
  it('reads the whole window once, then only the newest minutes, and decides as a run reading the whole window', async () => {
    const at = { ms: 0 };
    const incremental = ports(all, new MemoryAutoscalerStore(), at);
    // The other run forgets its window after each minute: it reads the whole window every time.
    const forgetful = new MemoryAutoscalerStore();
    const whole = ports(all, forgetful, at);
    const reasons: Array<[string, string]> = [];
    for (let m = 100; m <= 130; m++) {
      at.ms = T0 + m * 60000;
      const a = await autoscaleTick(incremental.ports, settings);
      const b = await autoscaleTick(whole.ports, settings);
      await forgetful.save({ ...(await forgetful.load())!, recent: undefined });
      reasons.push([a.decision.reason, b.decision.reason]);
      expect({ ...a.state, recent: undefined }).toEqual({ ...b.state, recent: undefined });
    }
    expect(reasons.every(([a, b]) => a === b)).toBe(true);
    expect(incremental.updates).toEqual(whole.updates);
    expect(incremental.updates).toHaveLength(1); // the scale-down, the same minute in both
    expect(incremental.metrics.reads.slice(0, 3)).toEqual([[35, 100], [98, 101], [99, 102]]);
    expect(whole.metrics.reads.slice(0, 3)).toEqual([[35, 100], [36, 101], [37, 102]]);
  });

  it('keeps the complete minutes of the window in the state it saves', async () => {
    const at = { ms: T0 + 100 * 60000 };
    const store = new MemoryAutoscalerStore();
    await autoscaleTick(ports(all, store, at).ports, settings);
    const saved = (await store.load()) as AutoscalerState;
    expect(saved.recent!.map((m) => (m.startMs - T0) / 60000)).toEqual(Array.from({ length: 65 }, (_, i) => 35 + i));
  });

  it('uses a late datapoint of a minute it already kept (the re-read replaces it)', async () => {
    const at = { ms: T0 + 100 * 60000 };
    const store = new MemoryAutoscalerStore();
    const first = all.map((m, i) => (i === 99 ? { ...m, incomingRecords: null } : m));
    await autoscaleTick(ports(first, store, at).ports, settings);
    at.ms += 60000;
    await autoscaleTick(ports(all, store, at).ports, settings);
    const saved = (await store.load()) as AutoscalerState;
    expect(saved.recent!.find((m) => m.startMs === T0 + 99 * 60000)?.incomingRecords).toBe(180000);
  });

  it('reads the whole window for a state saved before the window existed', async () => {
    const at = { ms: T0 + 100 * 60000 };
    const old: AutoscalerState = { ...initialState(fitted), recent: undefined };
    const run = ports(all, new MemoryAutoscalerStore(old), at);
    await autoscaleTick(run.ports, settings);
    expect(run.metrics.reads).toEqual([[35, 100]]);
  });
});

describe('MemoryAutoscalerStore', () => {
  it('hands out copies by default, and the state itself with { copy: false }', async () => {
    const state = initialState(fitted);
    const copying = new MemoryAutoscalerStore();
    await copying.save(state);
    expect(await copying.load()).toEqual(state);
    expect(await copying.load()).not.toBe(state);
    const sharing = new MemoryAutoscalerStore(null, { copy: false });
    await sharing.save(state);
    expect(await sharing.load()).toBe(state);
  });
});
