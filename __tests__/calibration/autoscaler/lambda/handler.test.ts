/**
 * The autoscaler Lambda's handler, wired as in production: the SDK clients of adapters/autoscaler-clients.ts
 * (the same factory the Lambda calls) behind the port adapters, the DynamoDB state store, SNS notices.
 * Managed Flink is the twin. Two worlds:
 *   - aws-sdk-client-mock on every client: the exact requests (DescribeApplication, UpdateApplication,
 *     GetMetricData, GetItem, PutItem with its condition, Publish), answered by the twin and by an in-memory
 *     table with DynamoDB's conditional-write semantics;
 *   - moto's server: CloudWatch (the twin's metrics published into it), DynamoDB and SNS over real HTTP
 *     through the endpoint override; UpdateApplication through the twin's port.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeApplicationCommand, KinesisAnalyticsV2Client, UpdateApplicationCommand, type UpdateApplicationRequest } from '@aws-sdk/client-kinesis-analytics-v2';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createAutoscalerApis, destroyAutoscalerApis } from '../../../../calibration/adapters/autoscaler-clients';
import { metricQueries } from '../../../../calibration/adapters/cloudwatch-metrics';
import { DynamoDbStateStore, type DynamoDbItemApi } from '../../../../calibration/adapters/dynamodb-state-store';
import { AUTOSCALER_ENV, createAutoscalerHandler, settingsFromEnvironment } from '../../../../calibration/autoscaler/lambda/handler';
import { initialState } from '../../../../calibration/autoscaler/policy';
import { priorModel } from '../../../../calibration/autoscaler/job-model';
import { autoscalerOptions } from '../../../../calibration/autoscaler/options';
import { REREAD_MINUTES } from '../../../../calibration/autoscaler/metric-window';
import type { KinesisAnalyticsApi } from '../../../../core/aws-api';
import { parseScenario, Twin } from '../../../../simulator/twin';
import { MetricsBridge } from '../../aws/helpers/metrics-bridge';
import { ensureMoto, startMoto, type MotoServer } from '../../aws/helpers/moto-server';

type Item = Record<string, { S?: string; N?: string }>;

/** One DynamoDB table in memory: GetItem, and PutItem with `attribute_not_exists(pk) OR revision = :read`. */
class MemoryTable implements DynamoDbItemApi {
  readonly items = new Map<string, Item>();
  readonly puts: Array<Parameters<DynamoDbItemApi['putItem']>[0]> = [];

  async getItem(input: Parameters<DynamoDbItemApi['getItem']>[0]) {
    const item = this.items.get(input.Key.pk.S!);
    return { Item: item ? structuredClone(item) : undefined };
  }

  async putItem(input: Parameters<DynamoDbItemApi['putItem']>[0]) {
    this.puts.push(input);
    const existing = this.items.get(input.Item.pk.S!);
    if (existing && existing.revision.N !== input.ExpressionAttributeValues?.[':read'].N) {
      throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    }
    this.items.set(input.Item.pk.S!, structuredClone(input.Item));
    return {};
  }
}

const scenario = parseScenario({
  name: 'lambda-io',
  seed: 5,
  application: 'lambda-io-app',
  stream: { name: 'lambda-io-stream', shards: 8 },
  load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 5200 } },
  job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, stateMb: 500 },
  initial: { parallelism: 4, parallelismPerKpu: 4 },
});
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:kpufit-alarms';
const env = {
  [AUTOSCALER_ENV.application]: scenario.application,
  [AUTOSCALER_ENV.stream]: scenario.stream.name,
  [AUTOSCALER_ENV.table]: 'kpufit-autoscaler',
  [AUTOSCALER_ENV.topicArn]: TOPIC,
  [AUTOSCALER_ENV.maxLagMs]: '60000',
  [AUTOSCALER_ENV.metricsDelaySeconds]: '0',
};

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
/** The metrics a run reads: the 60-minute scale-down stabilisation window (the default) and 5 minutes more. */
const READ_WINDOW_MS = 65 * 60_000;
const CONDITION = 'attribute_not_exists(pk) OR revision = :read';

/** Every client of the production factory mocked; the twin and a MemoryTable answer. */
function world() {
  const twin = Twin.fromScenario(scenario);
  twin.setOfferedLoad(scenario.load.profile, scenario.load.recordBytes);
  const ka = mockClient(KinesisAnalyticsV2Client);
  ka.on(DescribeApplicationCommand).callsFake((i) => twin.kinesisAnalytics.describeApplication(i));
  ka.on(UpdateApplicationCommand).callsFake((i) => twin.kinesisAnalytics.updateApplication(i));
  const cw = mockClient(CloudWatchClient);
  cw.on(GetMetricDataCommand).callsFake((i) => twin.cloudWatch.getMetricData(i));
  const table = new MemoryTable();
  const ddb = mockClient(DynamoDBClient);
  ddb.on(GetItemCommand).callsFake((i) => table.getItem(i));
  ddb.on(PutItemCommand).callsFake((i) => table.putItem(i));
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  const apis = createAutoscalerApis({ region: 'us-east-1', credentials });
  const lines: string[] = [];
  const run = createAutoscalerHandler({ ...apis, clock: twin.clock, writeLine: (l) => lines.push(l) }, env);
  return {
    twin, ka, cw, ddb, sns, table, lines, run,
    restore: () => {
      for (const m of [ka, cw, ddb, sns]) m.restore();
      destroyAutoscalerApis(apis);
    },
  };
}

describe('autoscaler Lambda handler on the twin', () => {
  it('learns two minutes, then scales up in one step with an exact UpdateApplication, saves its state and notifies', async () => {
    const w = world();
    try {
      const summaries = [];
      for (let minute = 1; minute <= 3; minute++) {
        w.twin.advance(60);
        summaries.push(await w.run());
      }
      expect(summaries.map((s) => s.action)).toEqual(['keep', 'keep', 'scale']);
      expect(summaries[0].reason).toBe('learning the job: 0 of 2 running minutes measured');
      // 4 subtasks of 1000 / (c_4 + w) carry ~1900 rec/s; 5200 needs 6500 at 80%: 2 KPUs of 8 subtasks (7568).
      expect(summaries[2]).toMatchObject({ application: 'lambda-io-app', outcome: 'updated', target: { parallelism: 16, parallelismPerKpu: 8 } });
      const updates = w.ka.commandCalls(UpdateApplicationCommand);
      expect(updates).toHaveLength(1);
      expect(updates[0].args[0].input).toEqual({
        ApplicationName: 'lambda-io-app',
        CurrentApplicationVersionId: 1,
        ApplicationConfigurationUpdate: {
          FlinkApplicationConfigurationUpdate: {
            ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 16, ParallelismPerKPUUpdate: 8, AutoScalingEnabledUpdate: false },
          },
        },
      });
      const published = w.sns.commandCalls(PublishCommand);
      expect(published).toHaveLength(1);
      expect(published[0].args[0].input).toMatchObject({
        TopicArn: TOPIC,
        Subject: 'kpufit autoscaler: lambda-io-app scaled (scale-up) to P=16 K=8',
        MessageAttributes: { outcome: { DataType: 'String', StringValue: 'updated' }, kind: { DataType: 'String', StringValue: 'scale-up' }, application: { DataType: 'String', StringValue: 'lambda-io-app' } },
      });
      expect(w.lines.map((l) => JSON.parse(l).action)).toEqual(['keep', 'keep', 'scale']);
    } finally {
      w.restore();
    }
  });

  it('reads the last 65 minutes of the application\'s and the stream\'s metrics on its first run, then only the minutes its state does not hold and a 2-minute overlap, one exact GetMetricData per run', async () => {
    const w = world();
    try {
      const runAtMs: number[] = [];
      for (let minute = 1; minute <= 2; minute++) {
        w.twin.advance(60);
        runAtMs.push(w.twin.clock.now());
        await w.run();
      }
      // The first run keeps the minutes complete by runAtMs[0]; the second re-reads the last REREAD_MINUTES of them.
      const startMs = [runAtMs[0] - READ_WINDOW_MS, runAtMs[0] - REREAD_MINUTES * 60_000];
      expect(w.cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input)).toEqual(runAtMs.map((at, i) => ({
        MetricDataQueries: metricQueries('lambda-io-app', 'lambda-io-stream'),
        StartTime: new Date(startMs[i]),
        EndTime: new Date(at),
        ScanBy: 'TimestampAscending',
      })));
    } finally {
      w.restore();
    }
  });

  it('reads its state with a consistent GetItem and writes it with PutItem conditional on the revision it read', async () => {
    const w = world();
    try {
      for (let minute = 1; minute <= 3; minute++) {
        w.twin.advance(60);
        await w.run();
      }
      const key = { pk: { S: 'lambda-io-app' } };
      expect(w.ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input)).toEqual(Array(3).fill({ TableName: 'kpufit-autoscaler', Key: key, ConsistentRead: true }));
      const puts = w.ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
      // Run n read revision n-1 (none at first: attribute_not_exists) and writes revision n.
      expect(puts).toEqual([1, 2, 3].map((n) => ({
        TableName: 'kpufit-autoscaler',
        Item: { ...key, state: { S: w.table.puts[n - 1].Item.state.S }, revision: { N: String(n) } },
        ConditionExpression: CONDITION,
        ExpressionAttributeValues: { ':read': { N: String(n - 1) } },
      })));
      // The item holds the history: the scale-up of the third run, and the model learned from two minutes.
      const saved = JSON.parse(w.table.items.get('lambda-io-app')!.state.S!);
      expect(saved.events).toEqual([expect.objectContaining({ kind: 'scale-up', from: { parallelism: 4, parallelismPerKpu: 4 }, to: { parallelism: 16, parallelismPerKpu: 8 } })]);
      expect(saved.model.learnedMinutes).toBe(2);
    } finally {
      w.restore();
    }
  });

  it('fails the run when another run saved first (ConditionalCheckFailedException), without notifying', async () => {
    const w = world();
    try {
      w.ddb.on(PutItemCommand).rejectsOnce(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
      w.twin.advance(60);
      await expect(w.run()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      expect(w.sns.commandCalls(PublishCommand)).toHaveLength(0);
      expect(w.table.items.size).toBe(0);
    } finally {
      w.restore();
    }
  });

  it('names the IAM action the role lacks when DynamoDB denies access', async () => {
    const w = world();
    try {
      w.ddb.on(GetItemCommand).rejects(Object.assign(new Error('User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: dynamodb:GetItem'), {
        name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 },
      }));
      w.twin.advance(60);
      await expect(w.run()).rejects.toThrow(/^the AWS credentials lack the IAM permission dynamodb:GetItem /);
    } finally {
      w.restore();
    }
  });

  it('treats ConcurrentModificationException as "not now": no cooldown starts, the topic hears of it', async () => {
    const w = world();
    try {
      w.ka.on(UpdateApplicationCommand).rejects(Object.assign(new Error('Current application version id 1 does not match'), { name: 'ConcurrentModificationException' }));
      for (let minute = 1; minute <= 3; minute++) {
        w.twin.advance(60);
        await w.run();
      }
      const saved = JSON.parse(w.table.items.get('lambda-io-app')!.state.S!);
      expect(saved.events).toEqual([]);
      const published = w.sns.commandCalls(PublishCommand);
      expect(published).toHaveLength(1);
      expect(published[0].args[0].input.Subject).toBe('kpufit autoscaler: lambda-io-app could not scale (scale-up) to P=16 K=8');
      expect(published[0].args[0].input.Message).toMatch(/\(not applied: ConcurrentModificationException, retrying next minute\)/);
      // The next minute decides afresh and applies it.
      w.ka.on(UpdateApplicationCommand).callsFake((i) => w.twin.kinesisAnalytics.updateApplication(i));
      w.twin.advance(60);
      expect(await w.run()).toMatchObject({ action: 'scale', outcome: 'updated' });
    } finally {
      w.restore();
    }
  });

  it('fails the cold start on a missing or bad setting, naming the variable', () => {
    expect(() => settingsFromEnvironment({ ...env, [AUTOSCALER_ENV.topicArn]: '' })).toThrow('environment variable TOPIC_ARN is required');
    expect(() => settingsFromEnvironment({ ...env, [AUTOSCALER_ENV.maxLagMs]: '-1' })).toThrow('environment variable SLO_MAX_LAG_MS must be a number > 0, got -1');
    expect(() => settingsFromEnvironment({ ...env, [AUTOSCALER_ENV.options]: '{"maxKpus": 0}' })).toThrow(/minKpus \(1\) <= maxKpus \(0\)/);
    expect(() => settingsFromEnvironment({ ...env, [AUTOSCALER_ENV.model]: '{"schemaVersion": 2}' })).toThrow(/AUTOSCALER_MODEL/);
    expect(settingsFromEnvironment(env)).toMatchObject({ application: 'lambda-io-app', slo: { maxLagMs: 60000 }, metricsDelaySeconds: 0, initialModel: { origin: 'prior' } });
  });
});

describe('DynamoDbStateStore', () => {
  it('writes conditionally on the revision it read: a stale writer fails instead of overwriting', async () => {
    const table = new MemoryTable();
    const a = new DynamoDbStateStore(table, 't', 'app');
    const b = new DynamoDbStateStore(table, 't', 'app');
    const state = initialState(priorModel(autoscalerOptions()));
    expect(await a.load()).toBeNull();
    expect(await b.load()).toBeNull();
    await a.save(state);
    expect(table.puts[0]).toEqual({
      TableName: 't',
      Item: { pk: { S: 'app' }, state: { S: JSON.stringify(state) }, revision: { N: '1' } },
      ConditionExpression: CONDITION,
      ExpressionAttributeValues: { ':read': { N: '0' } },
    });
    await expect(b.save(state)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(await b.load()).toEqual(state);
  });
});

const required = process.env.CI === 'true' || process.env.KPUFIT_REQUIRE_EMULATORS === '1';
const unavailable = ensureMoto();
if (unavailable && !required) console.warn(`\n!!! autoscaler Lambda moto test SKIPPED: ${unavailable}. CI runs it (KPUFIT_REQUIRE_EMULATORS=1).\n`);
const maybe = unavailable && !required ? describe.skip : describe;

/** Managed Flink's API is the twin's port, with the UpdateApplication requests it received. */
function recordingKinesisAnalytics(twin: Twin): KinesisAnalyticsApi & { updates: UpdateApplicationRequest[] } {
  const updates: UpdateApplicationRequest[] = [];
  return {
    updates,
    describeApplication: (i) => twin.kinesisAnalytics.describeApplication(i),
    updateApplication: (i) => {
      updates.push(i);
      return twin.kinesisAnalytics.updateApplication(i);
    },
    startApplication: (i) => twin.kinesisAnalytics.startApplication(i),
  };
}

maybe('autoscaler Lambda handler on moto (CloudWatch, DynamoDB, SNS over HTTP)', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    expect(unavailable).toBeUndefined();
    moto = await startMoto();
  }, 120_000);
  afterAll(async () => moto?.stop());

  /** The state table as the Autoscaler construct declares it (partition key pk, a string), on moto. */
  async function createStateTable(name: string): Promise<void> {
    const client = new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: moto.endpoint });
    try {
      await client.send(new CreateTableCommand({
        TableName: name, BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      }));
    } finally {
      client.destroy();
    }
  }

  it('ticks on the published metrics, scales through UpdateApplication and leaves its history in the table', async () => {
    await createStateTable('kpufit-autoscaler-moto');
    const apis = createAutoscalerApis({ region: 'us-east-1', credentials, endpointUrl: moto.endpoint });
    const twin = Twin.fromScenario(scenario);
    twin.setOfferedLoad(scenario.load.profile, scenario.load.recordBytes);
    const bridge = new MetricsBridge(twin.cloudWatch, apis.clients.cloudWatch, scenario.application, scenario.stream.name, twin.clock);
    const kinesisAnalytics = recordingKinesisAnalytics(twin);
    try {
      const topic = await apis.clients.sns.send(new CreateTopicCommand({ Name: 'kpufit-alarms' }));
      const run = createAutoscalerHandler({ ...apis, kinesisAnalytics, clock: twin.clock, writeLine: () => undefined }, {
        ...env, [AUTOSCALER_ENV.table]: 'kpufit-autoscaler-moto', [AUTOSCALER_ENV.topicArn]: topic.TopicArn!,
      });
      const summaries = [];
      for (let minute = 1; minute <= 3; minute++) {
        twin.advance(60);
        await bridge.publish();
        summaries.push(await run());
      }
      expect(bridge.datapointsPublished).toBe(36); // 12 series with datapoints x 3 minutes
      expect(summaries.map((s) => [s.action, s.outcome])).toEqual([['keep', 'kept'], ['keep', 'kept'], ['scale', 'updated']]);
      expect(kinesisAnalytics.updates).toEqual([{
        ApplicationName: 'lambda-io-app',
        CurrentApplicationVersionId: 1,
        ApplicationConfigurationUpdate: {
          FlinkApplicationConfigurationUpdate: {
            ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 16, ParallelismPerKPUUpdate: 8, AutoScalingEnabledUpdate: false },
          },
        },
      }]);
      const item = (await apis.dynamoDb.getItem({ TableName: 'kpufit-autoscaler-moto', Key: { pk: { S: 'lambda-io-app' } }, ConsistentRead: true })).Item!;
      expect(Object.keys(item).sort()).toEqual(['pk', 'revision', 'state']);
      expect(item.pk).toEqual({ S: 'lambda-io-app' });
      expect(item.revision).toEqual({ N: '3' });
      const saved = JSON.parse(item.state.S!);
      expect(saved.events).toEqual([expect.objectContaining({
        atMs: twin.clock.now(), kind: 'scale-up', from: { parallelism: 4, parallelismPerKpu: 4 }, to: { parallelism: 16, parallelismPerKpu: 8 }, effective: null,
      })]);
      expect(saved.model.learnedMinutes).toBe(2);
    } finally {
      destroyAutoscalerApis(apis);
    }
  }, 120_000);

  it('refuses a stale write: DynamoDB\'s own condition check stops the second of two overlapping runs', async () => {
    await createStateTable('kpufit-autoscaler-race');
    const apis = createAutoscalerApis({ region: 'us-east-1', credentials, endpointUrl: moto.endpoint });
    try {
      const a = new DynamoDbStateStore(apis.dynamoDb, 'kpufit-autoscaler-race', 'app');
      const b = new DynamoDbStateStore(apis.dynamoDb, 'kpufit-autoscaler-race', 'app');
      const state = initialState(priorModel(autoscalerOptions()));
      expect(await a.load()).toBeNull();
      expect(await b.load()).toBeNull();
      await a.save(state);
      await expect(b.save({ ...state, blockedReason: 'stale' })).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      expect(await b.load()).toEqual(state);
      await b.save({ ...state, blockedReason: 'fresh' });
      const item = (await apis.dynamoDb.getItem({ TableName: 'kpufit-autoscaler-race', Key: { pk: { S: 'app' } } })).Item!;
      expect(item.revision).toEqual({ N: '2' });
      expect(JSON.parse(item.state.S!).blockedReason).toBe('fresh');
    } finally {
      destroyAutoscalerApis(apis);
    }
  }, 60_000);
});
