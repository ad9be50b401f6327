/**
 * The producer over the real @aws-sdk/client-kinesis client (aws-sdk-client-mock answers for AWS):
 * partial failures and thrown throttling are retried until acknowledged, the books balance, and records
 * refused past the retry limit land in the dead-letter file.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KinesisClient, ProvisionedThroughputExceededException, PutRecordsCommand, ResourceNotFoundException,
  type PutRecordsCommandInput, type PutRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createKinesisClient, kinesisApi } from '../../../simulator/kinesis-client';
import { DeadLetterFile } from '../../../simulator/producers/dead-letter';
import { KinesisProducer } from '../../../simulator/producers/kinesis-producer';
import { GeneratedRecords } from '../../../simulator/records';
import { virtualClock } from '../helpers/virtual-clock';

const throttle = () => new ProvisionedThroughputExceededException({ message: 'Rate exceeded for shard shardId-000000000001', $metadata: {} });

function setup(maxRetries = 8) {
  const client = createKinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  const clock = virtualClock();
  const dir = mkdtempSync(join(tmpdir(), 'kpufit-dlq-'));
  const deadLetters = new DeadLetterFile(join(dir, 'dead-letters.jsonl'));
  const producer = new KinesisProducer({ api: kinesisApi(client), streamName: 'taxi-trips', clock, deadLetters, maxRetries, random: () => 0.5 });
  const accepted: string[] = [];
  /** Answers like Kinesis: records whose index `refuse` picks get the ErrorCode, the rest are stored. */
  const answer = (refuse: (i: number, call: number) => string | undefined) => {
    let call = 0;
    return (input: PutRecordsCommandInput): PutRecordsCommandOutput => {
      const n = call++;
      let failed = 0;
      const Records = input.Records!.map((r, i) => {
        const code = refuse(i, n);
        if (code) {
          failed++;
          return { ErrorCode: code, ErrorMessage: `${code} (record ${i})` };
        }
        accepted.push(Buffer.from(r.Data!).toString('utf8'));
        return { SequenceNumber: String(accepted.length), ShardId: 'shardId-000000000000' };
      });
      return { FailedRecordCount: failed, Records, $metadata: {} };
    };
  };
  return { client, mock, producer, deadLetters, accepted, answer };
}

async function send(producer: KinesisProducer, n: number): Promise<string[]> {
  const source = new GeneratedRecords({ workload: 'clickstream', seed: 3 });
  const data: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = source.next(Date.UTC(2026, 0, 15) + i);
    data.push(r.data);
    if (!producer.offer(r)) await producer.ready();
  }
  await producer.drain();
  return data;
}

describe('KinesisProducer over the AWS SDK client', () => {
  it('retries per-record ProvisionedThroughputExceeded and InternalFailure until every record is acknowledged', async () => {
    const { mock, producer, accepted, answer } = setup();
    // Each of the first three calls refuses a third of its records.
    mock.on(PutRecordsCommand).callsFake(answer((i, call) =>
      call < 3 && i % 3 === 0 ? (call === 1 ? 'InternalFailure' : 'ProvisionedThroughputExceededException') : undefined));
    const data = await send(producer, 1500);
    expect(accepted.sort()).toEqual([...data].sort());
    const s = producer.stats();
    expect(s).toMatchObject({ sent: 1500, acknowledged: 1500, failed: 0, inFlight: 0 });
    expect(s.throttledRetries).toBe(334);
    expect(s.retries).toBe(501);
    expect(s.sent).toBe(s.acknowledged + s.failed + s.inFlight);
    expect(mock).toHaveReceivedCommandWith(PutRecordsCommand, { StreamName: 'taxi-trips' });
  });

  it('retries calls that throw ProvisionedThroughputExceededException', async () => {
    const { mock, producer, accepted, answer } = setup();
    mock.on(PutRecordsCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).callsFake(answer(() => undefined));
    const data = await send(producer, 400);
    expect(accepted).toEqual(data);
    expect(producer.stats()).toMatchObject({ sent: 400, acknowledged: 400, failed: 0, inFlight: 0, throttledRetries: 800 });
    expect(mock).toHaveReceivedCommandTimes(PutRecordsCommand, 3);
  });

  it('files records still refused after the retry limit in the dead-letter file, as JSON lines', async () => {
    const { mock, producer, deadLetters, accepted, answer } = setup(2);
    mock.on(PutRecordsCommand).callsFake(answer((i) => (i < 5 ? 'ProvisionedThroughputExceededException' : undefined)));
    const data = await send(producer, 50);
    const s = producer.stats();
    expect(s).toMatchObject({ sent: 50, failed: 5, inFlight: 0 });
    expect(s.acknowledged).toBe(45);
    expect(accepted).toHaveLength(45);
    const letters = readFileSync(deadLetters.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(letters).toHaveLength(5);
    expect(letters.map((l) => l.data)).toEqual(data.slice(0, 5));
    expect(letters[0]).toMatchObject({ errorCode: 'ProvisionedThroughputExceededException', attempts: 3 });
  });

  it('does not retry a missing stream, and reports it', async () => {
    const { mock, producer, deadLetters } = setup();
    mock.on(PutRecordsCommand).rejects(new ResourceNotFoundException({ message: 'Stream taxi-trips under account 1 not found.', $metadata: {} }));
    await send(producer, 10);
    expect(producer.fatalError?.name).toBe('ResourceNotFoundException');
    expect(producer.stats()).toMatchObject({ sent: 10, acknowledged: 0, failed: 10 });
    expect(mock).toHaveReceivedCommandTimes(PutRecordsCommand, 1);
    expect(existsSync(deadLetters.path)).toBe(true);
  });

  it('leaves no dead-letter file behind when nothing failed', async () => {
    const { mock, producer, deadLetters, answer } = setup();
    mock.on(PutRecordsCommand).callsFake(answer(() => undefined));
    await send(producer, 20);
    expect(existsSync(deadLetters.path)).toBe(false);
  });

  it('turns the SDK retries off so every throttle reaches the producer', async () => {
    const client: KinesisClient = createKinesisClient({ region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:4568' });
    expect(await client.config.maxAttempts()).toBe(1);
    expect(await client.config.region()).toBe('eu-west-1');
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:4568');
  });
});
