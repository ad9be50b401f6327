/**
 * `npm run flink:local -- --workload taxi [--rate 100] [--duration 60] [--window 10] [--set key=value ...]`
 * Starts kinesis-local, creates the streams, runs the Flink job from the shaded jar locally (REST API on
 * 127.0.0.1), feeds it the load generator's events and writes results under --out. Progress on stderr; a
 * summary on stdout (JSON with --json).
 */
import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError } from '../../core/errors';
import { runCommand } from '../../calibration/cli/errors';
import { WORKLOAD_NAMES, type WorkloadName } from '../../simulator/workloads';
import { feed, type FeedCounts } from './feeder';
import { counter, millisBehindLatest } from '../../calibration/local/flink-rest';
import { assertJarBuilt } from '../../calibration/local/local-job';
import { committedLines, countByCategory } from './results';
import { withLocalPipeline } from './session';

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
}

function positiveInt(flag: string, value: number, max: number, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > max) {
    throw new InputError(`--${flag}: must be an integer from ${allowZero ? 0 : 1} to ${max}, got ${value}`);
  }
  return value;
}

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
  if (!(WORKLOAD_NAMES as readonly string[]).includes(args.workload)) {
    throw new InputError(`--workload: must be one of ${WORKLOAD_NAMES.join(', ')}, got '${args.workload}'`);
  }
  const workload = args.workload as WorkloadName;
  const rate = positiveInt('rate', args.rate, 5000);
  const duration = positiveInt('duration', args.duration, 86_400, true);
  const window = positiveInt('window', args.window, 3600);
  const parallelism = positiveInt('parallelism', args.parallelism, 16);
  const shards = positiveInt('shards', args.shards, 16);
  const overrides = jobOverrides(args.set);
  try {
    assertJarBuilt();
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const outDir = resolve(args.out ?? resolve(__dirname, '..', '..', 'flink-app', 'target', 'local', workload));
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const log = (m: string): void => void process.stderr.write(`flink:local ${m}\n`);

  const summary = await withLocalPipeline(
    { workload, outDir, windowSeconds: window, parallelism, shards, checkpointIntervalMs: 5000, jobProperties: overrides, log },
    async (s) => {
      log(`feeding ${rate} events/s ${duration === 0 ? 'until Ctrl-C' : `for ${duration} s`}; results in ${s.resultsDir}`);
      let last: FeedCounts = { events: 0, malformed: 0 };
      const ticker = setInterval(() => {
        void millisBehindLatest(s.restUrl, s.jid).then((lag) => {
          const lines = countByCategory(committedLines(s.resultsDir));
          log(`fed ${last.events} events (+${last.malformed} malformed), millisBehindLatest ${lag ?? 'n/a'} ms, ` +
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
        `late ${summary.lateRecords}; millisBehindLatest ${summary.millisBehindLatest} ms; output in ${summary.outDir}\n`,
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
        .option('json', { type: 'boolean', default: false, describe: 'summary as JSON on stdout' }),
    runCommand(run),
  )
  .strict()
  .fail((message, error) => {
    process.stderr.write(`flink:local: error: ${error ? error.message : message}\n`);
    process.exit(2);
  })
  .parseAsync();
