/**
 * The run loop's safety: the original configuration (autoscaling included) comes back on abort, on any
 * failure mid-run and at the end unless `keep`; a run refuses a non-RUNNING application, stops at its
 * cost cap, and resumes from its saved state. Exercised on the twin through the AWS-shaped ports.
 */
import { join } from 'node:path';
import { CloudWatchMetricsSource } from '../../calibration/adapters/cloudwatch-metrics';
import { Twin, loadScenario, parseScenario, type Scenario } from '../../simulator/twin';
import { twinPorts } from '../../calibration/adapters/twin-ports';
import { CalibrationAbortedError, CalibrationPreconditionError, calibrate, type CalibrationState } from '../../calibration/calibrate';
import { twinCalibrationOptions } from '../../calibration/twin-calibration';

const taxi = loadScenario(join(__dirname, '..', '..', 'scenarios', 'taxi-io-bound.json'));
const autoscaled: Scenario = parseScenario({
  ...JSON.parse(JSON.stringify(taxi)), name: 'taxi-autoscaled', initial: { parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true },
});
const configOf = async (twin: Twin) => {
  const d = (await twin.kinesisAnalytics.describeApplication({ ApplicationName: autoscaled.application })).ApplicationDetail!;
  const p = d.ApplicationConfigurationDescription!.FlinkApplicationConfigurationDescription!.ParallelismConfigurationDescription!;
  return { status: d.ApplicationStatus, parallelism: p.Parallelism, parallelismPerKpu: p.ParallelismPerKPU, autoScalingEnabled: p.AutoScalingEnabled };
};
const ORIGINAL = { status: 'RUNNING', parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true };

describe('calibrate: restoring the original configuration', () => {
  it('on abort (Ctrl-C): verdict aborted, restoredOriginal, autoscaling back on', async () => {
    const twin = Twin.fromScenario(autoscaled);
    const controller = new AbortController();
    const report = await calibrate(twinPorts(twin, autoscaled), { ...twinCalibrationOptions(autoscaled), keep: false }, {
      signal: controller.signal,
      onTrial: (t) => {
        if (t.parallelism !== 2) controller.abort();
      },
    });
    expect(report.verdict).toBe('aborted');
    expect(report.restoredOriginal).toBe(true);
    expect(report.recommendation).toBeNull();
    expect(report.explanation).toMatch(/interrupted/);
    expect(await configOf(twin)).toEqual(ORIGINAL);
    // The trial that ran is kept; the restore is one more UpdateApplication.
    expect(report.trials.length).toBe(2);
    expect(report.reconfigurations).toBe(2);
  });

  it('on abort with keep: verdict aborted, the configuration the trials reached is left as it is', async () => {
    const twin = Twin.fromScenario(autoscaled);
    const controller = new AbortController();
    let reached: { parallelism: number; parallelismPerKpu: number } | undefined;
    const report = await calibrate(twinPorts(twin, autoscaled), { ...twinCalibrationOptions(autoscaled), keep: true }, {
      signal: controller.signal,
      onTrial: (t) => {
        if (t.parallelism !== 2) {
          reached = { parallelism: t.parallelism, parallelismPerKpu: t.parallelismPerKpu };
          controller.abort();
        }
      },
    });
    expect(report.verdict).toBe('aborted');
    expect(report.restoredOriginal).toBe(false);
    expect(report.explanation).toMatch(/interrupted.*the configuration was kept as it was \(keep\)$/);
    expect(await configOf(twin)).toEqual({ status: 'RUNNING', ...reached, autoScalingEnabled: false });
    expect(report.trials.length).toBe(2);
    expect(report.reconfigurations).toBe(1);
  });

  it('on a failure mid-run (metrics unavailable): throws with an aborted report, original restored', async () => {
    const twin = Twin.fromScenario(autoscaled);
    const ports = twinPorts(twin, autoscaled);
    let calls = 0;
    const failing = {
      ...ports,
      metrics: {
        read: (fromMs: number, toMs: number) => {
          calls++;
          if (calls > 6) return Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
          return ports.metrics.read(fromMs, toMs);
        },
      },
    };
    const run = calibrate(failing, { ...twinCalibrationOptions(autoscaled), keep: false });
    await expect(run).rejects.toBeInstanceOf(CalibrationAbortedError);
    const err = (await run.catch((e: unknown) => e)) as CalibrationAbortedError;
    expect(err.message).toMatch(/Rate exceeded.*original configuration was restored/);
    expect(err.report).toMatchObject({ verdict: 'aborted', restoredOriginal: true });
    expect(await configOf(twin)).toEqual(ORIGINAL);
  });

  it('at the end unless keep: the answer is reported, the application back as it was', async () => {
    const twin = Twin.fromScenario(autoscaled);
    const report = await calibrate(twinPorts(twin, autoscaled), { ...twinCalibrationOptions(autoscaled), keep: false });
    expect(report.verdict).toBe('recommended');
    expect(report.restoredOriginal).toBe(true);
    expect(await configOf(twin)).toEqual(ORIGINAL);
    // Calibration moves plus the restore.
    expect(report.reconfigurations).toBe(report.trials.length - 1 + 1);
  });

  it('with keep (the twin default) the last trial stays, autoscaling off, and no restore is counted', async () => {
    const twin = Twin.fromScenario(autoscaled);
    const report = await calibrate(twinPorts(twin, autoscaled), twinCalibrationOptions(autoscaled));
    expect(report.restoredOriginal).toBe(false);
    const last = report.trials[report.trials.length - 1];
    expect(await configOf(twin)).toEqual({ status: 'RUNNING', parallelism: last.parallelism, parallelismPerKpu: last.parallelismPerKpu, autoScalingEnabled: false });
    expect(report.reconfigurations).toBe(report.trials.length - 1);
  });
});

describe('calibrate: guard rails', () => {
  it('refuses an application that is not RUNNING, before changing anything', async () => {
    const twin = Twin.fromScenario(taxi, { startStatus: 'READY' });
    await expect(calibrate(twinPorts(twin, taxi), twinCalibrationOptions(taxi))).rejects.toThrow(CalibrationPreconditionError);
    await expect(calibrate(twinPorts(twin, taxi), twinCalibrationOptions(taxi))).rejects.toThrow(/is READY; calibration needs it RUNNING/);
  });

  it('stops at --max-cost-usd and restores', async () => {
    const twin = Twin.fromScenario(autoscaled);
    const report = await calibrate(twinPorts(twin, autoscaled), { ...twinCalibrationOptions(autoscaled), keep: false, maxCostUsd: 0.03 });
    expect(report.verdict).toBe('aborted');
    expect(report.explanation).toMatch(/max-cost-usd 0.03/);
    expect(report.calibrationKpuHours * 0.11).toBeLessThan(0.03 + 0.11 * (4 / 60)); // at most a minute over
    expect(await configOf(twin)).toEqual(ORIGINAL);
  });

  it('resumes from the state saved after a trial and reaches the same answer', async () => {
    const first = Twin.fromScenario(taxi);
    const controller = new AbortController();
    let saved: CalibrationState | undefined;
    await calibrate(twinPorts(first, taxi), twinCalibrationOptions(taxi), {
      signal: controller.signal,
      onTrial: (_t, state) => {
        saved = JSON.parse(JSON.stringify(state)) as CalibrationState;
        controller.abort();
      },
    });
    expect(saved!.trials).toHaveLength(1);
    const resumed = await calibrate(twinPorts(first, taxi), twinCalibrationOptions(taxi), { resume: saved });
    const fresh = await calibrate(twinPorts(Twin.fromScenario(taxi), taxi), twinCalibrationOptions(taxi));
    expect(resumed.verdict).toBe('recommended');
    expect(resumed.recommendation).toMatchObject({ parallelism: fresh.recommendation!.parallelism, parallelismPerKpu: fresh.recommendation!.parallelismPerKpu });
    expect(resumed.trials[0]).toEqual(saved!.trials[0]);
  });

  it('reports progress with the trial, the configuration, the elapsed time and the lag', async () => {
    const events: Array<{ phase: string; trial?: number; lagMs?: number | null }> = [];
    await calibrate(twinPorts(Twin.fromScenario(taxi), taxi), twinCalibrationOptions(taxi), { onProgress: (e) => events.push(e) });
    expect(events.some((e) => e.phase === 'trial' && e.trial === 2 && typeof e.lagMs === 'number')).toBe(true);
    expect(events.some((e) => e.phase === 'updating')).toBe(true);
  });
});

describe('calibrate: nothing to measure', () => {
  it('stops before changing anything, naming the series it found, when the series it needs do not exist', async () => {
    const twin = Twin.fromScenario(autoscaled);
    // The metrics are asked for under a name the application does not publish.
    const ports = { ...twinPorts(twin, autoscaled), metrics: new CloudWatchMetricsSource(twin.cloudWatch, { application: 'not-the-app', stream: autoscaled.stream.name }) };
    const wrongName = { ...twinCalibrationOptions(autoscaled), application: 'not-the-app', keep: false };
    const err = (await calibrate(ports, wrongName).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(CalibrationPreconditionError);
    expect(err.message).toMatch(/^metrics: no series for lag and consumption of application not-the-app reading /);
    // The stream's series exist, so the error lists them: the user sees what is there and what is not.
    expect(err.message).toContain(`AWS/Kinesis IncomingRecords {StreamName=${autoscaled.stream.name}}`);
    expect(err.message).toContain('GetRecords.IteratorAgeMilliseconds can stand in only when the user asserts');
    expect(await configOf(twin)).toEqual(ORIGINAL);
  });

  it('without discovery (a source that cannot list its series), stops after two blind trials and restores', async () => {
    const twin = Twin.fromScenario(autoscaled);
    const blind = new CloudWatchMetricsSource(twin.cloudWatch, { application: 'not-the-app', stream: autoscaled.stream.name });
    const ports = { ...twinPorts(twin, autoscaled), metrics: { read: (from: number, to: number) => blind.read(from, to) } };
    const wrongName = { ...twinCalibrationOptions(autoscaled), application: 'not-the-app', keep: false };
    const err = (await calibrate(ports, wrongName).catch((e: unknown) => e)) as CalibrationAbortedError;
    expect(err).toBeInstanceOf(CalibrationAbortedError);
    expect(err.message).toMatch(/no CloudWatch datapoints for application not-the-app .* in 2 trials/);
    expect(err.report.verdict).toBe('aborted');
    expect(await configOf(twin)).toEqual(ORIGINAL);
  });

  it('names the series it read in the report (metricsUsed)', async () => {
    const twin = Twin.fromScenario(taxi);
    const report = await calibrate(twinPorts(twin, taxi), twinCalibrationOptions(taxi));
    expect(report.metricsUsed).toContainEqual({
      signal: 'lag', namespace: 'AWS/KinesisAnalytics', name: 'millisBehindLatest',
      dimensions: { Id: taxi.stream.name.replace(/-/g, '_'), Application: taxi.application, Flow: 'Input' },
    });
    expect(report.metricsUsed).toContainEqual({
      signal: 'consumption', namespace: 'AWS/KinesisAnalytics', name: 'numRecordsInPerSecond', dimensions: { Application: taxi.application },
    });
    expect(report.metricsNotes).toBeUndefined();
  });
});
