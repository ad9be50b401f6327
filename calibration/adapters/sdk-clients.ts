/**
 * The real AWS behind the aws-api interfaces: thin wrappers over the SDK v3 clients, so the port adapters
 * written against KinesisAnalyticsApi / CloudWatchApi / KinesisApi run unchanged on AWS and on the twin.
 *
 * Every client: the region given (else the SDK's own resolution), an endpoint override for emulators and
 * VPC endpoints, the standard credential provider chain, adaptive retries (client-side rate limiting on
 * throttles), and HTTP/1.1 through NodeHttpHandler (client-kinesis defaults to HTTP/2, which emulators do
 * not speak). Access denials name the IAM action that failed.
 */
import {
  CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, type GetMetricDataInput, type GetMetricDataOutput, type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  DescribeApplicationCommand, DescribeApplicationOperationCommand, KinesisAnalyticsV2Client, ListApplicationOperationsCommand,
  StartApplicationCommand, UpdateApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CloudWatchApi, KinesisAnalyticsApi, KinesisApi } from '../../core/aws-api';
import { withIamAction } from './sdk-errors';

export interface AwsClientOptions {
  region?: string;
  /** One endpoint for every service (an emulator); per-service overrides win. */
  endpointUrl?: string;
  endpoints?: { kinesisAnalytics?: string; cloudWatch?: string; kinesis?: string };
  /** Only for emulators and tests; otherwise the standard provider chain decides. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts per call, the first included, with adaptive retry. Default 8. */
  maxAttempts?: number;
}

export interface SdkClients {
  kinesisAnalytics: KinesisAnalyticsV2Client;
  cloudWatch: CloudWatchClient;
  kinesis: KinesisClient;
}

/** What every kpufit SDK client shares (see the module comment); the endpoint is each service's own. */
export function sdkClientConfig(o: Omit<AwsClientOptions, 'endpoints'>, defaults: { maxAttempts: number; requestTimeoutMs: number } = { maxAttempts: 8, requestTimeoutMs: 30_000 }) {
  return {
    region: o.region,
    credentials: o.credentials,
    retryMode: 'adaptive' as const,
    maxAttempts: o.maxAttempts ?? defaults.maxAttempts,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: defaults.requestTimeoutMs }),
  };
}

export function createSdkClients(o: AwsClientOptions = {}): SdkClients {
  const common = sdkClientConfig(o);
  return {
    kinesisAnalytics: new KinesisAnalyticsV2Client({ ...common, endpoint: o.endpoints?.kinesisAnalytics ?? o.endpointUrl }),
    cloudWatch: new CloudWatchClient({ ...common, endpoint: o.endpoints?.cloudWatch ?? o.endpointUrl }),
    kinesis: new KinesisClient({ ...common, endpoint: o.endpoints?.kinesis ?? o.endpointUrl }),
  };
}

export function kinesisAnalyticsApi(client: KinesisAnalyticsV2Client): KinesisAnalyticsApi {
  return {
    describeApplication: (input) => withIamAction('kinesisanalytics:DescribeApplication', () => client.send(new DescribeApplicationCommand(input))),
    updateApplication: (input) => withIamAction('kinesisanalytics:UpdateApplication', () => client.send(new UpdateApplicationCommand(input))),
    startApplication: (input) => withIamAction('kinesisanalytics:StartApplication', () => client.send(new StartApplicationCommand(input))),
    listApplicationOperations: (input) =>
      withIamAction('kinesisanalytics:ListApplicationOperations', () => client.send(new ListApplicationOperationsCommand(input))),
    describeApplicationOperation: (input) =>
      withIamAction('kinesisanalytics:DescribeApplicationOperation', () => client.send(new DescribeApplicationOperationCommand(input))),
  };
}

/** GetMetricData accepts at most 500 queries a call. */
export const MAX_QUERIES_PER_CALL = 500;

/**
 * GetMetricData with any number of queries and every page: the queries go in batches of 500, each batch
 * follows NextToken to the end, and the pages of one query are joined. A caller that passes its own
 * NextToken pages by hand and gets the single page back.
 */
export function cloudWatchApi(client: CloudWatchClient): CloudWatchApi {
  const send = (input: GetMetricDataInput) => withIamAction('cloudwatch:GetMetricData', () => client.send(new GetMetricDataCommand(input)));
  return {
    async getMetricData(input) {
      if (input.NextToken) return send(input);
      const queries = input.MetricDataQueries ?? [];
      const merged = new Map<string, MetricDataResult>();
      const order: string[] = [];
      const messages: NonNullable<GetMetricDataOutput['Messages']> = [];
      for (let i = 0; i === 0 || i < queries.length; i += MAX_QUERIES_PER_CALL) {
        let token: string | undefined;
        do {
          const page = await send({ ...input, MetricDataQueries: queries.slice(i, i + MAX_QUERIES_PER_CALL), NextToken: token });
          for (const r of page.MetricDataResults ?? []) {
            const id = r.Id ?? '';
            const seen = merged.get(id);
            if (!seen) {
              merged.set(id, { ...r, Timestamps: [...(r.Timestamps ?? [])], Values: [...(r.Values ?? [])] });
              order.push(id);
            } else {
              seen.Timestamps!.push(...(r.Timestamps ?? []));
              seen.Values!.push(...(r.Values ?? []));
              seen.StatusCode = r.StatusCode;
              if (r.Messages?.length) seen.Messages = [...(seen.Messages ?? []), ...r.Messages];
            }
          }
          messages.push(...(page.Messages ?? []));
          token = page.NextToken;
        } while (token);
      }
      return { MetricDataResults: order.map((id) => merged.get(id)!), Messages: messages };
    },
    listMetrics: (input) => withIamAction('cloudwatch:ListMetrics', () => client.send(new ListMetricsCommand(input))),
  };
}

export function kinesisApi(client: KinesisClient): KinesisApi {
  return {
    describeStreamSummary: (input) => withIamAction('kinesis:DescribeStreamSummary', () => client.send(new DescribeStreamSummaryCommand(input))),
    putRecords: (input) => withIamAction('kinesis:PutRecords', () => client.send(new PutRecordsCommand(input))),
  };
}

export interface AwsApis {
  kinesisAnalytics: KinesisAnalyticsApi;
  cloudWatch: CloudWatchApi;
  kinesis: KinesisApi;
  clients: SdkClients;
}

export function createAwsApis(o: AwsClientOptions = {}): AwsApis {
  const clients = createSdkClients(o);
  return {
    kinesisAnalytics: kinesisAnalyticsApi(clients.kinesisAnalytics),
    cloudWatch: cloudWatchApi(clients.cloudWatch),
    kinesis: kinesisApi(clients.kinesis),
    clients,
  };
}

/** Closes the clients' sockets so the process can exit. */
export function destroyAwsApis(apis: AwsApis): void {
  apis.clients.kinesisAnalytics.destroy();
  apis.clients.cloudWatch.destroy();
  apis.clients.kinesis.destroy();
}
