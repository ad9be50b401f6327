/**
 * kinesis-local (the npm build of kinesis-mock) on free loopback ports. It listens on 0.0.0.0 with no option
 * to change that, so loopback-listen.cjs is preloaded to pin its servers to 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { packageRoot } from '../../core/package-root';
import { onProcessEnd } from './cleanup';
import type { CpuCgroup } from './cpu-cgroup';
import { freePort, waitUntil } from './free-port';

const REPO = packageRoot();
export const EMULATOR_REGION = 'us-east-1';
/** kinesis-mock's default account; the access key id selects it. Placeholder keys, never real ones. */
const EMULATOR_ACCOUNT = '000000000000';

export interface KinesisLocal {
  endpoint: string;
  client: KinesisClient;
  stop(): Promise<void>;
}

export async function startKinesisLocal(logFile: string, options: { cgroup?: CpuCgroup } = {}): Promise<KinesisLocal> {
  const plainPort = await freePort();
  const tlsPort = await freePort();
  const folder = join(REPO, 'node_modules', 'kinesis-local');
  const log = createWriteStream(logFile);
  const args = ['--require', join(REPO, 'calibration', 'local', 'loopback-listen.cjs'), 'main.js'];
  const spawnOptions = {
    cwd: folder,
    env: {
      ...process.env,
      KINESIS_MOCK_PLAIN_PORT: String(plainPort),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      AWS_REGION: EMULATOR_REGION,
      LOG_LEVEL: 'WARN',
      SHOULD_PERSIST_DATA: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
  };
  // In a cgroup (the local target's priority group): a shell joins it, then exec's node with the same pid.
  const child: ChildProcess = options.cgroup
    ? spawn('/bin/sh', ['-c', `${options.cgroup.enterCommand()} && exec "$0" "$@"`, process.execPath, ...args], spawnOptions)
    : spawn(process.execPath, args, spawnOptions);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const unregister = onProcessEnd(() => void child.kill('SIGKILL'));
  const exited = new Promise<void>((r) => child.once('exit', () => {
    unregister();
    r();
  }));
  const endpoint = `http://127.0.0.1:${plainPort}`;
  const client = new KinesisClient({
    endpoint,
    region: EMULATOR_REGION,
    credentials: { accessKeyId: EMULATOR_ACCOUNT, secretAccessKey: 'local-emulator' },
    requestHandler: new NodeHttpHandler(),
  });
  const stop = async (): Promise<void> => {
    client.destroy();
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    log.end();
  };
  try {
    await waitUntil('kinesis-local to answer ListStreams', 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`kinesis-local exited with code ${child.exitCode}, see ${logFile}`);
      await client.send(new ListStreamsCommand({}));
      return true;
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, client, stop };
}

/** Creates a provisioned stream and waits until it is ACTIVE; returns its ARN. */
export async function createStream(client: KinesisClient, name: string, shards: number): Promise<string> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  return waitUntil(`stream ${name} to become ACTIVE`, 20_000, async () => {
    const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    const summary = s.StreamDescriptionSummary;
    return summary?.StreamStatus === 'ACTIVE' ? summary.StreamARN : undefined;
  });
}

/** Every record currently in the stream, from TRIM_HORIZON, as UTF-8 text. */
export async function readAll(client: KinesisClient, streamArn: string): Promise<string[]> {
  const shards = (await client.send(new ListShardsCommand({ StreamARN: streamArn }))).Shards ?? [];
  const out: string[] = [];
  for (const shard of shards) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({ StreamARN: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ StreamARN: streamArn, ShardIterator: iterator }));
      const records = page.Records ?? [];
      for (const r of records) out.push(Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));
      // An open shard always returns a next iterator: an empty page means everything written so far was read.
      if (records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}
