import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, type GetMetricDataInput } from '@aws-sdk/client-cloudwatch';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeApplicationOperationCommand, KinesisAnalyticsV2Client, UpdateApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudWatchApi, createAwsApis, createSdkClients, kinesisAnalyticsApi, kinesisApi, MAX_QUERIES_PER_CALL } from '../../../calibration/adapters/sdk-clients';
import { MissingPermissionError } from '../../../calibration/adapters/sdk-errors';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };

describe('SDK clients', () => {
  it('use the region, the endpoint override, adaptive retries and HTTP/1.1 (NodeHttpHandler) for every service', async () => {
    const clients = createSdkClients({ region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:4566', credentials });
    for (const client of [clients.kinesisAnalytics, clients.cloudWatch, clients.kinesis]) {
      expect(await client.config.region()).toBe('eu-west-1');
      const endpoint = await (client.config.endpoint as () => Promise<{ hostname: string; port?: number; protocol: string }>)();
      expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 4566, protocol: 'http:' });
      expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
      expect(await client.config.maxAttempts()).toBe(8);
      expect(client.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
      client.destroy();
    }
  });

  it('take a per-service endpoint over the shared one (Kinesis emulator beside a CloudWatch emulator)', async () => {
    const clients = createSdkClients({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:1', endpoints: { kinesis: 'http://127.0.0.1:2' }, credentials });
    const host = async (c: { config: { endpoint?: unknown } }) => ((await (c.config.endpoint as () => Promise<{ port?: number }>)()).port);
    expect(await host(clients.kinesis)).toBe(2);
    expect(await host(clients.cloudWatch)).toBe(1);
    for (const c of [clients.kinesisAnalytics, clients.cloudWatch, clients.kinesis]) c.destroy();
  });
});

describe('GetMetricData batching and paging', () => {
  const cw = mockClient(CloudWatchClient);
  afterEach(() => cw.reset());
  afterAll(() => cw.restore());

  const queries = (n: number) => Array.from({ length: n }, (_, i) => ({
    Id: `q${i}`, MetricStat: { Metric: { Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords', Dimensions: [{ Name: 'StreamName', Value: `s${i}` }] }, Period: 60, Stat: 'Sum' },
  }));

  it('splits more than 500 queries into calls of at most 500, in order, and joins the results', async () => {
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataInput) => ({
      MetricDataResults: input.MetricDataQueries!.map((q) => ({ Id: q.Id, Timestamps: [new Date(0)], Values: [Number(q.Id!.slice(1))], StatusCode: 'Complete' })),
    }));
    const api = cloudWatchApi(new CloudWatchClient({ region: 'us-east-1', credentials }));
    const input = { MetricDataQueries: queries(1200), StartTime: new Date(0), EndTime: new Date(60_000) };
    const out = await api.getMetricData(input);
    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.MetricDataQueries!.length)).toEqual([MAX_QUERIES_PER_CALL, MAX_QUERIES_PER_CALL, 200]);
    expect(calls[2].MetricDataQueries![0].Id).toBe('q1000');
    expect(calls.every((c) => c.StartTime === input.StartTime && c.EndTime === input.EndTime)).toBe(true);
    expect(out.MetricDataResults!.map((r) => r.Values![0])).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    expect(out.NextToken).toBeUndefined();
  });

  it('follows NextToken to the last page and concatenates each query\'s datapoints', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'q0', Timestamps: [new Date(0)], Values: [1], StatusCode: 'PartialData' }], NextToken: 'page-2' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'q0', Timestamps: [new Date(60_000)], Values: [2], StatusCode: 'Complete' }], Messages: [{ Code: 'x', Value: 'y' }] });
    const api = cloudWatchApi(new CloudWatchClient({ region: 'us-east-1', credentials }));
    const out = await api.getMetricData({ MetricDataQueries: queries(1), StartTime: new Date(0), EndTime: new Date(120_000) });
    expect(cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
    expect(out.MetricDataResults).toEqual([{ Id: 'q0', Timestamps: [new Date(0), new Date(60_000)], Values: [1, 2], StatusCode: 'Complete' }]);
    expect(out.Messages).toEqual([{ Code: 'x', Value: 'y' }]);
  });

  it('passes a caller\'s own NextToken through as one page', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [], NextToken: 'more' });
    const api = cloudWatchApi(new CloudWatchClient({ region: 'us-east-1', credentials }));
    const out = await api.getMetricData({ MetricDataQueries: queries(1), StartTime: new Date(0), EndTime: new Date(1), NextToken: 'mine' });
    expect(out.NextToken).toBe('more');
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(1);
  });
});

describe('access denied names the IAM action', () => {
  const denied = (action: string) => Object.assign(new Error(`User: arn:aws:iam::1:user/x is not authorized to perform: ${action}`), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });

  it.each([
    ['kinesisanalytics:UpdateApplication', () => {
      mockClient(KinesisAnalyticsV2Client).on(UpdateApplicationCommand).rejects(denied('kinesisanalytics:UpdateApplication'));
      return kinesisAnalyticsApi(new KinesisAnalyticsV2Client({ region: 'us-east-1', credentials })).updateApplication({ ApplicationName: 'a', CurrentApplicationVersionId: 1 });
    }],
    ['kinesisanalytics:DescribeApplicationOperation', () => {
      mockClient(KinesisAnalyticsV2Client).on(DescribeApplicationOperationCommand).rejects(denied('x'));
      return kinesisAnalyticsApi(new KinesisAnalyticsV2Client({ region: 'us-east-1', credentials })).describeApplicationOperation!({ ApplicationName: 'a', OperationId: 'o' });
    }],
    ['cloudwatch:ListMetrics', () => {
      mockClient(CloudWatchClient).on(ListMetricsCommand).rejects(denied('cloudwatch:ListMetrics'));
      return cloudWatchApi(new CloudWatchClient({ region: 'us-east-1', credentials })).listMetrics({ Namespace: 'AWS/KinesisAnalytics' });
    }],
    ['kinesis:DescribeStreamSummary', () => {
      mockClient(KinesisClient).on(DescribeStreamSummaryCommand).rejects(denied('kinesis:DescribeStreamSummary'));
      return kinesisApi(new KinesisClient({ region: 'us-east-1', credentials })).describeStreamSummary({ StreamName: 's' });
    }],
  ])('%s', async (action, call) => {
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingPermissionError);
    expect(err).toMatchObject({ name: 'AccessDeniedException', iamAction: action });
    expect((err as Error).message).toMatch(new RegExp(`^the AWS credentials lack the IAM permission ${action} \\(grant it`));
  });

  it('leaves every other error as AWS threw it', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    mockClient(KinesisAnalyticsV2Client).on(UpdateApplicationCommand).rejects(throttled);
    const apis = createAwsApis({ region: 'us-east-1', credentials });
    await expect(apis.kinesisAnalytics.updateApplication({ ApplicationName: 'a', CurrentApplicationVersionId: 1 })).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
  });
});
