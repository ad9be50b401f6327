/**
 * `kpufit` as users run it: bin/kpufit.js (the built CLI, see jest's global setup) in its own process,
 * so that signals sent with process.kill reach exactly what a terminal, CI runner or `kill` would reach.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Kpufit {
  child: ChildProcess;
  /** Resolves when stderr has a line matching `pattern` (rejects if the process ends first). */
  stderrLine(pattern: RegExp): Promise<string>;
  exited: Promise<Exit>;
  stderr(): string;
}

export function spawnKpufit(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Kpufit {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'kpufit.js'), ...args], {
    cwd: options.cwd ?? ROOT, env: { ...process.env, CI: 'true', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve(line: string): void; reject(e: Error): void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      const line = stderr.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => {
    stderr += String(d);
    check();
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`kpufit ended (code ${code}, signal ${signal}) before printing ${w.pattern}:\n${stderr}`));
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    exited,
    stderr: () => stderr,
    stderrLine: (pattern) => new Promise((resolve, reject) => {
      waiters.push({ pattern, resolve, reject });
      check();
    }),
  };
}

/** Runs `task` over `items` with at most `limit` at a time (a 2-core CI box runs 20 CLIs in waves). */
export async function inWaves<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  }));
  return results;
}
