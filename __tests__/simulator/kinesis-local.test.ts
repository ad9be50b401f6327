/**
 * End to end against kinesis-local: a paced taxi run through the real SDK client and the producer lands
 * every record in the stream, byte for byte, as GetRecords reads them back.
 */
import {
  CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, type LoadArgs } from '../../calibration/cli/commands/load';
import { SystemClock } from '../../core/clock';
import { kinesisApi } from '../../simulator/kinesis-client';
import { LoadRun } from '../../simulator/load-run';
import { KinesisProducer } from '../../simulator/producers/kinesis-producer';
import { GeneratedRecords, type OutRecord, type RecordSource } from '../../simulator/records';
import { startKinesisLocal, type KinesisLocal } from './helpers/kinesis-local';

const STREAM = 'kpufit-load-it';
let local: KinesisLocal;

beforeAll(async () => {
  local = await startKinesisLocal();
  await local.client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 2 }));
  for (let i = 0; i < 100; i++) {
    const d = await local.client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('stream never became ACTIVE');
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

async function readAll(): Promise<Array<{ data: string; key: string }>> {
  const shards = await local.client.send(new ListShardsCommand({ StreamName: STREAM }));
  const out: Array<{ data: string; key: string }> = [];
  for (const shard of shards.Shards ?? []) {
    let iterator = (await local.client.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (let empty = 0; iterator && empty < 2; ) {
      const page = await local.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records ?? []) out.push({ data: Buffer.from(r.Data!).toString('utf8'), key: r.PartitionKey! });
      empty = (page.Records ?? []).length === 0 ? empty + 1 : 0;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

it('sends a few thousand records and reads every one back, unchanged', async () => {
  const sent: OutRecord[] = [];
  const generated = new GeneratedRecords({ workload: 'taxi', seed: 11 });
  const source: RecordSource = { next: (now) => { const r = generated.next(now); sent.push(r); return r; } };
  const clock = new SystemClock();
  const producer = new KinesisProducer({ api: kinesisApi(local.client), streamName: STREAM, clock, concurrency: 4 });
  const result = await new LoadRun({
    pacing: { kind: 'profile', profile: { type: 'constant', recordsPerSecond: 2000 }, source },
    producer, clock, durationSeconds: 2,
  }).run();

  expect(result).toMatchObject({ sent: 4000, acknowledged: 4000, failed: 0, inFlight: 0 });
  expect(result.putCalls).toBeGreaterThanOrEqual(8);
  expect(result.p50PutMs).toBeGreaterThan(0);
  const stored = await readAll();
  expect(stored).toHaveLength(4000);
  const key = (r: { data: string; key: string }) => `${r.key}\u0000${r.data}`;
  expect(stored.map(key).sort()).toEqual(sent.map((r) => key({ data: r.data, key: r.partitionKey })).sort());
});

describe('kpufit load --target kinesis --endpoint-url', () => {
  const saved = { ...process.env };
  const quiet = () => {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (x: string) => ((stdout += x), true) } as unknown as NodeJS.WritableStream,
      stderr: { write: (x: string) => ((stderr += x), true), isTTY: false } as unknown as NodeJS.WriteStream,
      signals: new EventEmitter(),
    };
    return { io, out: () => stdout, err: () => stderr };
  };
  const args = (stream: string): LoadArgs => ({
    target: 'kinesis', workload: 'iot', stream, 'endpoint-url': local.endpoint, region: 'us-east-1', rate: 500, duration: 1,
    seed: 1, 'partition-key': 'entity', 'hot-key-share': 0, 'malformed-rate': 0, concurrency: 4, 'max-retries': 8,
    'dead-letter': join(mkdtempSync(join(tmpdir(), 'kpufit-kl-')), 'dlq.jsonl'), json: true,
  });

  beforeAll(() => {
    // Emulator credentials: kinesis-local accepts any signature.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  });
  afterAll(() => {
    process.env = saved;
  });

  it('sends through the standard credential chain and reports the stats', async () => {
    const { io, out } = quiet();
    const stats = await runLoad(args(STREAM), io);
    expect(stats).toMatchObject({ sent: 500, acknowledged: 500, failed: 0, target: 'kinesis', workload: 'iot' });
    expect(JSON.parse(out())).toEqual(stats);
  });

  it('names --stream when the stream does not exist, before sending anything', async () => {
    const { io, out } = quiet();
    await expect(runLoad(args('no-such-stream'), io)).rejects.toThrow(/^--stream: stream "no-such-stream" does not exist in us-east-1 at http:\/\/127\.0\.0\.1:\d+$/);
    expect(out()).toBe('');
  });
});
