import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_ALGORITHM, runAwsCalibration } from '../../../calibration/aws/run';
import { modelFromObservations, parseJobModel, renderJobModel } from '../../../calibration/autoscaler/model-file';
import { twinBackedAws, twinSettings, type TwinBackedAws } from './twin-backed-aws';

describe('kpufit calibrate --target aws, on the SDK clients answered by the twin', () => {
  let t: TwinBackedAws;
  afterEach(() => t.restoreMocks());

  it('right-sizes the application, sends exact request shapes, restores the original and writes the report and state', async () => {
    t = twinBackedAws('taxi-io-bound.json', { initial: { parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true } });
    const out = join(mkdtempSync(join(tmpdir(), 'kpufit-aws-')), 'report');
    const app = t.scenario.application;
    const result = await runAwsCalibration({ app, stream: t.scenario.stream.name, rate: 5200, recordBytes: 450, out, json: true }, t.deps);
    const report = result.report!;

    expect(report.target).toBe('aws');
    expect(report.verdict).toBe('recommended');
    expect(report.initial).toEqual({ parallelism: 2, parallelismPerKpu: 1, kpus: 2 });
    expect(report.restoredOriginal).toBe(true);

    // DescribeApplication names the application and nothing else.
    expect(t.describes()[0]).toEqual({ ApplicationName: app });

    // Every UpdateApplication: the version id DescribeApplication last returned, a CUSTOM parallelism update.
    const updates = t.updates();
    expect(updates.length).toBe(report.reconfigurations);
    for (const u of updates) {
      expect(Object.keys(u).sort()).toEqual(['ApplicationConfigurationUpdate', 'ApplicationName', 'CurrentApplicationVersionId']);
      expect(u.ApplicationName).toBe(app);
      expect(Object.keys(u.ApplicationConfigurationUpdate!)).toEqual(['FlinkApplicationConfigurationUpdate']);
      expect(u.ApplicationConfigurationUpdate!.FlinkApplicationConfigurationUpdate!.ParallelismConfigurationUpdate).toEqual({
        ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: expect.any(Number), ParallelismPerKPUUpdate: expect.any(Number), AutoScalingEnabledUpdate: expect.any(Boolean),
      });
    }
    expect(updates.map((u) => u.CurrentApplicationVersionId)).toEqual(updates.map((_, i) => i + 1)); // the twin starts at version 1
    // Trials run with built-in autoscaling off; the last update puts the original back, autoscaling included.
    expect(updates.slice(0, -1).every((u) => u.ApplicationConfigurationUpdate!.FlinkApplicationConfigurationUpdate!.ParallelismConfigurationUpdate!.AutoScalingEnabledUpdate === false)).toBe(true);
    expect(updates.at(-1)!.ApplicationConfigurationUpdate!.FlinkApplicationConfigurationUpdate!.ParallelismConfigurationUpdate).toEqual({
      ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 2, ParallelismPerKPUUpdate: 1, AutoScalingEnabledUpdate: true,
    });
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true });

    // GetMetricData: millisBehindLatest with Application, Flow=Input and Id = stream name with '-' -> '_', Period 60.
    const queries = t.metricRequests()[0].MetricDataQueries!;
    const lag = queries.find((q) => q.MetricStat?.Metric?.MetricName === 'millisBehindLatest' && q.MetricStat.Stat === 'Maximum')!;
    expect(lag.MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/KinesisAnalytics', MetricName: 'millisBehindLatest',
        Dimensions: expect.arrayContaining([
          { Name: 'Id', Value: 'taxi_io_bound_stream' }, { Name: 'Application', Value: app }, { Name: 'Flow', Value: 'Input' },
        ]),
      },
      Period: 60,
      Stat: 'Maximum',
    });
    expect(lag.MetricStat!.Metric!.Dimensions).toHaveLength(3);
    const incoming = queries.find((q) => q.MetricStat?.Metric?.MetricName === 'IncomingRecords')!;
    expect(incoming.MetricStat).toEqual({ Metric: { Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords', Dimensions: [{ Name: 'StreamName', Value: 'taxi-io-bound-stream' }] }, Period: 60, Stat: 'Sum' });

    // Outputs: --json on stdout alone, the four report files, model.json, and the state after the last trial.
    expect(JSON.parse(t.stdout())).toEqual(report);
    expect(result.files.map((f) => f.slice(out.length + 1))).toEqual(['report.json', 'report.md', 'report.html', 'trials.csv', 'model.json']);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(report);
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'));
    expect(state).toMatchObject({ kind: 'kpufit-calibration-state', application: app, stream: 'taxi-io-bound-stream' });
    const essentials = (trials: Array<{ parallelism: number; parallelismPerKpu: number; startSecond: number; verdict: string }>) =>
      trials.map((t) => [t.parallelism, t.parallelismPerKpu, t.startSecond, t.verdict]);
    expect(essentials(state.state.trials)).toEqual(essentials(report.trials));
    expect(state.state.original).toEqual({ parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true });
    // model.json: the fit of every trial's evidence (the calibrator's AWS options), in the autoscaler's terms;
    // the job's 2 ms of I/O wait per record comes out of it as on the twin.
    const modelText = readFileSync(join(out, 'model.json'), 'utf8');
    expect(modelText).toBe(renderJobModel(modelFromObservations(state.state.observations, AWS_ALGORITHM)));
    const model = parseJobModel(JSON.parse(modelText));
    expect(model.origin).toBe('calibration');
    expect(model.ioWaitMsPerRecord).toBeCloseTo(2, 1);
    expect(t.stderr()).toContain('is RUNNING at Parallelism 2, ParallelismPerKPU 1 (2 KPUs), autoscaling on; stream taxi-io-bound-stream has 8 shards');
  });

  it('without --json prints the same human summary as the twin run on stdout', async () => {
    t = twinBackedAws('taxi-io-bound.json');
    const out = join(mkdtempSync(join(tmpdir(), 'kpufit-aws-')), 'report');
    const result = await runAwsCalibration({ app: t.scenario.application, stream: t.scenario.stream.name, rate: 5200, recordBytes: 450, out }, t.deps);
    const lines = t.stdout().trim().split('\n');
    expect(lines[0]).toBe(`verdict: ${result.report!.verdict} (bottleneck: ${result.report!.bottleneck})`);
    expect(lines).toContain(`report: ${join(out, 'report.json')} (and report.md, report.html, trials.csv)`);
    expect(t.stdout()).not.toContain('{');
  });

  it('refuses an --out that holds a model.json before any AWS call, and replaces it with --force', async () => {
    t = twinBackedAws('taxi-io-bound.json');
    const out = join(mkdtempSync(join(tmpdir(), 'kpufit-aws-')), 'report');
    mkdirSync(out);
    writeFileSync(join(out, 'model.json'), '{}\n');
    const args = { app: t.scenario.application, stream: t.scenario.stream.name, rate: 5200, recordBytes: 450, out };
    await expect(runAwsCalibration(args, t.deps)).rejects.toThrow(`--out ${out}: ${join(out, 'model.json')} exists; pass --force to overwrite it or choose another --out`);
    expect(t.describes()).toEqual([]);
    await runAwsCalibration({ ...args, force: true }, t.deps);
    expect(parseJobModel(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'))).origin).toBe('calibration');
  });
});
