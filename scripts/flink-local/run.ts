/**
 * `npm run flink:local -- --workload taxi [--rate 100] [--duration 60] [--window 10] [--set key=value ...] [--opensearch]`
 * Starts kinesis-local, creates the streams, runs the Flink job from the shaded jar locally (REST API on
 * 127.0.0.1), feeds it the load generator's events and writes results under --out. Progress on stderr; a
 * summary on stdout (JSON with --json). --opensearch also starts a local OpenSearch node on 127.0.0.1, has the job
 * index into it and reports the documents per index.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError } from '../../core/errors';
import { choiceFlag, numberFlag } from '../../core/validation';
import { Progress } from '../../core/progress';
import { StopSignals } from '../../core/stop-signals';
import { runCommand } from '../../calibration/cli/errors';
import { WORKLOAD_NAMES, type WorkloadName } from '../../simulator/workloads';
import { feed, type FeedCounts } from './feeder';
import { counter, millisBehindLatest } from '../../calibration/local/flink-rest';
import { assertJarBuilt } from '../../calibration/local/local-job';
import { committedLines, countByCategory } from './results';
import { withLocalPipeline } from './session';
import { freePort } from '../../calibration/local/free-port';
import { assertOpenSearchBuilt, documentCounts, openSearchProperties, startLocalOpenSearch, type LocalOpenSearch } from './opensearch-local';

interface RunArgs {
  workload: string;
  rate: number;
  duration: number;
  window: number;
  parallelism: number;
  shards: number;
  out?: string;
  set: string[];
  json: boolean;
  opensearch: boolean;
}

// The same numeric flag rules and messages as every kpufit command (core/validation.ts).
const positiveInt = (flag: string, value: number, max: number, allowZero = false) => numberFlag(flag, value, { integer: true, min: allowZero ? 0 : 1, max });

function jobOverrides(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`--set: expected key=value for a Job property, got '${pair}'`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

async function run(args: RunArgs): Promise<void> {
  const workload: WorkloadName = choiceFlag('workload', args.workload, WORKLOAD_NAMES);
  const rate = positiveInt('rate', args.rate, 5000);
  const duration = positiveInt('duration', args.duration, 86_400, true);
  const window = positiveInt('window', args.window, 3600);
  const parallelism = positiveInt('parallelism', args.parallelism, 16);
  const shards = positiveInt('shards', args.shards, 16);
  const overrides = jobOverrides(args.set);
  try {
    assertJarBuilt();
    if (args.opensearch) assertOpenSearchBuilt();
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const outDir = resolve(args.out ?? resolve(__dirname, '..', '..', 'flink-app', 'target', 'local', workload));
  // One progress format for every long command (core/progress.ts), and the one stop path for INT/TERM/HUP.
  const progress = new Progress('flink:local', { total: duration || undefined });
  const log = (m: string): void => progress.log(`flink:local ${m}`);
  const stop = new StopSignals({ stopping: 'stopping the feed and the local pipeline', skipping: 'stopping the local Flink job and kinesis-local', log });
  const started = Date.now();

  let openSearch: LocalOpenSearch | undefined;
  if (args.opensearch) {
    mkdirSync(outDir, { recursive: true });
    log('starting a local OpenSearch node on 127.0.0.1');
    openSearch = await startLocalOpenSearch(await freePort(), outDir);
    log(`OpenSearch ready at ${openSearch.endpoint}`);
  }
  try {
    await runPipeline(args, { workload, rate, duration, window, parallelism, shards, overrides, outDir, stop, log, progress, started, openSearch });
  } finally {
    await openSearch?.stop();
  }
}

interface Resolved {
  workload: WorkloadName;
  rate: number;
  duration: number;
  window: number;
  parallelism: number;
  shards: number;
  overrides: Record<string, string>;
  outDir: string;
  stop: StopSignals;
  log: (m: string) => void;
  progress: Progress;
  /** Epoch ms the run started (progress shows seconds since). */
  started: number;
  openSearch?: LocalOpenSearch;
}

async function runPipeline(args: RunArgs, r: Resolved): Promise<void> {
  const { workload, rate, duration, window, parallelism, shards, overrides, outDir, stop, log, progress, started, openSearch } = r;
  const summary = await withLocalPipeline(
    {
      workload, outDir, windowSeconds: window, parallelism, shards, checkpointIntervalMs: 5000, jobProperties: overrides, log,
      extraGroups: openSearch ? openSearchProperties(openSearch.endpoint) : undefined,
    },
    async (s) => {
      log(`feeding ${rate} events/s ${duration === 0 ? 'until Ctrl-C' : `for ${duration} s`}; results in ${s.resultsDir}`);
      let last: FeedCounts = { events: 0, malformed: 0 };
      const ticker = setInterval(() => {
        void millisBehindLatest(s.restUrl, s.jid).then((lag) => {
          const lines = countByCategory(committedLines(s.resultsDir));
          progress.update((Date.now() - started) / 1000, `fed ${last.events} events (+${last.malformed} malformed), millisBehindLatest ${lag ?? 'n/a'} ms, ` +
            `committed ${JSON.stringify(lines)}`);
        }).catch(() => undefined);
      }, 5000);
      try {
        const fed = await feed({
          client: s.client, streamArn: s.inputArn, workload, ratePerSecond: rate,
          durationMs: duration === 0 ? Number.MAX_SAFE_INTEGER : duration * 1000,
          malformedEvery: 100, signal: stop.signal, onBatch: (c) => (last = c),
        });
        // Let the last full windows fire and one more checkpoint commit them.
        await new Promise((r) => setTimeout(r, (window + 2) * 1000 + 6000));
        return {
          workload,
          fed,
          jobStartupSeconds: s.jobStartupMs / 1000,
          millisBehindLatest: await millisBehindLatest(s.restUrl, s.jid),
          malformedRecords: await counter(s.restUrl, s.jid, 'malformedRecords'),
          lateRecords: await counter(s.restUrl, s.jid, 'lateRecords'),
          resultLines: countByCategory(committedLines(s.resultsDir)),
          errorLines: countByCategory(committedLines(s.errorsDir)),
          outDir,
          ...(openSearch ? { openSearch: { endpoint: openSearch.endpoint, documents: await documentCounts(openSearch.endpoint) } } : {}),
        };
      } finally {
        clearInterval(ticker);
      }
    },
  );
  if (args.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  } else {
    process.stdout.write(
      `${summary.workload}: fed ${summary.fed.events} events + ${summary.fed.malformed} malformed; ` +
        `committed ${JSON.stringify(summary.resultLines)}; errors ${JSON.stringify(summary.errorLines)}; ` +
        `late ${summary.lateRecords}; millisBehindLatest ${summary.millisBehindLatest} ms; output in ${summary.outDir}` +
        `${summary.openSearch ? `; OpenSearch documents ${JSON.stringify(summary.openSearch.documents)}` : ''}\n`,
    );
  }
}

void yargs(hideBin(process.argv))
  .scriptName('flink:local')
  .command<RunArgs>(
    '$0',
    'run the Flink job locally against kinesis-local, fed by the load generator',
    (y) =>
      y
        .option('workload', { type: 'string', demandOption: true, describe: WORKLOAD_NAMES.join(' | ') })
        .option('rate', { type: 'number', default: 100, describe: 'events per second' })
        .option('duration', { type: 'number', default: 60, describe: 'seconds of feeding (0: until Ctrl-C)' })
        .option('window', { type: 'number', default: 10, describe: 'window.size.seconds' })
        .option('parallelism', { type: 'number', default: 2 })
        .option('shards', { type: 'number', default: 2, describe: 'shards of the input stream' })
        .option('out', { type: 'string', describe: 'output folder (default flink-app/target/local/<workload>)' })
        .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Job property key=value' })
        .option('json', { type: 'boolean', default: false, describe: 'summary as JSON on stdout' })
        .option('opensearch', { type: 'boolean', default: false, describe: 'also index into a local OpenSearch node on 127.0.0.1' }),
    runCommand(run),
  )
  .strict()
  .fail((message, error) => {
    process.stderr.write(`flink:local: error: ${error ? error.message : message}\n`);
    process.exit(2);
  })
  .parseAsync();
