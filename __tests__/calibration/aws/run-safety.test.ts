/** The safety rails around a calibration on a live application: dry run, budget, preflight, resume. */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_ALGORITHM, runAwsCalibration, type AwsCalibrationArgs } from '../../../calibration/aws/run';
import { modelFromObservations, renderJobModel } from '../../../calibration/autoscaler/model-file';
import { InterruptedError } from '../../../core/errors';
import { exitCodeFor } from '../../../calibration/cli/errors';
import { twinBackedAws, twinSettings, type TwinBackedAws } from './twin-backed-aws';

const ORIGINAL = { parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true };
let t: TwinBackedAws;
let out: string;

function setUp(overrides: Record<string, unknown> = {}) {
  t = twinBackedAws('taxi-io-bound.json', { initial: ORIGINAL, ...overrides });
  out = join(mkdtempSync(join(tmpdir(), 'kpufit-aws-safety-')), 'out');
}
afterEach(() => t.restoreMocks());

const args = (more: Partial<AwsCalibrationArgs> = {}): AwsCalibrationArgs => ({
  app: t.scenario.application, stream: t.scenario.stream.name, rate: 5200, recordBytes: 450, out, ...more,
});

describe('--dry-run', () => {
  it('makes no mutating call, sends no load, writes nothing, and prints the calls it would make with their exact inputs', async () => {
    setUp();
    const load = jest.fn();
    const result = await runAwsCalibration(args({ dryRun: true }), { ...t.deps, clock: undefined, createLoadDriver: load });
    expect(t.updates()).toEqual([]);
    expect(load).not.toHaveBeenCalled();
    expect(existsSync(out)).toBe(false);
    expect(t.twin.producerStats().offered).toBe(0);
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });

    const plan = result.plan!;
    expect(plan[0]).toBe('dry run: no call below that changes anything was made');
    expect(plan).toContain(`reads kinesisanalyticsv2 DescribeApplication {"ApplicationName":"${t.scenario.application}"}`);
    expect(plan).toContain('WOULD CALL kinesis PutRecords on taxi-io-bound-stream: start 5200 records/s of ~450 B');
    const prefix = 'WOULD CALL kinesisanalyticsv2 UpdateApplication ';
    const updateLines = plan.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith(prefix));
    const updates = updateLines.map(([l]) => JSON.parse(l.slice(prefix.length)));
    expect(updates).toHaveLength(2);
    // The plan stops at the first decision that needs measurements: the next trial's update, then the restore.
    expect(plan[updateLines[0][1] - 1]).toMatch(/^then, the next trial, sized by the model from the first observation/);
    expect(updates[0]).toEqual({
      ApplicationName: t.scenario.application,
      CurrentApplicationVersionId: 1,
      ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: {
        ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: expect.any(Number), ParallelismPerKPUUpdate: expect.any(Number), AutoScalingEnabledUpdate: false,
      } } },
    });
    expect(plan[updateLines[1][1] - 1]).toBe('then, at the end (and on Ctrl-C or failure), restoring the original configuration, autoscaling included:');
    expect(updates[1]).toEqual({
      ApplicationName: t.scenario.application,
      CurrentApplicationVersionId: 2,
      ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: {
        ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 2, ParallelismPerKPUUpdate: 1, AutoScalingEnabledUpdate: true,
      } } },
    });
    expect(plan.at(-2)).toBe('WOULD CALL kinesis PutRecords on taxi-io-bound-stream: stop');
    // Discovery comes before the first change, as one line.
    const discovery = plan.findIndex((l) => l.startsWith('reads cloudwatch ListMetrics (series discovery, '));
    expect(discovery).toBeGreaterThan(0);
    expect(discovery).toBeLessThan(plan.findIndex((l) => l.startsWith('WOULD CALL')));
    expect(plan[discovery]).toContain('AWS/KinesisAnalytics millisBehindLatest');
    const metrics = plan.find((l) => l.startsWith('reads cloudwatch GetMetricData '))!;
    expect(metrics).toContain('"MetricName":"millisBehindLatest"');
    expect(metrics).toContain('"Period":60');
    expect(t.stderr()).toContain(plan[0]);
  });

  it('--json prints the plan as JSON on stdout alone', async () => {
    setUp();
    await runAwsCalibration(args({ dryRun: true, json: true }), { ...t.deps, clock: undefined });
    const doc = JSON.parse(t.stdout());
    expect(doc).toMatchObject({ dryRun: true, application: t.scenario.application, stream: 'taxi-io-bound-stream' });
    expect(doc.calls.filter((c: { mutating: boolean; action: string }) => c.mutating).map((c: { action: string }) => c.action)).toEqual(expect.arrayContaining(['UpdateApplication', 'PutRecords']));
    expect(t.stderr()).not.toContain('WOULD CALL');
  });
});

describe('preflight', () => {
  it('refuses to start unless the application is RUNNING, changing nothing', async () => {
    setUp();
    t.handlers.describeApplication = async (input) => {
      const real = await t.twinHandlers.describeApplication(input);
      real.ApplicationDetail!.ApplicationStatus = 'READY';
      return real;
    };
    await expect(runAwsCalibration(args(), t.deps)).rejects.toThrow(
      `application ${t.scenario.application} is READY, not RUNNING: calibration measures a running job; start it first (aws kinesisanalyticsv2 start-application --application-name ${t.scenario.application})`,
    );
    expect(t.updates()).toEqual([]);
    expect(t.twin.producerStats().offered).toBe(0);
  });
});

describe('--max-kpu and --max-cost-usd', () => {
  it('never requests more KPUs than --max-kpu', async () => {
    setUp();
    const { report } = await runAwsCalibration(args({ maxKpu: 1 }), t.deps);
    for (const u of t.updates()) {
      const p = u.ApplicationConfigurationUpdate!.FlinkApplicationConfigurationUpdate!.ParallelismConfigurationUpdate!;
      const restoring = p.ParallelismUpdate === 2 && p.AutoScalingEnabledUpdate === true;
      if (!restoring) expect(Math.ceil(p.ParallelismUpdate! / p.ParallelismPerKPUUpdate!)).toBeLessThanOrEqual(1);
    }
    expect(report!.verdict).toBe('infeasible-within-limits');
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
  });

  it('stops before a trial would pass --max-cost-usd, restores the original, and says why', async () => {
    setUp();
    // Two KPUs + orchestration for the first trial cost ~$0.03 per 5 minutes: $0.05 allows the first trial, not a second.
    const err = await runAwsCalibration(args({ maxCostUsd: 0.05, json: true }), t.deps).catch((e: unknown) => e);
    expect(exitCodeFor(err)).toBe(1);
    expect((err as Error).message).toMatch(/--max-cost-usd 0\.05/);
    const report = JSON.parse(t.stdout());
    expect(report.verdict).toBe('aborted');
    expect(report.calibrationKpuHours * 0.11).toBeLessThanOrEqual(0.05);
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
  });
});

describe('--resume', () => {
  it('continues an interrupted run from DIR/state.json with the trials already done', async () => {
    setUp();
    t.handlers.getMetricData = async (input) => {
      if (t.updates().length === 1) t.signals.emit('SIGINT');
      return t.twinHandlers.getMetricData(input);
    };
    await expect(runAwsCalibration(args(), t.deps)).rejects.toBeInstanceOf(InterruptedError);
    const statePath = join(out, 'state.json');
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(saved.state.trials.length).toBeGreaterThanOrEqual(1);
    expect(saved.state.original).toEqual(ORIGINAL);

    t.handlers.getMetricData = t.twinHandlers.getMetricData;
    const { report } = await runAwsCalibration(args({ resume: statePath }), t.deps);
    expect(report!.verdict).toBe('recommended');
    const essentials = (trials: Array<{ parallelism: number; parallelismPerKpu: number; startSecond: number; verdict: string }>) =>
      trials.map((t) => [t.parallelism, t.parallelismPerKpu, t.startSecond, t.verdict]);
    expect(essentials(report!.trials.slice(0, saved.state.trials.length))).toEqual(essentials(saved.state.trials));
    expect(report!.initial).toEqual({ parallelism: 2, parallelismPerKpu: 1, kpus: 2 });
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
    // model.json fits the evidence of both runs: the interrupted run's observations come back from the state file.
    const final = JSON.parse(readFileSync(statePath, 'utf8')).state;
    expect(final.observations.slice(0, saved.state.observations.length)).toEqual(saved.state.observations);
    expect(final.observations.length).toBeGreaterThan(saved.state.observations.length);
    expect(readFileSync(join(out, 'model.json'), 'utf8')).toBe(renderJobModel(modelFromObservations(final.observations, AWS_ALGORITHM)));
  });

  it('refuses a state file of another application, and a broken one, naming the flag', async () => {
    setUp();
    const dir = mkdtempSync(join(tmpdir(), 'kpufit-resume-'));
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({
      kind: 'kpufit-calibration-state', savedAt: 'x', application: 'someone-else', stream: 'taxi-io-bound-stream', load: { recordsPerSecond: 1, recordBytes: 1 },
      state: { schemaVersion: 1, original: ORIGINAL, startedAtMs: 0, elapsedSecondsBefore: 0, kpuSeconds: 0, reconfigurations: 0, trials: [], observations: [], timeline: [] },
    }));
    await expect(runAwsCalibration(args({ resume: other }), t.deps)).rejects.toMatchObject({ problems: expect.arrayContaining([`--resume ${other}: saved with --app someone-else, not --app ${t.scenario.application} (pass --force-resume to continue anyway)`]) });
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"kind": "kpufit-calibration-state"}');
    await expect(runAwsCalibration(args({ resume: broken }), t.deps)).rejects.toMatchObject({ source: `--resume ${broken}`, problems: expect.arrayContaining([expect.stringMatching(/^application: /)]) });
    expect(t.updates()).toEqual([]);
  });
});
