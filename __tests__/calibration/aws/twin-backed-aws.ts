/**
 * The real SDK clients (through aws-sdk-client-mock) answered by the digital twin: every command the AWS
 * code path sends reaches the twin's AWS-shaped API, so a whole calibration runs through the SDK wrappers,
 * the port adapters and the AWS safety decorators in simulated time. Faults are injected per command by
 * wrapping the handlers; every request is kept for exact-shape assertions.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, type GetMetricDataInput, type GetMetricDataOutput, type ListMetricsInput, type ListMetricsOutput,
} from '@aws-sdk/client-cloudwatch';
import { DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  DescribeApplicationCommand, KinesisAnalyticsV2Client, UpdateApplicationCommand,
  type DescribeApplicationRequest, type DescribeApplicationResponse, type UpdateApplicationRequest, type UpdateApplicationResponse,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsApis } from '../../../calibration/adapters/sdk-clients';
import type { AwsRunDeps } from '../../../calibration/aws/run';
import { createTwinLoadDriver, parseScenario, Twin } from '../../../simulator/twin';

export const SCENARIOS = join(__dirname, '..', '..', '..', 'scenarios');

export interface Handlers {
  describeApplication(input: DescribeApplicationRequest): Promise<DescribeApplicationResponse>;
  updateApplication(input: UpdateApplicationRequest): Promise<UpdateApplicationResponse>;
  getMetricData(input: GetMetricDataInput): Promise<GetMetricDataOutput>;
  listMetrics(input: ListMetricsInput): Promise<ListMetricsOutput>;
}

/** An error as the SDK throws it: AWS's exception name, a message, HTTP metadata. */
export function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

export function twinBackedAws(scenarioFile: string, overrides: Record<string, unknown> = {}) {
  const json = JSON.parse(readFileSync(join(SCENARIOS, scenarioFile), 'utf8'));
  const scenario = parseScenario({ ...json, ...overrides });
  const twin = Twin.fromScenario(scenario);
  // A real run never starts on a minute boundary.
  twin.advance(17);
  const ka = mockClient(KinesisAnalyticsV2Client);
  const cw = mockClient(CloudWatchClient);
  const kinesis = mockClient(KinesisClient);

  // The twin by default; tests replace entries to inject faults, calling `twinHandlers` to pass through.
  const twinHandlers: Handlers = {
    describeApplication: (i) => twin.kinesisAnalytics.describeApplication(i),
    updateApplication: (i) => twin.kinesisAnalytics.updateApplication(i),
    getMetricData: (i) => twin.cloudWatch.getMetricData(i),
    listMetrics: (i) => twin.cloudWatch.listMetrics(i),
  };
  const handlers: Handlers = { ...twinHandlers };
  ka.on(DescribeApplicationCommand).callsFake((i) => handlers.describeApplication(i));
  ka.on(UpdateApplicationCommand).callsFake((i) => handlers.updateApplication(i));
  cw.on(GetMetricDataCommand).callsFake((i) => handlers.getMetricData(i));
  cw.on(ListMetricsCommand).callsFake((i) => handlers.listMetrics(i));
  kinesis.on(DescribeStreamSummaryCommand).callsFake((i) => twin.kinesis.describeStreamSummary(i));
  kinesis.on(PutRecordsCommand).rejects(new Error('the twin-backed test drives load through the twin, not PutRecords'));

  const apis = createAwsApis({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  const signals = new EventEmitter();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));

  const deps: AwsRunDeps = {
    apis,
    clock: twin.clock,
    createLoadDriver: () => createTwinLoadDriver(twin),
    signals,
    stdout,
    stderr,
    pollSeconds: 5,
    retry: { baseDelayMs: 1000, maxDelayMs: 10_000 },
    env: {},
  };

  const updates = () => ka.commandCalls(UpdateApplicationCommand).map((c) => c.args[0].input as UpdateApplicationRequest);
  const describes = () => ka.commandCalls(DescribeApplicationCommand).map((c) => c.args[0].input as DescribeApplicationRequest);
  const metricRequests = () => cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input as GetMetricDataInput);

  return {
    scenario, twin, ka, cw, kinesis, apis, deps, signals, handlers, twinHandlers, updates, describes, metricRequests,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    restoreMocks: () => { ka.restore(); cw.restore(); kinesis.restore(); },
  };
}

export type TwinBackedAws = ReturnType<typeof twinBackedAws>;

/** The twin application's configuration, read the way a user would (DescribeApplication). */
export async function twinSettings(t: TwinBackedAws) {
  const detail = (await t.twin.kinesisAnalytics.describeApplication({ ApplicationName: t.scenario.application })).ApplicationDetail!;
  const p = detail.ApplicationConfigurationDescription!.FlinkApplicationConfigurationDescription!.ParallelismConfigurationDescription!;
  return { status: detail.ApplicationStatus, parallelism: p.Parallelism, parallelismPerKpu: p.ParallelismPerKPU, autoScalingEnabled: p.AutoScalingEnabled };
}
