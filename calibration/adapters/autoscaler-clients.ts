/**
 * The AWS clients of the autoscaler Lambda, behind the interfaces its port adapters are written against:
 * Managed Flink and CloudWatch through the calibrator's wrappers (sdk-clients.ts), DynamoDB (the state
 * store's GetItem / PutItem) and SNS (the decision notices). @aws-sdk/client-dynamodb is a dependency of
 * this package and esbuild bundles it with the handler: the Lambda runs the SDK the tests ran, not the
 * runtime's copy of whatever version it ships.
 *
 * An endpoint override (one for every service, or per service) points them at an emulator: the handler's
 * moto test runs the production wiring over HTTP this way.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, type GetItemCommandInput, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchApi, KinesisAnalyticsApi } from '../../core/aws-api';
import type { DynamoDbItemApi } from './dynamodb-state-store';
import { cloudWatchApi, kinesisAnalyticsApi, sdkClientConfig, type AwsClientOptions } from './sdk-clients';
import { withIamAction } from './sdk-errors';
import type { SnsPublishApi } from './sns-decision-notifier';

export interface AutoscalerClientOptions extends Omit<AwsClientOptions, 'endpoints'> {
  endpoints?: { kinesisAnalytics?: string; cloudWatch?: string; dynamoDb?: string; sns?: string };
}

/**
 * A run has the Lambda's timeout (50 s by default) and the next run comes a minute later, so a call
 * retries a little (3 attempts) and waits 10 s at most for an answer, instead of the calibrator's patient 8
 * attempts and 30 s: a run that outlives the minute would only be throttled against the next one
 * (reserved concurrency 1), and the failed run's error alarm says more than a slow one.
 */
export const LAMBDA_CALL_LIMITS = { maxAttempts: 3, requestTimeoutMs: 10_000 } as const;

export interface AutoscalerClients {
  kinesisAnalytics: KinesisAnalyticsV2Client;
  cloudWatch: CloudWatchClient;
  dynamoDb: DynamoDBClient;
  sns: SNSClient;
}

export interface AutoscalerApis {
  kinesisAnalytics: KinesisAnalyticsApi;
  cloudWatch: CloudWatchApi;
  dynamoDb: DynamoDbItemApi;
  sns: SnsPublishApi;
  clients: AutoscalerClients;
}

/** The state store's two calls, each naming its IAM action when access is denied. */
export function dynamoDbItemApi(client: DynamoDBClient): DynamoDbItemApi {
  return {
    // The store's item shapes are the SDK's, narrowed to the S and N attributes it writes.
    getItem: (input) => withIamAction('dynamodb:GetItem', () => client.send(new GetItemCommand(input as GetItemCommandInput))),
    putItem: (input) => withIamAction('dynamodb:PutItem', () => client.send(new PutItemCommand(input as PutItemCommandInput))),
  };
}

export function snsPublishApi(client: SNSClient): SnsPublishApi {
  return { publish: (input) => withIamAction('sns:Publish', () => client.send(new PublishCommand(input))) };
}

export function createAutoscalerClients(o: AutoscalerClientOptions = {}): AutoscalerClients {
  const common = sdkClientConfig(o, LAMBDA_CALL_LIMITS);
  const endpoint = (service: keyof NonNullable<AutoscalerClientOptions['endpoints']>) => o.endpoints?.[service] ?? o.endpointUrl;
  return {
    kinesisAnalytics: new KinesisAnalyticsV2Client({ ...common, endpoint: endpoint('kinesisAnalytics') }),
    cloudWatch: new CloudWatchClient({ ...common, endpoint: endpoint('cloudWatch') }),
    dynamoDb: new DynamoDBClient({ ...common, endpoint: endpoint('dynamoDb') }),
    sns: new SNSClient({ ...common, endpoint: endpoint('sns') }),
  };
}

export function createAutoscalerApis(o: AutoscalerClientOptions = {}): AutoscalerApis {
  const clients = createAutoscalerClients(o);
  return {
    kinesisAnalytics: kinesisAnalyticsApi(clients.kinesisAnalytics),
    cloudWatch: cloudWatchApi(clients.cloudWatch),
    dynamoDb: dynamoDbItemApi(clients.dynamoDb),
    sns: snsPublishApi(clients.sns),
    clients,
  };
}

/** Closes the clients' sockets (tests; the Lambda keeps them for the next invocation). */
export function destroyAutoscalerApis(apis: AutoscalerApis): void {
  for (const client of Object.values(apis.clients)) client.destroy();
}
