/**
 * `kpufit calibrate --target aws`: the calibration loop of calibrate.ts on a real Managed Flink
 * application, wired to the SDK-backed ports, the Kinesis load generator and the wall clock, inside the
 * safety rails of a live account:
 *   - refuses to start unless the application is RUNNING;
 *   - --dry-run records every mutating call (UpdateApplication, PutRecords) instead of making it and prints
 *     the plan;
 *   - --max-kpu / --max-cost-usd bound what calibration may spend (SpendGuard);
 *   - throttling, ConcurrentModificationException and ResourceInUseException are retried after re-describing;
 *     an update that fails is reported with AWS's reason; AccessDenied names the missing IAM action;
 *   - Ctrl-C (or the application leaving RUNNING, or the budget) aborts: the loop restores the original
 *     configuration, autoscaling included, the report says `aborted`, and the exit code is non-zero;
 *   - DIR/state.json is rewritten after every trial, and --resume FILE continues from it.
 */
import { summary } from '../report/summary';
import { join } from 'node:path';
import type { CloudWatchApi, KinesisAnalyticsApi, KinesisApi } from '../../core/aws-api';
import { KinesisAnalyticsApplicationControl } from '../adapters/application-control';
import { CloudWatchMetricsSource } from '../adapters/cloudwatch-metrics';
import { createAwsApis, destroyAwsApis } from '../adapters/sdk-clients';
import { KinesisStreamInfo } from '../adapters/stream-info';
import { CalibrationAbortedError, calibrate, type CalibrationHooks, type CalibrationOptions, type CalibrationState } from '../calibrate';
import type { CalibrationPorts } from '../ports';
import { InterruptedError } from '../../core/errors';
import { Progress } from '../../core/progress';
import type { ApplicationControl, Clock, LoadDriver } from '../ports';
import { DEFAULT_PRICING, writeReportFiles } from '../report';
import { formatConfiguration, formatLag } from '../report/format';
import type { CalibrationReport } from '../report-types';
import type { AlgorithmOptions } from '../algorithm/options';
import { createKinesisClient, kinesisApi as producerKinesisApi } from '../../simulator/kinesis-client';
import { GeneratorLoadDriver } from '../../simulator/load-driver';
import { KinesisProducer } from '../../simulator/producers/kinesis-producer';
import { ApplicationNotRunningError } from './aws-errors';
import {
  CallRecorder, formatPlan, InstantClock, plannedFollowUps, RecordingApplicationControl, RecordingLoadDriver, RecordingCloudWatch,
} from './dry-run';
import { OperationFollower } from './operation-follower';
import { RetryingApplicationControl } from './retrying-control';
import { resolveAwsSettings, type AwsCalibrationArgs, type AwsRunSettings } from './settings';
import { SpendGuard } from './spend-guard';
import { kpusFor } from '../../core/managed-flink';
import { checkResumable, readStateFile, writeStateFile } from './state-file';
import { StatusWatch } from './status-watch';
import { SystemClock } from '../../core/clock';

export type { AwsCalibrationArgs } from './settings';

export interface AwsApiSet {
  kinesisAnalytics: KinesisAnalyticsApi;
  cloudWatch: CloudWatchApi;
  kinesis: KinesisApi;
}

/** What a test (or the twin-backed end-to-end check) swaps in; everything defaults to the real thing. */
export interface AwsRunDeps {
  apis?: AwsApiSet;
  clock?: Clock;
  createLoadDriver?(settings: AwsRunSettings, clock: Clock): LoadDriver;
  calibrate?: typeof calibrate;
  /** Where SIGINT comes from. Default process. */
  signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** DescribeApplication polling while an update runs, seconds. Default 15. */
  pollSeconds?: number;
  /** Algorithm knobs over the AWS defaults (AWS_ALGORITHM). */
  algorithm?: Partial<AlgorithmOptions>;
  retry?: ConstructorParameters<typeof RetryingApplicationControl>[2];
  env?: NodeJS.ProcessEnv;
}

/**
 * On AWS: poll DescribeApplication every 15 s (its API rate limit is shared with the console and CI), and
 * read a minute's CloudWatch datapoints 2 minutes after it ends (Managed Flink publishes them late).
 */
export const AWS_ALGORITHM: Partial<AlgorithmOptions> = { pollSeconds: 15, metricsDelaySeconds: 120 };

export interface AwsRunResult {
  report?: CalibrationReport;
  files: string[];
  plan?: string[];
}

/** The load on AWS: the workload generator through the batching Kinesis producer, paced by `clock`. */
export function awsLoadDriver(settings: AwsRunSettings, clock: Clock): LoadDriver {
  const api = producerKinesisApi(createKinesisClient({ region: settings.region, endpointUrl: settings.endpointUrl }));
  return new GeneratorLoadDriver({
    producer: new KinesisProducer({ api, streamName: settings.stream, clock }),
    clock,
    records: { workload: settings.workload, seed: settings.seed },
  });
}

export async function runAwsCalibration(args: AwsCalibrationArgs, deps: AwsRunDeps = {}): Promise<AwsRunResult> {
  const settings = await resolveAwsSettings(args, deps.env);
  const stdout = deps.stdout ?? process.stdout;
  const stderr = (deps.stderr ?? process.stderr) as NodeJS.WriteStream;
  const progress = new Progress(`calibrate ${settings.application}`, { stream: stderr });
  const owned = deps.apis ? undefined : createAwsApis({ region: settings.region, endpointUrl: settings.endpointUrl });
  const apis: AwsApiSet = deps.apis ?? owned!;

  const controller = new AbortController();
  const signals = deps.signals ?? process;
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      progress.log('interrupted: restoring the original configuration (Ctrl-C again to exit without restoring)');
      controller.abort(new Error('interrupted (Ctrl-C)'));
    } else {
      progress.log('second Ctrl-C: exiting WITHOUT restoring the original configuration');
      process.exit(130);
    }
  };
  signals.on('SIGINT', onSigint);

  try {
    const clock = deps.clock ?? (settings.dryRun ? new InstantClock(Date.now()) : new SystemClock(controller.signal));
    const base = new KinesisAnalyticsApplicationControl(apis.kinesisAnalytics, settings.application, clock, { pollSeconds: deps.pollSeconds ?? 15 });
    const retrying = new RetryingApplicationControl(base, clock, {
      ...deps.retry,
      onRetry: (what, attempt, err) => progress.log(`${what}: ${err.name} (attempt ${attempt}), retrying`),
    });

    // Preflight, read-only: the application must be RUNNING and the stream must exist.
    const current = await retrying.describe();
    if (current.status !== 'RUNNING') {
      throw new ApplicationNotRunningError(settings.application, current.status,
        `calibration measures a running job; start it first (aws kinesisanalyticsv2 start-application --application-name ${settings.application})`);
    }
    const stream = new KinesisStreamInfo(apis.kinesis, settings.stream);
    const streamDescription = await stream.describe();

    const resumeFile = settings.resume ? await readStateFile(settings.resume) : undefined;
    if (resumeFile && settings.resume) checkResumable(resumeFile, settings.resume, settings.application, settings.stream);
    const resume: CalibrationState | undefined = resumeFile?.state;
    const original = resume?.original ?? { parallelism: current.parallelism, parallelismPerKpu: current.parallelismPerKpu, autoScalingEnabled: current.autoScalingEnabled };

    progress.log(
      `${settings.dryRun ? 'dry run: ' : ''}${settings.application} is RUNNING at ${formatConfiguration({ ...current, kpus: kpusFor(current.parallelism, current.parallelismPerKpu) })}` +
        `${current.autoScalingEnabled ? ', autoscaling on' : ''}; stream ${settings.stream} has ${streamDescription.openShardCount} shards` +
        `${resume ? `; resuming after ${resume.trials.length} trials` : ''}`,
    );

    const recorder = new CallRecorder();
    const scope = { application: settings.application, stream: settings.stream };
    let control: ApplicationControl;
    let ports: CalibrationPorts;
    const dryRunControl = settings.dryRun
      ? new RecordingApplicationControl(retrying, recorder, () => {
        if (!controller.signal.aborted) controller.abort(new Error('dry run: the trials after this one depend on measurements'));
      })
      : undefined;
    if (dryRunControl) {
      control = dryRunControl;
      ports = { control, metrics: new CloudWatchMetricsSource(new RecordingCloudWatch(recorder), scope), stream, load: new RecordingLoadDriver(recorder, settings.stream), clock };
    } else {
      const guarded = new SpendGuard(new OperationFollower(retrying, apis.kinesisAnalytics, settings.application, () => clock.now()), clock, {
        maxKpu: settings.maxKpu, maxCostUsd: settings.maxCostUsd, kpuHourUsd: DEFAULT_PRICING.kpuHourUsd, spentKpuSeconds: resume?.kpuSeconds,
      }, original, (reason) => {
        progress.log(`budget reached: ${reason}; stopping and restoring the original configuration`);
        controller.abort(new Error(reason));
      });
      control = new StatusWatch(guarded, clock, (state) => {
        progress.log(`${state.name} left RUNNING (now ${state.status}): aborting the calibration`);
        controller.abort(new ApplicationNotRunningError(state.name, state.status, 'it left RUNNING during the calibration'));
      }, (deps.pollSeconds ?? 15) * 1000);
      const load = (deps.createLoadDriver ?? awsLoadDriver)(settings, clock);
      ports = { control, metrics: new CloudWatchMetricsSource(apis.cloudWatch, scope), stream, load, clock };
    }

    const options: CalibrationOptions = {
      target: 'aws',
      application: settings.application,
      stream: settings.stream,
      load: { recordsPerSecond: settings.recordsPerSecond, recordBytes: settings.recordBytes },
      slo: settings.slo,
      limits: { maxKpu: settings.maxKpu, maxParallelism: settings.maxParallelism },
      pricing: DEFAULT_PRICING,
      maxCostUsd: settings.maxCostUsd,
      keep: settings.keep,
      algorithm: { ...AWS_ALGORITHM, ...(deps.pollSeconds !== undefined ? { pollSeconds: deps.pollSeconds } : {}), ...deps.algorithm },
    };
    const statePath = join(settings.outDir, 'state.json');
    const hooks: CalibrationHooks = {
      signal: controller.signal,
      resume,
      onProgress: (e) => {
        const config = e.parallelism !== undefined ? ` ${e.parallelism}/${e.parallelismPerKpu}` : '';
        const lag = e.lagMs !== undefined ? ` lag ${e.lagMs === null ? 'n/a' : formatLag(e.lagMs)}` : '';
        progress.update(e.trial ?? 0, `${e.phase}${e.trial !== undefined ? ` trial ${e.trial}` : ''}${config} ${Math.round(e.elapsedSeconds)} s${lag}${e.message ? ` ${e.message}` : ''}`);
      },
      onTrial: async (trial, state) => {
        progress.log(`trial ${state.trials.length}: ${formatConfiguration(trial)} ${trial.verdict}: ${trial.reason}`);
        if (settings.dryRun) return;
        await writeStateFile(statePath, {
          application: settings.application, stream: settings.stream, region: settings.region,
          load: { recordsPerSecond: settings.recordsPerSecond, recordBytes: settings.recordBytes }, state,
        });
      },
    };

    // CloudWatch aggregates by wall-clock minute: starting on a boundary gives the first trial whole minutes
    // instead of one that mixes the time before the load began with the time after.
    await clock.sleep(60_000 - (clock.now() % 60_000 || 60_000));

    let report: CalibrationReport;
    let failure: CalibrationAbortedError | undefined;
    try {
      report = await (deps.calibrate ?? calibrate)(ports, options, hooks);
    } catch (err) {
      // A failure mid-run still has a report (verdict aborted, the trials so far): write it, then fail.
      // A dry run ends this way by design: no metrics, no model, so it stops after its first observation.
      if (!(err instanceof CalibrationAbortedError)) throw err;
      failure = err;
      report = err.report;
    }

    if (dryRunControl) {
      plannedFollowUps(recorder, settings.application, dryRunControl.current ?? current, original, { maxKpu: settings.maxKpu, keep: settings.keep });
      const plan = formatPlan(recorder.calls);
      if (settings.json) stdout.write(`${JSON.stringify({ dryRun: true, application: settings.application, stream: settings.stream, calls: recorder.calls }, null, 2)}\n`);
      else for (const line of plan) stderr.write(`${line}\n`);
      return { files: [], plan };
    }

    const finalReport: CalibrationReport = { ...report, generatedAt: report.generatedAt ?? new Date().toISOString() };
    const files = await writeReportFiles(settings.outDir, finalReport);
    if (settings.json) stdout.write(`${JSON.stringify(finalReport, null, 2)}\n`);
    else stdout.write(`${summary(finalReport, settings.outDir).join('\n')}\n`);
    progress.done(`verdict ${finalReport.verdict}${finalReport.recommendation ? `: ${formatConfiguration(finalReport.recommendation)}` : ''}; report in ${join(settings.outDir, 'report.md')}`);

    if (finalReport.verdict === 'aborted') {
      const resumeHint = `resume with --resume ${statePath}`;
      // calibrate()'s own failure message already says what happened and whether the original is back.
      if (failure) throw new Error(`${failure.message}; ${resumeHint}`);
      const reason = controller.signal.aborted ? String((controller.signal.reason as Error)?.message ?? controller.signal.reason) : finalReport.explanation ?? 'the run stopped early';
      const message = `calibration aborted: ${reason}; the original configuration ${finalReport.restoredOriginal ? 'was restored' : 'was NOT restored: check the application'}; ${resumeHint}`;
      throw interrupts > 0 ? new InterruptedError(message) : new Error(message);
    }
    return { report: finalReport, files };
  } finally {
    signals.off('SIGINT', onSigint);
    if (owned) destroyAwsApis(owned);
  }
}
