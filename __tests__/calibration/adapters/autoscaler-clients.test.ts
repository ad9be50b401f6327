import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mockClient } from 'aws-sdk-client-mock';
import { createAutoscalerClients, dynamoDbItemApi, snsPublishApi } from '../../../calibration/adapters/autoscaler-clients';
import { MissingPermissionError } from '../../../calibration/adapters/sdk-errors';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
type Endpoint = { hostname: string; port?: number; protocol: string };
const endpointOf = async (c: { config: { endpoint?: unknown } }) => (c.config.endpoint as () => Promise<Endpoint>)();

describe('the autoscaler Lambda\'s SDK clients', () => {
  it('use the region, the endpoint override, adaptive retries, HTTP/1.1 and a Lambda run\'s short limits (3 attempts) for every service', async () => {
    const clients = createAutoscalerClients({ region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:4566', credentials });
    expect(Object.keys(clients).sort()).toEqual(['cloudWatch', 'dynamoDb', 'kinesisAnalytics', 'sns']);
    for (const client of Object.values(clients)) {
      expect(await client.config.region()).toBe('eu-west-1');
      expect(await endpointOf(client)).toMatchObject({ hostname: '127.0.0.1', port: 4566, protocol: 'http:' });
      expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
      expect(await client.config.maxAttempts()).toBe(3);
      expect(client.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
      client.destroy();
    }
  });

  it('take a per-service endpoint over the shared one (DynamoDB Local beside moto)', async () => {
    const clients = createAutoscalerClients({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:1', endpoints: { dynamoDb: 'http://127.0.0.1:2' }, credentials });
    expect((await endpointOf(clients.dynamoDb)).port).toBe(2);
    expect((await endpointOf(clients.cloudWatch)).port).toBe(1);
    expect((await endpointOf(clients.sns)).port).toBe(1);
    for (const c of Object.values(clients)) c.destroy();
  });
});

describe('DynamoDB and SNS through the wrappers', () => {
  const ddb = mockClient(DynamoDBClient);
  const sns = mockClient(SNSClient);
  afterEach(() => {
    ddb.reset();
    sns.reset();
  });
  afterAll(() => {
    ddb.restore();
    sns.restore();
  });

  it('send GetItem and PutItem exactly as the state store shapes them and return DynamoDB\'s item', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { pk: { S: 'app' }, revision: { N: '4' }, state: { S: '{}' } } });
    ddb.on(PutItemCommand).resolves({});
    const api = dynamoDbItemApi(new DynamoDBClient({ region: 'us-east-1', credentials }));
    const get = { TableName: 't', Key: { pk: { S: 'app' } }, ConsistentRead: true };
    expect(await api.getItem(get)).toMatchObject({ Item: { pk: { S: 'app' }, revision: { N: '4' }, state: { S: '{}' } } });
    const put = {
      TableName: 't', Item: { pk: { S: 'app' }, state: { S: '{}' }, revision: { N: '5' } },
      ConditionExpression: 'attribute_not_exists(pk) OR revision = :read', ExpressionAttributeValues: { ':read': { N: '4' } },
    };
    await api.putItem(put);
    expect(ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input)).toEqual([get]);
    expect(ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input)).toEqual([put]);
  });

  it('name the IAM action when access is denied, and keep other errors (a failed condition) as DynamoDB named them', async () => {
    const denied = (action: string) => Object.assign(new Error(`not authorized to perform: ${action}`), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    ddb.on(PutItemCommand).rejects(denied('dynamodb:PutItem'));
    ddb.on(GetItemCommand).rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    sns.on(PublishCommand).rejects(denied('SNS:Publish'));
    const api = dynamoDbItemApi(new DynamoDBClient({ region: 'us-east-1', credentials }));
    const put = api.putItem({ TableName: 't', Item: { pk: { S: 'a' } } });
    await expect(put).rejects.toBeInstanceOf(MissingPermissionError);
    await expect(put).rejects.toMatchObject({ iamAction: 'dynamodb:PutItem', name: 'AccessDeniedException' });
    await expect(api.getItem({ TableName: 't', Key: { pk: { S: 'a' } } })).rejects.toMatchObject({ name: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
    await expect(snsPublishApi(new SNSClient({ region: 'us-east-1', credentials })).publish({ TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: 'm' }))
      .rejects.toMatchObject({ iamAction: 'sns:Publish' });
  });
});
