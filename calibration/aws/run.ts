/**
 * `kpufit calibrate --target aws`: the calibration loop of calibrate.ts on a real Managed Flink
 * application, in this order:
 *   1. inputs: flags (settings.ts), the --resume file (state-file.ts: versioned, validated, for this run
 *      only) and the output directory (core/output-location.ts), all before any AWS call;
 *   2. preflight, read-only: the application must be RUNNING and the stream must exist;
 *   3. the ports, live or dry run (calibration-ports.ts), and DIR/state.json with the original
 *      configuration, written before anything changes;
 *   4. the loop, stopped by SIGINT / SIGTERM / SIGHUP (core/stop-signals.ts), the budget or the application
 *      leaving RUNNING: the load stops, the original configuration is restored (unless --keep), the report
 *      says `aborted`, and the error carries the signal (exit 130 / 143 / 129);
 *   5. the result: report files, model.json (the fitted job model the autoscaler starts from) and stdout
 *      (result-output.ts).
 */
import { dirname, join, resolve } from 'node:path';
import type { CloudWatchApi, KinesisAnalyticsApi, KinesisApi } from '../../core/aws-api';
import { KinesisAnalyticsApplicationControl } from '../adapters/application-control';
import { createAwsApis, destroyAwsApis } from '../adapters/sdk-clients';
import { KinesisStreamInfo } from '../adapters/stream-info';
import { CalibrationAbortedError, calibrate, type CalibrationHooks, type CalibrationOptions, type CalibrationState } from '../calibrate';
import { InterruptedError } from '../../core/errors';
import { checkOutputDirectory } from '../../core/output-location';
import { Progress } from '../../core/progress';
import { StopSignals } from '../../core/stop-signals';
import type { Clock, LoadDriver } from '../ports';
import { DEFAULT_PRICING, REPORT_FILES } from '../report';
import { formatConfiguration, formatLag } from '../report/format';
import type { CalibrationReport } from '../report-types';
import type { AlgorithmOptions } from '../algorithm/options';
import type { TrialObservation } from '../algorithm/observation';
import { modelJsonFor } from '../autoscaler/model-file';
import { createKinesisClient, kinesisApi as producerKinesisApi } from '../../simulator/kinesis-client';
import { GeneratorLoadDriver } from '../../simulator/load-driver';
import { KinesisProducer } from '../../simulator/producers/kinesis-producer';
import { ApplicationNotRunningError } from './aws-errors';
import { wirePorts } from './calibration-ports';
import { InstantClock, plannedFollowUps } from './dry-run';
import { RetryingApplicationControl } from './retrying-control';
import { writeCalibrationResult, writeDryRunPlan } from './result-output';
import { resolveAwsSettings, type AwsCalibrationArgs, type AwsRunSettings } from './settings';
import { kpusFor } from '../../core/managed-flink';
import { checkResumable, readStateFile, writeStateFile, type StateFile } from './state-file';
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
  /** Where SIGINT, SIGTERM and SIGHUP come from. Default process. */
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

/** Step 1: every input checked before any AWS call. */
async function checkInputs(args: AwsCalibrationArgs, env?: NodeJS.ProcessEnv): Promise<{ settings: AwsRunSettings; resumeFile?: StateFile }> {
  const settings = await resolveAwsSettings(args, env);
  const resumeFile = settings.resume ? await readStateFile(settings.resume) : undefined;
  if (resumeFile && settings.resume) {
    checkResumable(resumeFile, settings.resume, {
      application: settings.application, stream: settings.stream, recordsPerSecond: settings.recordsPerSecond, recordBytes: settings.recordBytes, slo: settings.slo,
    }, settings.forceResume);
  }
  if (!settings.dryRun) {
    // Resuming into the directory of the state file continues that run: its files are the ones to update.
    const continuing = settings.resume !== undefined && resolve(dirname(settings.resume)) === resolve(settings.outDir);
    checkOutputDirectory(settings.outDir, REPORT_FILES, { flag: '--out', force: settings.force || continuing });
  }
  return { settings, resumeFile };
}

export async function runAwsCalibration(args: AwsCalibrationArgs, deps: AwsRunDeps = {}): Promise<AwsRunResult> {
  const { settings, resumeFile } = await checkInputs(args, deps.env);
  const stdout = deps.stdout ?? process.stdout;
  const stderr = (deps.stderr ?? process.stderr) as NodeJS.WriteStream;
  const progress = new Progress(`calibrate ${settings.application}`, { stream: stderr });
  const stops = new StopSignals({
    source: deps.signals,
    stopping: settings.keep ? 'stopping the load; --keep leaves the current configuration' : 'stopping the load and restoring the original configuration',
    skipping: settings.keep ? 'writing the report' : 'restoring the original configuration',
    log: (line) => progress.log(line),
  });
  // Guards stop the run through the same controller; a signal's reason (InterruptedError) wins when first.
  const controller = new AbortController();
  stops.signal.addEventListener('abort', () => controller.abort(stops.signal.reason), { once: true });
  const stop = (reason: Error) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const owned = deps.apis ? undefined : createAwsApis({ region: settings.region, endpointUrl: settings.endpointUrl });
  const apis: AwsApiSet = deps.apis ?? owned!;

  try {
    const clock = deps.clock ?? (settings.dryRun ? new InstantClock(Date.now()) : new SystemClock(controller.signal));
    const base = new KinesisAnalyticsApplicationControl(apis.kinesisAnalytics, settings.application, clock, { pollSeconds: deps.pollSeconds ?? 15 });
    const retrying = new RetryingApplicationControl(base, clock, {
      ...deps.retry,
      onRetry: (what, attempt, err) => progress.log(`${what}: ${err.name} (attempt ${attempt}), retrying`),
    });

    // Step 2, read-only: the application must be RUNNING and the stream must exist.
    const current = await retrying.describe();
    if (current.status !== 'RUNNING') {
      throw new ApplicationNotRunningError(settings.application, current.status,
        `calibration measures a running job; start it first (aws kinesisanalyticsv2 start-application --application-name ${settings.application})`);
    }
    const stream = new KinesisStreamInfo(apis.kinesis, settings.stream);
    const streamDescription = await stream.describe();
    const resume: CalibrationState | undefined = resumeFile?.state;
    const original = resume?.original ?? { parallelism: current.parallelism, parallelismPerKpu: current.parallelismPerKpu, autoScalingEnabled: current.autoScalingEnabled };

    progress.log(
      `${settings.dryRun ? 'dry run: ' : ''}${settings.application} is RUNNING at ${formatConfiguration({ ...current, kpus: kpusFor(current.parallelism, current.parallelismPerKpu) })}` +
        `${current.autoScalingEnabled ? ', autoscaling on' : ''}; stream ${settings.stream} has ${streamDescription.openShardCount} shards` +
        `${resume ? `; resuming after ${resume.trials.length} trials` : ''}`,
    );

    // Step 3: the ports, and the state file before the first change, so even a run stopped before its
    // first trial (and whose restore was skipped) can be resumed knowing the original configuration.
    const wired = wirePorts({
      settings, control: retrying, kinesisAnalytics: apis.kinesisAnalytics, cloudWatch: apis.cloudWatch, stream, clock, original,
      runtime: current.runtime, spentKpuSeconds: resume?.kpuSeconds, pollSeconds: deps.pollSeconds ?? 15,
      createLoadDriver: () => (deps.createLoadDriver ?? awsLoadDriver)(settings, clock), log: (line) => progress.log(line), stop,
    });
    const statePath = join(settings.outDir, 'state.json');
    const saveState = async (state: CalibrationState) => {
      if (settings.dryRun) return;
      await writeStateFile(statePath, {
        application: settings.application, stream: settings.stream, region: settings.region,
        load: { recordsPerSecond: settings.recordsPerSecond, recordBytes: settings.recordBytes }, slo: settings.slo, state,
      });
    };
    await saveState(resume ?? {
      schemaVersion: 1, original, startedAtMs: clock.now(), elapsedSecondsBefore: 0, kpuSeconds: 0, reconfigurations: 0, trials: [], observations: [], timeline: [],
    });

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
    // The trials' evidence, for model.json (the autoscaler's starting model); a resumed run's included.
    let observations: TrialObservation[] = resume?.observations ?? [];
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
        observations = state.observations;
        await saveState(state);
      },
    };

    // CloudWatch aggregates by wall-clock minute: starting on a boundary gives the first trial whole minutes
    // instead of one that mixes the time before the load began with the time after.
    // (A clock sleep only ends early for an abort during it: a signal before it must not wait out the minute.)
    if (!controller.signal.aborted) await clock.sleep(60_000 - (clock.now() % 60_000 || 60_000));

    // Step 4.
    let report: CalibrationReport;
    let failure: CalibrationAbortedError | undefined;
    try {
      report = await (deps.calibrate ?? calibrate)(wired.ports, options, hooks);
    } catch (err) {
      // A failure mid-run still has a report (verdict aborted, the trials so far): write it, then fail.
      // A dry run ends this way by design: no metrics, no model, so it stops after its first observation.
      if (!(err instanceof CalibrationAbortedError)) throw err;
      failure = err;
      report = err.report;
    }

    // Step 5.
    if (wired.dryRunControl && wired.recorder) {
      plannedFollowUps(wired.recorder, settings.application, wired.dryRunControl.current ?? current, original, { maxKpu: settings.maxKpu, keep: settings.keep });
      return { files: [], plan: writeDryRunPlan(wired.recorder.calls, settings, settings.json, stdout, stderr) };
    }
    // As on the twin: fitted with the options the calibrator decided with.
    const modelJson = modelJsonFor(observations, options.algorithm);
    const written = await writeCalibrationResult(report, settings.outDir, settings.json, stdout, progress, { modelJson });
    if (written.report.verdict === 'aborted') {
      const resumeHint = `resume with --resume ${statePath}`;
      // calibrate()'s own failure message already says what happened and whether the original is back.
      if (failure) throw new Error(`${failure.message}; ${resumeHint}`);
      const reason = controller.signal.aborted ? String((controller.signal.reason as Error)?.message ?? controller.signal.reason) : written.report.explanation ?? 'the run stopped early';
      const restored = settings.keep ? 'was kept as --keep asked' : written.report.restoredOriginal ? 'was restored' : 'was NOT restored: check the application';
      const message = `calibration aborted: ${reason}; the original configuration ${restored}; ${resumeHint}`;
      throw stops.received ? new InterruptedError(message, stops.received) : new Error(message);
    }
    return written;
  } finally {
    stops.dispose();
    if (owned) destroyAwsApis(owned);
  }
}
