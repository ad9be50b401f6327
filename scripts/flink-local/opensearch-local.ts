/**
 * `--opensearch` for the local run: a real single-node OpenSearch on 127.0.0.1 (flink-app's embedded test node,
 * started from the test classes), the job's `OpenSearch` property group for it, and the per-index document counts
 * afterwards. The node stops when stop() is called (by PID) or when this process exits (its stdin closes).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { jdk17Opens, type PropertyGroups } from '../../calibration/local/local-job';

const TARGET = resolve(__dirname, '..', '..', 'flink-app', 'target');
const CLASSPATH = join(TARGET, 'local-opensearch-classpath.txt');
const MAIN_CLASS = 'dev.kpufit.flink.opensearch.LocalOpenSearchNode';
export const LOCAL_INDEX_PREFIX = 'kpufit';

export interface LocalOpenSearch {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export function assertOpenSearchBuilt(): void {
  if (!existsSync(CLASSPATH) || !existsSync(join(TARGET, 'test-classes'))) {
    throw new Error(`${CLASSPATH} or flink-app/target/test-classes is missing: run \`npm run build:flink\` first`);
  }
}

export async function startLocalOpenSearch(port: number, workDir: string, timeoutMs = 120_000): Promise<LocalOpenSearch> {
  assertOpenSearchBuilt();
  const classpath = [join(TARGET, 'test-classes'), ...readFileSync(CLASSPATH, 'utf8').trim().split(delimiter)].join(delimiter);
  const log = createWriteStream(join(workDir, 'opensearch.log'));
  const child = spawn('java', [...jdk17Opens(), '-Xmx512m', '-cp', classpath, MAIN_CLASS, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const endpoint = await new Promise<string>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`OpenSearch did not start within ${timeoutMs / 1000} s (see ${join(workDir, 'opensearch.log')})`)), timeoutMs);
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffered += chunk.toString('utf8');
      const ready = /opensearch ready (\S+)/.exec(buffered);
      if (ready) {
        clearTimeout(timer);
        resolveReady(ready[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`OpenSearch exited with ${code} before it was ready (see ${join(workDir, 'opensearch.log')})`));
    });
  });
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 15_000))]);
        if (!done) process.kill(child.pid, 'SIGKILL');
      }
      log.end();
    },
  };
}

/** The job's OpenSearch group for a local node without security. */
export function openSearchProperties(endpoint: string): PropertyGroups {
  return { OpenSearch: { endpoint, auth: 'none', 'index.prefix': LOCAL_INDEX_PREFIX, 'bulk.flush.interval.ms': '1000' } };
}

/** Documents per index of the job's indices, after a refresh. */
export async function documentCounts(endpoint: string): Promise<Record<string, number>> {
  await fetch(`${endpoint}/${LOCAL_INDEX_PREFIX}-*/_refresh`, { method: 'POST' });
  const response = await fetch(`${endpoint}/_cat/indices/${LOCAL_INDEX_PREFIX}-*?format=json&h=index,docs.count`);
  const rows = (await response.json()) as Array<{ index: string; 'docs.count': string }>;
  return Object.fromEntries(rows.map((r) => [r.index, Number(r['docs.count'])]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}
