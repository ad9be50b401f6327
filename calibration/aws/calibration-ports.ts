/**
 * The ports a calibration on AWS runs through, in one of two wirings:
 *   - live: describe/update through retries, the update follower, the spend guard and the status watch;
 *     the Kinesis producer as load; CloudWatch as metrics;
 *   - dry run: the same reads, but every mutating call (UpdateApplication, PutRecords, GetMetricData) is
 *     recorded instead of made, and the run stops after planning its first move.
 * `stop(reason)` is how a guard (budget, application left RUNNING) asks the run to stop and restore.
 */
import type { CloudWatchApi, KinesisAnalyticsApi } from '../../core/aws-api';
import { CloudWatchMetricsSource } from '../adapters/cloudwatch-metrics';
import type { KinesisStreamInfo } from '../adapters/stream-info';
import type { ApplicationControl, CalibrationPorts, Clock, LoadDriver, ParallelismSettings } from '../ports';
import { DEFAULT_PRICING } from '../report';
import { ApplicationNotRunningError } from './aws-errors';
import { CallRecorder, RecordingApplicationControl, RecordingCloudWatch, RecordingLoadDriver } from './dry-run';
import { OperationFollower } from './operation-follower';
import type { RetryingApplicationControl } from './retrying-control';
import type { AwsRunSettings } from './settings';
import { SpendGuard } from './spend-guard';
import { StatusWatch } from './status-watch';

export interface PortsWiring {
  settings: AwsRunSettings;
  control: RetryingApplicationControl;
  kinesisAnalytics: KinesisAnalyticsApi;
  cloudWatch: CloudWatchApi;
  stream: KinesisStreamInfo;
  clock: Clock;
  original: ParallelismSettings;
  /** The application's RuntimeEnvironment, whose metric names the queries use. @default FLINK-1_20 */
  runtime?: string;
  /** KPU-seconds a resumed run already spent. */
  spentKpuSeconds?: number;
  pollSeconds: number;
  createLoadDriver(): LoadDriver;
  log(line: string): void;
  stop(reason: Error): void;
}

export interface WiredPorts {
  ports: CalibrationPorts;
  /** Dry run only: what would have been called. */
  recorder?: CallRecorder;
  dryRunControl?: RecordingApplicationControl;
}

export function wirePorts(w: PortsWiring): WiredPorts {
  const { settings, clock, stream } = w;
  const scope = { application: settings.application, stream: settings.stream };
  const metricOptions = { soleConsumer: settings.soleConsumer, runtime: w.runtime };
  if (settings.dryRun) {
    const recorder = new CallRecorder();
    const dryRunControl = new RecordingApplicationControl(w.control, recorder, () => w.stop(new Error('dry run: the trials after this one depend on measurements')));
    const metrics = new CloudWatchMetricsSource(new RecordingCloudWatch(recorder), scope, metricOptions);
    return { recorder, dryRunControl, ports: { control: dryRunControl, metrics, stream, load: new RecordingLoadDriver(recorder, settings.stream), clock } };
  }
  const follower = new OperationFollower(w.control, w.kinesisAnalytics, settings.application, () => clock.now());
  const guarded = new SpendGuard(follower, clock, {
    maxKpu: settings.maxKpu, maxCostUsd: settings.maxCostUsd, kpuHourUsd: DEFAULT_PRICING.kpuHourUsd, spentKpuSeconds: w.spentKpuSeconds,
  }, w.original, (reason) => {
    w.log(`budget reached: ${reason}; stopping and restoring the original configuration`);
    w.stop(new Error(reason));
  });
  const control: ApplicationControl = new StatusWatch(guarded, clock, (state) => {
    w.log(`${state.name} left RUNNING (now ${state.status}): aborting the calibration`);
    w.stop(new ApplicationNotRunningError(state.name, state.status, 'it left RUNNING during the calibration'));
  }, w.pollSeconds * 1000);
  return { ports: { control, metrics: new CloudWatchMetricsSource(w.cloudWatch, scope, metricOptions), stream, load: w.createLoadDriver(), clock } };
}
