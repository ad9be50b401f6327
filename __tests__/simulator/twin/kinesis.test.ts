/** The stream side: DescribeStreamSummary, record-level PutRecords and the rate-level producer's throttling. */
import { createTwinLoadDriver, Twin } from '../../../simulator/twin';
import { APP, STREAM, awsErrorOf, scenario, series } from './fixtures';

const constant = (recordsPerSecond: number) => ({ type: 'constant' as const, recordsPerSecond });

describe('DescribeStreamSummary', () => {
  it('describes the provisioned stream with its open shard count', async () => {
    const twin = Twin.fromScenario(scenario());
    const out = await twin.kinesis.describeStreamSummary({ StreamName: STREAM });
    expect(out.StreamDescriptionSummary).toMatchObject({
      StreamName: STREAM, StreamARN: `arn:aws:kinesis:us-east-1:123456789012:stream/${STREAM}`, StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'PROVISIONED' }, OpenShardCount: 8, RetentionPeriodHours: 24,
    });
    const byArn = await twin.kinesis.describeStreamSummary({ StreamARN: out.StreamDescriptionSummary!.StreamARN });
    expect(byArn.StreamDescriptionSummary!.StreamName).toBe(STREAM);
  });

  it('throws ResourceNotFoundException for another stream', async () => {
    const err = await awsErrorOf(Twin.fromScenario(scenario()).kinesis.describeStreamSummary({ StreamName: 'nope' }));
    expect(err).toMatchObject({ name: 'ResourceNotFoundException', $fault: 'client' });
    expect(err.message).toBe('Stream nope under account 123456789012 not found.');
  });
});

describe('PutRecords', () => {
  const record = (key: string, bytes = 100) => ({ PartitionKey: key, Data: new Uint8Array(bytes) });

  it('accepts records into the shard owning the MD5 of the partition key, at the current second', async () => {
    const twin = Twin.fromScenario(scenario({ stream: { name: STREAM, shards: 4 } }));
    const out = await twin.kinesis.putRecords({ StreamName: STREAM, Records: [record('a'), record('b'), record('a')] });
    expect(out.FailedRecordCount).toBe(0);
    expect(out.Records).toHaveLength(3);
    expect(out.Records![0].ShardId).toBe(out.Records![2].ShardId);
    expect(out.Records![0].ShardId).toMatch(/^shardId-0000000000\d\d$/);
    expect(out.Records!.every((r) => /^\d+$/.test(r.SequenceNumber!))).toBe(true);
    twin.advance(60);
    expect((await series(twin, 'IncomingRecords', 'Sum')).values).toEqual([3]);
    expect((await series(twin, 'numRecordsInPerSecond', 'Sum')).values).toEqual([3]);
  });

  it('routes by ExplicitHashKey when given', async () => {
    const twin = Twin.fromScenario(scenario({ stream: { name: STREAM, shards: 4 } }));
    const out = await twin.kinesis.putRecords({
      StreamName: STREAM,
      Records: [{ ...record('x'), ExplicitHashKey: '0' }, { ...record('x'), ExplicitHashKey: (2n ** 128n - 1n).toString() }],
    });
    expect(out.Records!.map((r) => r.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000003']);
  });

  it('refuses records over 1000 records/s per shard with ProvisionedThroughputExceededException, per record', async () => {
    const twin = Twin.fromScenario(scenario({ stream: { name: STREAM, shards: 1 } }));
    const batch = Array.from({ length: 500 }, (_, i) => record(`k${i}`));
    await twin.kinesis.putRecords({ StreamName: STREAM, Records: batch });
    await twin.kinesis.putRecords({ StreamName: STREAM, Records: batch });
    const third = await twin.kinesis.putRecords({ StreamName: STREAM, Records: batch.slice(0, 10) });
    expect(third.FailedRecordCount).toBe(10);
    expect(third.Records![0]).toEqual({
      ErrorCode: 'ProvisionedThroughputExceededException',
      ErrorMessage: `Rate exceeded for shard shardId-000000000000 in stream ${STREAM} under account 123456789012.`,
    });
    twin.advance(1); // a new second: the shard accepts again
    expect((await twin.kinesis.putRecords({ StreamName: STREAM, Records: batch.slice(0, 10) })).FailedRecordCount).toBe(0);
    twin.advance(59);
    expect((await series(twin, 'WriteProvisionedThroughputExceeded', 'Sum')).values).toEqual([10]);
    expect((await series(twin, 'IncomingRecords', 'Sum')).values).toEqual([1010]);
  });

  it('refuses records over 1 MiB/s per shard', async () => {
    const twin = Twin.fromScenario(scenario({ stream: { name: STREAM, shards: 1 } }));
    const out = await twin.kinesis.putRecords({ StreamName: STREAM, Records: Array.from({ length: 3 }, (_, i) => record(`k${i}`, 400000)) });
    expect(out.Records!.map((r) => r.ErrorCode ?? 'ok')).toEqual(['ok', 'ok', 'ProvisionedThroughputExceededException']);
  });

  it('rejects malformed calls with AWS exceptions', async () => {
    const k = Twin.fromScenario(scenario()).kinesis;
    expect((await awsErrorOf(k.putRecords({ StreamName: 'other', Records: [record('a')] }))).name).toBe('ResourceNotFoundException');
    expect((await awsErrorOf(k.putRecords({ StreamName: STREAM, Records: [] }))).name).toBe('InvalidArgumentException');
    expect((await awsErrorOf(k.putRecords({ StreamName: STREAM, Records: Array.from({ length: 501 }, () => record('a')) }))).name)
      .toBe('InvalidArgumentException');
    expect((await awsErrorOf(k.putRecords({ StreamName: STREAM, Records: [record('')] }))).name).toBe('InvalidArgumentException');
  });
});

describe('rate-level producer (docs/twin-model.md step 1)', () => {
  it('offers nothing until told', async () => {
    const twin = Twin.fromScenario(scenario());
    twin.advance(120);
    expect(twin.producerStats()).toEqual({ offered: 0, accepted: 0, throttled: 0, pendingRetry: 0 });
    expect((await series(twin, 'IncomingRecords', 'Sum')).values).toEqual([0, 0]);
  });

  it('throttles a shard above L = min(1000, 1 MiB / b) and retries the excess: nothing is dropped', async () => {
    // 2 shards of 400-byte records take 2000 records/s; 2500 are offered.
    const twin = Twin.fromScenario(scenario({ stream: { name: STREAM, shards: 2 } }));
    twin.setOfferedLoad(constant(2500), 400);
    twin.advance(60);
    let stats = twin.producerStats();
    expect(stats.offered).toBeCloseTo(150000, 6);
    expect(stats.accepted).toBeCloseTo(120000, 6);
    expect(stats.pendingRetry).toBeCloseTo(30000, 6);
    expect(stats.offered).toBeCloseTo(stats.accepted + stats.pendingRetry, 6);
    // Each second the whole pending backlog is retried and refused again: 500 + 1000 + ... + 30000.
    expect(stats.throttled).toBeCloseTo(500 * (60 * 61) / 2, 3);
    expect((await series(twin, 'WriteProvisionedThroughputExceeded', 'Sum')).values[0]).toBeCloseTo(stats.throttled, 3);
    expect((await series(twin, 'IncomingRecords', 'Sum')).values).toEqual([120000]);
    // Load stops: the producer keeps retrying until everything is in.
    twin.setOfferedLoad(null, 400);
    twin.advance(15);
    stats = twin.producerStats();
    expect(stats.pendingRetry).toBe(0);
    expect(stats.accepted).toBeCloseTo(150000, 6);
  });

  it('puts shardSkew on the hottest shard: only it throttles', async () => {
    // hottest shard: (0.3 + 0.7 / 4) * 2000 = 950 records/s of 2000-byte records; L = 524.288.
    const twin = Twin.fromScenario(scenario({ stream: { name: STREAM, shards: 4, shardSkew: 0.3 } }));
    twin.setOfferedLoad(constant(2000), 2000);
    twin.advance(10);
    const stats = twin.producerStats();
    expect(stats.accepted).toBeCloseTo(10 * (524.288 + 3 * 350), 6);
    expect(stats.pendingRetry).toBeCloseTo(10 * (950 - 524.288), 6);
  });

  it('shares a shard budget with PutRecords writes in the same second', async () => {
    const twin = Twin.fromScenario(scenario({ stream: { name: STREAM, shards: 1 } }));
    await twin.kinesis.putRecords({ StreamName: STREAM, Records: Array.from({ length: 400 }, (_, i) => ({ PartitionKey: `${i}`, Data: new Uint8Array(10) })) });
    twin.setOfferedLoad(constant(1000), 450);
    twin.advance(1);
    expect(twin.producerStats()).toMatchObject({ accepted: 600, pendingRetry: 400 });
  });
});

describe('the LoadDriver port', () => {
  it('drives the rate-level producer and reports LoadStats', async () => {
    const twin = Twin.fromScenario(scenario({ stream: { name: STREAM, shards: 2 } }));
    const driver = createTwinLoadDriver(twin);
    await driver.start({ recordsPerSecond: 1500, recordBytes: 400 });
    await twin.clock.sleep(10000);
    await driver.setRate(2500);
    await twin.clock.sleep(2000);
    const stats = await driver.stop();
    expect(stats).toEqual({ sent: 20000, acknowledged: 19000, failed: 0, throttledRetries: 500 + 1000, inFlight: 1000 });
    await twin.clock.sleep(5000);
    expect(driver.stats()).toMatchObject({ sent: 20000, acknowledged: 20000, inFlight: 0 });
  });

  it('follows a profile from the moment it starts', async () => {
    const twin = Twin.fromScenario(scenario());
    twin.advance(100);
    const driver = createTwinLoadDriver(twin);
    await driver.start({ profile: { type: 'steps', steps: [{ atSecond: 0, recordsPerSecond: 100 }, { atSecond: 5, recordsPerSecond: 300 }] }, recordBytes: 450 });
    twin.advance(10);
    expect(driver.stats().sent).toBe(5 * 100 + 5 * 300);
  });

  it('refuses setRate before start', async () => {
    await expect(createTwinLoadDriver(Twin.fromScenario(scenario())).setRate(10)).rejects.toThrow(/not started/);
  });
});

describe('the Clock port', () => {
  it('starts at 2026-01-01T00:00:00Z and advances the simulation by whole seconds, carrying the rest', async () => {
    const twin = Twin.fromScenario(scenario());
    expect(twin.clock.now()).toBe(Date.UTC(2026, 0, 1));
    await twin.clock.sleep(1500);
    expect(twin.nowSeconds()).toBe(1);
    expect(twin.clock.now()).toBe(Date.UTC(2026, 0, 1) + 1500);
    await twin.clock.sleep(500);
    expect(twin.nowSeconds()).toBe(2);
    expect(twin.clock.now()).toBe(Date.UTC(2026, 0, 1) + 2000);
    twin.advance(58);
    expect(twin.nowSeconds()).toBe(60);
    expect((await twin.kinesisAnalytics.describeApplication({ ApplicationName: APP })).ApplicationDetail!.ApplicationStatus).toBe('RUNNING');
  });
});
