/** Scenario builders and small drivers shared by the twin's tests. */
import type { GetMetricDataInput } from '@aws-sdk/client-cloudwatch';
import { parseScenario, type Scenario, type Twin } from '../../../simulator/twin';

export const APP = 'twin-test-app';
export const STREAM = 'twin-test-stream';

/** A noise-free scenario: 8 shards of 450-byte records, an I/O-bound job (docs/twin-model.md's taxi example). */
export function scenario(overrides: Record<string, unknown> = {}, job: Record<string, unknown> = {}): Scenario {
  return parseScenario({
    name: 'twin-test',
    seed: 7,
    application: APP,
    stream: { name: STREAM, shards: 8 },
    load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 3000 } },
    job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, stateMb: 500, noise: 0, ...job },
    initial: { parallelism: 8, parallelismPerKpu: 4 },
    ...overrides,
  });
}

export const appDims = [{ Name: 'Application', Value: APP }];
export const lagDims = [
  { Name: 'Id', Value: STREAM.replace(/-/g, '_') },
  { Name: 'Application', Value: APP },
  { Name: 'Flow', Value: 'Input' },
];
export const streamDims = [{ Name: 'StreamName', Value: STREAM }];

export function query(
  id: string, namespace: string, metricName: string, dimensions: Array<{ Name: string; Value: string }>, stat: string, period = 60,
) {
  return { Id: id, MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions }, Period: period, Stat: stat } };
}

/** One metric's datapoints over the whole simulation so far, oldest first. */
export async function series(
  twin: Twin, metricName: string, stat: string, period = 60,
): Promise<{ timestamps: Date[]; values: number[] }> {
  const ns = ['IncomingRecords', 'IncomingBytes', 'WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded', 'GetRecords.IteratorAgeMilliseconds'].includes(metricName)
    ? 'AWS/Kinesis' : 'AWS/KinesisAnalytics';
  const dims = ns === 'AWS/Kinesis' ? streamDims : metricName === 'millisBehindLatest' ? lagDims : appDims;
  const input: GetMetricDataInput = {
    StartTime: new Date(Date.UTC(2026, 0, 1)),
    EndTime: new Date(twin.clock.now() + 60000),
    ScanBy: 'TimestampAscending',
    MetricDataQueries: [query('m', ns, metricName, dims, stat, period)],
  };
  const out = await twin.cloudWatch.getMetricData(input);
  const r = out.MetricDataResults![0];
  return { timestamps: r.Timestamps!, values: r.Values! };
}

/** The AWS error a call rejects with (fails the test if it resolves). */
export async function awsErrorOf(call: Promise<unknown>): Promise<{ name: string; message: string; $fault?: string }> {
  try {
    await call;
  } catch (err) {
    return err as { name: string; message: string; $fault?: string };
  }
  throw new Error('expected the call to fail');
}

export function version(twin: Twin): Promise<number> {
  return twin.kinesisAnalytics.describeApplication({ ApplicationName: APP }).then((r) => r.ApplicationDetail!.ApplicationVersionId!);
}

export function parallelismUpdate(p: number, k: number, currentVersion: number, autoScaling?: boolean) {
  return {
    ApplicationName: APP,
    CurrentApplicationVersionId: currentVersion,
    ApplicationConfigurationUpdate: {
      FlinkApplicationConfigurationUpdate: {
        ParallelismConfigurationUpdate: {
          ConfigurationTypeUpdate: 'CUSTOM' as const, ParallelismUpdate: p, ParallelismPerKPUUpdate: k,
          ...(autoScaling === undefined ? {} : { AutoScalingEnabledUpdate: autoScaling }),
        },
      },
    },
  };
}
