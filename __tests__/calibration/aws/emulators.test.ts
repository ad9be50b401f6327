/**
 * The AWS code path end to end against local endpoints: Kinesis is kinesis-local (npm), CloudWatch is
 * moto's server (PyPI, in .venv), both over real HTTP through the SDK clients with --endpoint-url style
 * overrides. Managed Flink has no emulator: its control plane is the twin behind a mocked
 * KinesisAnalyticsV2Client, and its metrics are published into moto as the service would publish them.
 *
 * Needs python3: without it the test is skipped with the reason on a developer machine, and fails in CI
 * (CI=true or KPUFIT_REQUIRE_EMULATORS=1), which must prove it ran.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { DescribeApplicationCommand, KinesisAnalyticsV2Client, UpdateApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudWatchApi, createSdkClients, kinesisAnalyticsApi, kinesisApi } from '../../../calibration/adapters/sdk-clients';
import { awsLoadDriver, runAwsCalibration } from '../../../calibration/aws/run';
import { parseJobModel } from '../../../calibration/autoscaler/model-file';
import { resolveAwsSettings } from '../../../calibration/aws/settings';
import { SystemClock } from '../../../core/clock';
import { createTwinLoadDriver, parseScenario, Twin } from '../../../simulator/twin';
import { startKinesisLocal, type KinesisLocal } from '../../simulator/helpers/kinesis-local';
import { MetricsBridge } from './helpers/metrics-bridge';
import { ensureMoto, startMoto, type MotoServer } from './helpers/moto-server';
import { SCENARIOS, twinBackedAws } from './twin-backed-aws';

const required = process.env.CI === 'true' || process.env.KPUFIT_REQUIRE_EMULATORS === '1';
const unavailable = ensureMoto();
if (unavailable && !required) {
  console.warn(`\n!!! AWS emulator end-to-end test SKIPPED: ${unavailable}. CI runs it (KPUFIT_REQUIRE_EMULATORS=1).\n`);
}
const maybe = unavailable && !required ? describe.skip : describe;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

maybe('calibrate --target aws against kinesis-local and moto', () => {
  let kinesisLocal: KinesisLocal;
  let moto: MotoServer;

  beforeAll(async () => {
    expect(unavailable).toBeUndefined(); // required here: a missing python3 fails instead of skipping
    [kinesisLocal, moto] = await Promise.all([startKinesisLocal(), startMoto()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([kinesisLocal?.stop(), moto?.stop()]);
  });

  async function createStream(name: string, shards: number) {
    await kinesisLocal.client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    for (let i = 0; i < 100; i++) {
      const s = await kinesisLocal.client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`stream ${name} never became ACTIVE`);
  }

  async function countRecords(stream: string): Promise<number> {
    const shards = (await kinesisLocal.client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
    let n = 0;
    for (const shard of shards) {
      let iterator = (await kinesisLocal.client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      for (let page = 0; iterator && page < 50; page++) {
        const out = await kinesisLocal.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        n += out.Records?.length ?? 0;
        if (!out.Records?.length && out.MillisBehindLatest === 0) break;
        iterator = out.NextShardIterator;
      }
    }
    return n;
  }

  it('drives the workload into Kinesis through the producer the AWS run uses', async () => {
    await createStream('e2e-load', 2);
    const settings = await resolveAwsSettings({ app: 'e2e-app', stream: 'e2e-load', rate: 400, endpointUrl: kinesisLocal.endpoint, region: 'us-east-1', workload: 'iot' }, {
      AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local',
    });
    const env = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    try {
      const driver = awsLoadDriver(settings, new SystemClock());
      await driver.start({ recordsPerSecond: 400, recordBytes: 200 });
      await new Promise((r) => setTimeout(r, 1500));
      const stats = await driver.stop();
      expect(stats.failed).toBe(0);
      expect(stats.inFlight).toBe(0);
      expect(stats.acknowledged).toBeGreaterThanOrEqual(400);
      expect(await countRecords('e2e-load')).toBe(stats.acknowledged);
    } finally {
      process.env = env;
    }
  });

  it('right-sizes through real HTTP: DescribeStreamSummary on kinesis-local, GetMetricData on moto', async () => {
    const json = JSON.parse(readFileSync(join(SCENARIOS, 'iot-cpu-bound.json'), 'utf8'));
    const scenario = parseScenario({ ...json, stream: { ...json.stream, name: 'e2e-iot-stream' } });
    await createStream(scenario.stream.name, scenario.stream.shards);

    // Managed Flink: the twin, behind the SDK client's send (no emulator exists for it).
    const twin = Twin.fromScenario(scenario);
    const ka = mockClient(KinesisAnalyticsV2Client);
    ka.on(DescribeApplicationCommand).callsFake((i) => twin.kinesisAnalytics.describeApplication(i));
    ka.on(UpdateApplicationCommand).callsFake((i) => twin.kinesisAnalytics.updateApplication(i));

    const clients = createSdkClients({ region: 'us-east-1', credentials, endpoints: { kinesis: kinesisLocal.endpoint, cloudWatch: moto.endpoint } });
    const metricCalls: string[] = [];
    clients.cloudWatch.middlewareStack.add((next, context) => async (args) => {
      metricCalls.push(context.commandName ?? '');
      return next(args);
    }, { step: 'initialize', name: 'countCalls' });
    const bridge = new MetricsBridge(twin.cloudWatch, new CloudWatchClient({ region: 'us-east-1', credentials, endpoint: moto.endpoint }), scenario.application, scenario.stream.name, twin.clock);
    await bridge.announce();
    const out = join(mkdtempSync(join(tmpdir(), 'kpufit-e2e-')), 'out');
    try {
      const { report } = await runAwsCalibration(
        { app: scenario.application, stream: scenario.stream.name, rate: 3500, recordBytes: 200, out },
        {
          apis: { kinesisAnalytics: kinesisAnalyticsApi(clients.kinesisAnalytics), cloudWatch: cloudWatchApi(clients.cloudWatch), kinesis: kinesisApi(clients.kinesis) },
          clock: bridge.publishingClock(),
          createLoadDriver: () => createTwinLoadDriver(twin),
          stderr: new PassThrough(),
          pollSeconds: 5,
          env: {},
        },
      );
      expect(report!.verdict).toBe('recommended');
      expect(report!.streamAdvice.shards).toBe(4); // from kinesis-local's DescribeStreamSummary
      expect(bridge.datapointsPublished).toBeGreaterThan(100);
      expect(metricCalls.filter((c) => c === 'GetMetricDataCommand').length).toBeGreaterThan(5);
      // Discovery went to moto first: ListMetrics before any GetMetricData, and the report names the series.
      expect(metricCalls[0]).toBe('ListMetricsCommand');
      expect(report!.metricsUsed).toContainEqual({
        signal: 'lag', namespace: 'AWS/KinesisAnalytics', name: 'millisBehindLatest',
        dimensions: { Id: 'e2e_iot_stream', Application: scenario.application, Flow: 'Input' },
      });
      // The metrics made the round trip through moto intact: the same answer as reading the twin directly.
      ka.restore();
      const t = twinBackedAws('iot-cpu-bound.json', { stream: { ...json.stream, name: 'e2e-iot-stream' } });
      const reference = await runAwsCalibration({ app: scenario.application, stream: scenario.stream.name, rate: 3500, recordBytes: 200, out: `${out}-ref` }, t.deps)
        .finally(() => t.restoreMocks())
        .then((r) => r.report!);
      expect(report!.recommendation).toEqual(reference.recommendation);
      expect(report!.trials.map((t) => [t.parallelism, t.parallelismPerKpu, t.verdict])).toEqual(reference.trials.map((t) => [t.parallelism, t.parallelismPerKpu, t.verdict]));
      // model.json beside report.json, fitted from the same evidence: the same model as the reference run's.
      expect(parseJobModel(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')))).toEqual(parseJobModel(JSON.parse(readFileSync(join(`${out}-ref`, 'model.json'), 'utf8'))));
      expect(parseJobModel(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'))).origin).toBe('calibration');
    } finally {
      ka.restore();
      for (const c of [clients.kinesisAnalytics, clients.cloudWatch, clients.kinesis]) c.destroy();
    }
  }, 180_000);

  it('stops before any update when moto lists no job series, naming the series it does list', async () => {
    const json = JSON.parse(readFileSync(join(SCENARIOS, 'iot-cpu-bound.json'), 'utf8'));
    const scenario = parseScenario({ ...json, application: 'e2e-blind-app', stream: { ...json.stream, name: 'e2e-blind-stream' } });
    await createStream(scenario.stream.name, scenario.stream.shards);
    const twin = Twin.fromScenario(scenario);
    const ka = mockClient(KinesisAnalyticsV2Client);
    ka.on(DescribeApplicationCommand).callsFake((i) => twin.kinesisAnalytics.describeApplication(i));
    ka.on(UpdateApplicationCommand).callsFake((i) => twin.kinesisAnalytics.updateApplication(i));
    // What a job with the wrong metric group would publish: the stream's series, and a lag without Id/Flow.
    const cw = new CloudWatchClient({ region: 'us-east-1', credentials, endpoint: moto.endpoint });
    const at = new Date(twin.clock.now() - 600_000);
    await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/Kinesis', MetricData: [{ MetricName: 'IncomingRecords', Dimensions: [{ Name: 'StreamName', Value: scenario.stream.name }], Timestamp: at, Value: 5 }] }));
    await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/KinesisAnalytics', MetricData: [{ MetricName: 'millisBehindLatest', Dimensions: [{ Name: 'Application', Value: scenario.application }], Timestamp: at, Value: 5 }] }));
    const clients = createSdkClients({ region: 'us-east-1', credentials, endpoints: { kinesis: kinesisLocal.endpoint, cloudWatch: moto.endpoint } });
    const out = join(mkdtempSync(join(tmpdir(), 'kpufit-e2e-')), 'out');
    try {
      const err = await runAwsCalibration(
        { app: scenario.application, stream: scenario.stream.name, rate: 3500, recordBytes: 200, out },
        {
          apis: { kinesisAnalytics: kinesisAnalyticsApi(clients.kinesisAnalytics), cloudWatch: cloudWatchApi(clients.cloudWatch), kinesis: kinesisApi(clients.kinesis) },
          clock: twin.clock, createLoadDriver: () => createTwinLoadDriver(twin), stderr: new PassThrough(), pollSeconds: 5, env: {},
        },
      ).then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message).toMatch(/metrics: no series for lag and consumption of application /);
      expect(err?.message).toContain(`AWS/KinesisAnalytics millisBehindLatest {Application=${scenario.application}}`);
      expect(err?.message).toContain(`AWS/Kinesis IncomingRecords {StreamName=${scenario.stream.name}}`);
      // Each series once, and nothing of the other application sharing this CloudWatch.
      expect(err?.message.match(/AWS\/KinesisAnalytics millisBehindLatest \{/g)).toHaveLength(1);
      expect(err?.message).not.toContain('iot-cpu-bound-app');
      expect(ka.commandCalls(UpdateApplicationCommand)).toHaveLength(0);
    } finally {
      ka.restore();
      cw.destroy();
      for (const c of [clients.kinesisAnalytics, clients.cloudWatch, clients.kinesis]) c.destroy();
    }
  }, 180_000);
});
