/**
 * --dry-run: the calibration runs its real loop, but every call that would change something is recorded
 * instead of made. The application is described for real once (read-only); after that it "is" whatever the
 * recorded updates made it. The load is recorded, not sent; metrics reads are recorded and answer "no data"
 * (the trials have not happened). The plan printed is the recorded calls, with their exact inputs.
 * Series discovery is recorded and answered "the series exists" (each ListMetrics names one exact series):
 * the plan assumes the job publishes what it should; the real run checks.
 */
import type { GetMetricDataCommandInput, ListMetricsCommandInput, ListMetricsCommandOutput } from '@aws-sdk/client-cloudwatch';
import type { UpdateApplicationRequest } from '@aws-sdk/client-kinesis-analytics-v2';
import type { ApplicationControl, ApplicationState, Clock, LoadDriver, LoadSpec, LoadStats, ParallelismSettings } from '../ports';
import type { CloudWatchApi } from '../../core/aws-api';
import { updateRequest } from '../adapters/application-control';

export type PlannedCall = RecordedCall & {
  /** Set on calls the dry run could not reach but the run will make: per trial, and the final restore. */
  when?: string;
};

type RecordedCall =
  | { service: 'kinesisanalyticsv2'; action: 'DescribeApplication'; input: { ApplicationName: string }; mutating: false }
  | { service: 'kinesisanalyticsv2'; action: 'UpdateApplication'; input: UpdateApplicationRequest; mutating: true }
  | { service: 'cloudwatch'; action: 'GetMetricData'; input: GetMetricDataCommandInput; mutating: false }
  | { service: 'cloudwatch'; action: 'ListMetrics'; input: ListMetricsCommandInput; mutating: false }
  | { service: 'kinesis'; action: 'PutRecords'; input: { StreamName: string; recordsPerSecond: number; recordBytes: number; change: 'start' | 'setRate' | 'stop' }; mutating: true };

export class CallRecorder {
  readonly calls: PlannedCall[] = [];
  record(call: PlannedCall): void {
    this.calls.push(call);
  }
  mutating(): PlannedCall[] {
    return this.calls.filter((c) => c.mutating);
  }
}

export class RecordingApplicationControl implements ApplicationControl {
  private state: ApplicationState | undefined;

  /** The application as the recorded calls left it. */
  get current(): ApplicationState | undefined {
    return this.state && { ...this.state };
  }

  constructor(
    private readonly inner: ApplicationControl,
    private readonly recorder: CallRecorder,
    /** Called after each recorded update (the run stops the plan after its first: the rest needs measurements). */
    private readonly onUpdate: () => void = () => {},
  ) {}

  async describe(): Promise<ApplicationState> {
    if (!this.state) {
      this.state = await this.inner.describe();
      this.recorder.record({ service: 'kinesisanalyticsv2', action: 'DescribeApplication', input: { ApplicationName: this.state.name }, mutating: false });
    }
    return { ...this.state };
  }

  async updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }> {
    const current = await this.describe();
    this.recorder.record({ service: 'kinesisanalyticsv2', action: 'UpdateApplication', input: updateRequest(current.name, target, currentVersionId), mutating: true });
    this.state = { ...current, ...target, status: 'RUNNING', versionId: currentVersionId + 1 };
    this.onUpdate();
    return {};
  }

  async waitForStatus(): Promise<ApplicationState> {
    return this.describe();
  }
}

/** GetMetricData as the dry run sees it: recorded, answered with no datapoints. */
export class RecordingCloudWatch implements CloudWatchApi {
  constructor(private readonly recorder: CallRecorder) {}

  async getMetricData(input: GetMetricDataCommandInput) {
    this.recorder.record({ service: 'cloudwatch', action: 'GetMetricData', input, mutating: false });
    return { MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, Timestamps: [], Values: [], StatusCode: 'Complete' as const })) };
  }

  async listMetrics(input: ListMetricsCommandInput): Promise<Omit<ListMetricsCommandOutput, '$metadata'>> {
    this.recorder.record({ service: 'cloudwatch', action: 'ListMetrics', input, mutating: false });
    const exact = input.Namespace !== undefined && input.MetricName !== undefined;
    const dimensions = (input.Dimensions ?? []).map((d) => ({ Name: d.Name, Value: d.Value ?? '' }));
    return { Metrics: exact ? [{ Namespace: input.Namespace, MetricName: input.MetricName, Dimensions: dimensions }] : [] };
  }
}

const NO_LOAD: LoadStats = { sent: 0, acknowledged: 0, failed: 0, throttledRetries: 0, inFlight: 0 };

export class RecordingLoadDriver implements LoadDriver {
  private recordBytes = 0;

  constructor(private readonly recorder: CallRecorder, private readonly streamName: string) {}

  private put(recordsPerSecond: number, change: 'start' | 'setRate' | 'stop'): void {
    this.recorder.record({ service: 'kinesis', action: 'PutRecords', input: { StreamName: this.streamName, recordsPerSecond, recordBytes: this.recordBytes, change }, mutating: true });
  }

  async start(spec: LoadSpec): Promise<void> {
    this.recordBytes = spec.recordBytes;
    this.put('recordsPerSecond' in spec ? spec.recordsPerSecond : 0, 'start');
  }

  async setRate(recordsPerSecond: number): Promise<void> {
    this.put(recordsPerSecond, 'setRate');
  }

  async stop(): Promise<LoadStats> {
    this.put(0, 'stop');
    return { ...NO_LOAD };
  }

  stats(): LoadStats {
    return { ...NO_LOAD };
  }
}

/** Simulated time for the dry run: the plan comes out at once instead of after an hour of sleeping. */
export class InstantClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  async sleep(ms: number): Promise<void> {
    this.ms += Math.max(0, ms);
  }
}

/**
 * Without measurements the plan ends at the first decision that needs them, so the dry run adds what the
 * real run would do from there, in the exact request shape: one UpdateApplication per trial (Parallelism
 * and ParallelismPerKPU chosen from the measurements, within --max-kpu) when none was reached, and, unless
 * --keep, the restore of the original configuration when the recorded calls did not end with it. Each
 * UpdateApplication re-reads the version id just before it is sent.
 */
export function plannedFollowUps(
  recorder: CallRecorder,
  application: string,
  state: ApplicationState,
  original: ParallelismSettings,
  limits: { maxKpu: number; keep: boolean },
): void {
  const updates = recorder.calls.filter((c): c is Extract<PlannedCall, { action: 'UpdateApplication' }> => c.action === 'UpdateApplication');
  const restoring = updateRequest(application, original, 0).ApplicationConfigurationUpdate;
  const restored = updates.length > 0 && JSON.stringify(updates[updates.length - 1].input.ApplicationConfigurationUpdate) === JSON.stringify(restoring);
  // Before the load stops, where the real run makes them.
  const stop = recorder.calls.findIndex((c) => c.action === 'PutRecords' && c.input.change === 'stop');
  const planned: PlannedCall[] = [];
  if (updates.length > 0 && !(restored && updates.length === 1)) {
    updates[0].when = 'the next trial, sized by the model from the first observation (a dry run measures nothing: these values come from its priors)';
  }
  if (restored) updates[updates.length - 1].when = 'at the end (and on Ctrl-C or failure), restoring the original configuration, autoscaling included';
  if (updates.length === 0) {
    planned.push({
      service: 'kinesisanalyticsv2', action: 'UpdateApplication', mutating: true,
      when: `for each trial after the first, with Parallelism / ParallelismPerKPU from the measurements (at most ${limits.maxKpu} KPUs), e.g. the current size with autoscaling off`,
      input: updateRequest(application, { parallelism: state.parallelism, parallelismPerKpu: state.parallelismPerKpu, autoScalingEnabled: false }, state.versionId),
    });
  }
  if (!limits.keep && !restored) {
    planned.push({
      service: 'kinesisanalyticsv2', action: 'UpdateApplication', mutating: true,
      when: 'at the end (and on Ctrl-C or failure), restoring the original configuration, autoscaling included',
      input: updateRequest(application, original, state.versionId + (updates.length ? 0 : 1)),
    });
  }
  recorder.calls.splice(stop < 0 ? recorder.calls.length : stop, 0, ...planned);
}

/** The plan as text: every call in order, mutating ones with their full input; GetMetricData once in full, ListMetrics as one line. */
export function formatPlan(calls: PlannedCall[]): string[] {
  const lines: string[] = ['dry run: no call below that changes anything was made'];
  let metricsShown = false;
  let metricsCalls = 0;
  // Discovery's ListMetrics calls (one per series) as one line naming the series.
  const listed = calls.filter((c): c is Extract<PlannedCall, { action: 'ListMetrics' }> => c.action === 'ListMetrics');
  let listShown = false;
  for (const c of calls) {
    if (c.action === 'ListMetrics') {
      if (listShown) continue;
      listShown = true;
      const names = [...new Set(listed.map((l) => `${l.input.Namespace ?? '*'} ${l.input.MetricName ?? '*'}`))];
      lines.push(`reads cloudwatch ListMetrics (series discovery, ${listed.length} call(s)): ${names.join(', ')}`);
      continue;
    }
    if (c.action === 'GetMetricData') {
      metricsCalls++;
      if (metricsShown) continue;
      metricsShown = true;
    }
    if (c.when) lines.push(`then, ${c.when}:`);
    const tag = c.mutating ? 'WOULD CALL' : 'reads';
    if (c.action === 'PutRecords') {
      lines.push(`${tag} kinesis PutRecords on ${c.input.StreamName}: ${c.input.change} ${c.input.change === 'stop' ? '' : `${c.input.recordsPerSecond} records/s of ~${c.input.recordBytes} B`}`.trimEnd());
    } else {
      lines.push(`${tag} ${c.service} ${c.action} ${JSON.stringify(c.input)}`);
    }
  }
  if (metricsCalls > 1) lines.push(`(and ${metricsCalls - 1} more GetMetricData calls of the same queries over later windows)`);
  return lines;
}
