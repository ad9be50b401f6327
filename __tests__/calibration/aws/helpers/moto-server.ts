/**
 * moto's server (PyPI) as a local CloudWatch for integration tests: installed by scripts/ensure-venv.sh
 * into .venv-moto (apart from checkov's .venv: checkov holds botocore at a version without CloudWatch's
 * JSON protocol, which @aws-sdk/client-cloudwatch speaks), started on a free loopback port, stopped by the
 * test that started it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from '../../../simulator/helpers/kinesis-local';

export const MOTO_PIN = 'moto[server]==5.2.5';
const REPO = resolve(__dirname, '..', '..', '..', '..');
const VENV = '.venv-moto';

/** Installs moto if needed; returns why it is unavailable, or undefined when it is ready. */
export function ensureMoto(): string | undefined {
  const run = spawnSync('bash', [join(REPO, 'scripts', 'ensure-venv.sh'), MOTO_PIN], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, KPUFIT_VENV: VENV } });
  if (run.status === 0) return undefined;
  return run.status === 3 ? `python3 with venv is not available (${run.stderr.trim()})` : `installing ${MOTO_PIN} failed: ${run.stderr.trim() || run.error?.message}`;
}

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(join(REPO, VENV, 'bin', 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) return { endpoint, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not start on ${endpoint}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
