/**
 * kinesis-local (kinesis-mock from npm) for integration tests: started from its own folder on free
 * loopback ports, waited for, and stopped by the test that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '../../../simulator/kinesis-client';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface KinesisLocal {
  endpoint: string;
  client: KinesisClient;
  stop(): Promise<void>;
}

export async function startKinesisLocal(): Promise<KinesisLocal> {
  const [plain, tls] = [await freePort(), await freePort()];
  const dir = dirname(require.resolve('kinesis-local/package.json'));
  const child: ChildProcess = spawn(process.execPath, ['main.js'], {
    cwd: dir,
    env: { ...process.env, KINESIS_MOCK_PLAIN_PORT: String(plain), KINESIS_MOCK_TLS_PORT: String(tls), LOG_LEVEL: 'ERROR', CREATE_STREAM_DURATION: '100ms' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const endpoint = `http://127.0.0.1:${plain}`;
  const client = createKinesisClient({ region: 'us-east-1', endpointUrl: endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const stop = async () => {
    client.destroy();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new ListStreamsCommand({}));
      return { endpoint, client, stop };
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`kinesis-local did not start: ${(err as Error).message}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
