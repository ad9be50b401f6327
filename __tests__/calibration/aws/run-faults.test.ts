/**
 * Fault injection on the AWS code path: what a live account throws at a calibration, and that every one
 * of them ends with the original configuration back in place (or never changed it).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAwsCalibration, type AwsCalibrationArgs } from '../../../calibration/aws/run';
import { InterruptedError } from '../../../core/errors';
import { exitCodeFor } from '../../../calibration/cli/errors';
import { awsError, twinBackedAws, twinSettings, type TwinBackedAws } from './twin-backed-aws';

const ORIGINAL = { parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true };
let t: TwinBackedAws;
let out: string;

function setUp(file = 'taxi-io-bound.json') {
  t = twinBackedAws(file, { initial: ORIGINAL });
  out = join(mkdtempSync(join(tmpdir(), 'kpufit-aws-faults-')), 'out');
}
afterEach(() => t.restoreMocks());

const args = (more: Partial<AwsCalibrationArgs> = {}): AwsCalibrationArgs => ({
  app: t.scenario.application, stream: t.scenario.stream.name, rate: 5200, recordBytes: 450, out, ...more,
});
const parallelismUpdate = (i: number) => t.updates()[i].ApplicationConfigurationUpdate!.FlinkApplicationConfigurationUpdate!.ParallelismConfigurationUpdate!;

describe('retries after re-describing', () => {
  it('ConcurrentModificationException: re-describes and retries with the fresh ApplicationVersionId', async () => {
    setUp();
    let injected = false;
    t.handlers.updateApplication = async (input) => {
      if (!injected) {
        injected = true;
        // Someone else updated the application in between: its version moved on.
        await t.twin.kinesisAnalytics.updateApplication({ ApplicationName: input.ApplicationName, CurrentApplicationVersionId: input.CurrentApplicationVersionId, ApplicationConfigurationUpdate: input.ApplicationConfigurationUpdate });
        throw awsError('ConcurrentModificationException', `Application ${input.ApplicationName} has been modified; current version is ${input.CurrentApplicationVersionId! + 1}`);
      }
      return t.twinHandlers.updateApplication(input);
    };
    const { report } = await runAwsCalibration(args(), t.deps);
    expect(report!.verdict).toBe('recommended');
    const [first, retried] = t.updates();
    expect(retried.CurrentApplicationVersionId).toBe(first.CurrentApplicationVersionId! + 1);
    expect(t.stderr()).toContain('UpdateApplication: ConcurrentModificationException (attempt 1), retrying');
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
  });

  it('ResourceInUseException: waits for RUNNING, re-describes, retries', async () => {
    setUp();
    let refused = 0;
    t.handlers.updateApplication = async (input) => {
      if (refused < 2) {
        refused++;
        throw awsError('ResourceInUseException', 'Application is in AUTOSCALING status');
      }
      return t.twinHandlers.updateApplication(input);
    };
    const { report } = await runAwsCalibration(args(), t.deps);
    expect(report!.verdict).toBe('recommended');
    expect(refused).toBe(2);
    expect(t.updates()[2].CurrentApplicationVersionId).toBe(t.updates()[0].CurrentApplicationVersionId);
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
  });

  it('throttling of DescribeApplication and UpdateApplication is retried with backoff', async () => {
    // (GetMetricData throttles are retried inside the SDK client: retryMode adaptive, see sdk-clients.test.ts.)
    setUp();
    let describeThrottles = 0;
    let updateThrottles = 0;
    t.handlers.describeApplication = async (input) => {
      if (describeThrottles < 3) {
        describeThrottles++;
        throw awsError('ThrottlingException', 'Rate exceeded');
      }
      return t.twinHandlers.describeApplication(input);
    };
    t.handlers.updateApplication = async (input) => {
      if (updateThrottles < 2) {
        updateThrottles++;
        throw awsError('TooManyRequestsException', 'Rate exceeded');
      }
      return t.twinHandlers.updateApplication(input);
    };
    const { report } = await runAwsCalibration(args(), t.deps);
    expect(report!.verdict).toBe('recommended');
    expect([describeThrottles, updateThrottles]).toEqual([3, 2]);
    expect(t.stderr()).toContain('DescribeApplication: ThrottlingException (attempt 1), retrying');
    expect(t.stderr()).toContain('UpdateApplication: TooManyRequestsException (attempt 2), retrying');
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
  });

  it('gives up after a bounded number of attempts and still restores the original', async () => {
    setUp();
    let calls = 0;
    t.handlers.updateApplication = async (input) => {
      calls++;
      const p = input.ApplicationConfigurationUpdate!.FlinkApplicationConfigurationUpdate!.ParallelismConfigurationUpdate!;
      if (p.AutoScalingEnabledUpdate === false) throw awsError('ConcurrentModificationException', 'modified');
      return t.twinHandlers.updateApplication(input);
    };
    await expect(runAwsCalibration(args(), t.deps)).rejects.toThrow(/UpdateApplication still failing after 6 attempts/);
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.verdict).toBe('aborted');
    expect(calls).toBeGreaterThanOrEqual(6);
  });
});

describe('the application leaves RUNNING mid-trial', () => {
  it('aborts at once with the status named and sends no update to a stopped application', async () => {
    setUp();
    let metricCalls = 0;
    t.handlers.getMetricData = async (input) => {
      metricCalls++;
      return t.twinHandlers.getMetricData(input);
    };
    t.handlers.describeApplication = async (input) => {
      const real = await t.twinHandlers.describeApplication(input);
      if (metricCalls >= 4) real.ApplicationDetail!.ApplicationStatus = 'READY'; // the job failed and was stopped
      return real;
    };
    const err = await runAwsCalibration(args(), t.deps).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/is READY, not RUNNING/);
    expect(t.stderr()).toContain('left RUNNING (now READY): aborting the calibration');
    const updatesBefore = t.updates().length;
    expect(updatesBefore).toBeLessThanOrEqual(2);
  });
});

describe('metric gaps', () => {
  it('calibrates through a minute with no datapoints at all and through datapoints published late', async () => {
    setUp();
    let gapMinute: number | undefined;
    t.handlers.getMetricData = async (input) => {
      const real = await t.twinHandlers.getMetricData(input);
      const now = t.twin.clock.now();
      return {
        ...real,
        MetricDataResults: real.MetricDataResults!.map((r) => {
          if (!r.Timestamps?.length) return r;
          // One minute never gets a datapoint (the fourth of the run), and a minute's datapoint is published
          // only 90 s after the minute ends, as CloudWatch does for Managed Flink.
          gapMinute ??= new Date(r.Timestamps[0]).getTime() + 3 * 60000;
          const keep = r.Timestamps.map((d) => new Date(d).getTime()).map((ms) => ms !== gapMinute && ms + 60_000 + 90_000 <= now);
          return { ...r, Timestamps: r.Timestamps.filter((_, i) => keep[i]), Values: r.Values!.filter((_, i) => keep[i]), StatusCode: 'PartialData' };
        }),
      };
    };
    const { report } = await runAwsCalibration(args(), t.deps);
    expect(report!.verdict).toBe('recommended');
    const gapSecond = (gapMinute! - t.twin.clock.now()) / 1000 + report!.elapsedSeconds;
    expect(report!.timeline!.some((p) => Math.abs(p.second - gapSecond) < 30)).toBe(false);
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
  });
});

describe('Ctrl-C', () => {
  it('restores the original configuration, autoscaling included, writes an aborted report and exits 130', async () => {
    setUp();
    t.handlers.getMetricData = async (input) => {
      // Ctrl-C in the middle of the second trial, after the first reconfiguration.
      if (t.updates().length === 1) t.signals.emit('SIGINT');
      return t.twinHandlers.getMetricData(input);
    };
    const err = await runAwsCalibration(args({ json: true }), t.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(exitCodeFor(err)).toBe(130);
    expect((err as Error).message).toMatch(/^calibration aborted: interrupted by SIGINT; the original configuration was restored; resume with --resume .*state\.json$/);
    expect(t.stderr()).toContain('SIGINT: stopping the load and restoring the original configuration (send another signal to exit at once WITHOUT restoring the original configuration)');
    for (const name of ['SIGTERM', 'SIGHUP']) expect(t.signals.listenerCount(name)).toBe(0);
    const report = JSON.parse(t.stdout());
    expect(report).toMatchObject({ verdict: 'aborted', recommendation: null, restoredOriginal: true });
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).verdict).toBe('aborted');
    expect(parallelismUpdate(t.updates().length - 1)).toEqual({ ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 2, ParallelismPerKPUUpdate: 1, AutoScalingEnabledUpdate: true });
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
    expect(t.signals.listenerCount('SIGINT')).toBe(0);
  });
});

describe('access denied', () => {
  it('names the IAM action the credentials lack', async () => {
    setUp();
    t.handlers.updateApplication = async () => {
      throw awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: kinesisanalytics:UpdateApplication', 403);
    };
    const err = await runAwsCalibration(args(), t.deps).catch((e: Error) => e);
    expect((err as Error).message).toContain('the AWS credentials lack the IAM permission kinesisanalytics:UpdateApplication');
    expect(await twinSettings(t)).toEqual({ status: 'RUNNING', ...ORIGINAL });
  });

  it('names cloudwatch:GetMetricData when metrics cannot be read', async () => {
    setUp();
    t.handlers.getMetricData = async () => {
      throw awsError('AccessDenied', 'User is not authorized to perform: cloudwatch:GetMetricData', 403);
    };
    const err = await runAwsCalibration(args(), t.deps).catch((e: Error) => e);
    expect((err as Error).message).toContain('cloudwatch:GetMetricData');
  });
});
