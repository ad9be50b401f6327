/**
 * `kpufit load`: drives realistic traffic (taxi, iot, clickstream) into Kinesis, the twin, stdout, a file
 * or nowhere, at a rate, along a profile, or replayed from a file at a speedup. Progress on stderr; with
 * --json the final stats alone on stdout.
 */
import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { endpointUrlProblem } from '../../../simulator/kinesis-client';
import { LoadRun, MAX_RECORDS_PER_SECOND, type LoadProgress, type LoadResult, type Pacing } from '../../../simulator/load-run';
import { openTarget, TARGET_NAMES, TargetError, type Target, type TargetName } from '../../../simulator/load-targets';
import type { RateProfile } from '../../../core/rate-profile';
import { rateProfileSchema } from '../../../core/rate-profile-schema';
import { GeneratedRecords, PARTITION_KEY_MODES, type PartitionKeyMode } from '../../../simulator/records';
import { checkReplayFile, readReplay, ReplayFileError } from '../../../simulator/replay';
import { naturalDurationSeconds } from '../../../simulator/schedule';
import { ENTITY_FIELDS, EVENT_TIME_FIELDS } from '../../../simulator/event-schemas';
import { choiceFlag, decodeUtf8, numberFlag, optionalNumberFlag, parseOrThrow, rejectFlags, ValidationError } from '../../../core/validation';
import { peakRate } from '../../../core/rate-profile';
import { checkOutputFile } from '../../../core/output-location';
import { StopSignals } from '../../../core/stop-signals';
import { isWorkloadName, WORKLOAD_NAMES, type WorkloadName } from '../../../simulator/workloads';
import { exitCodeFor, runCommand } from '../errors';
import { InputError, InterruptedError } from '../../../core/errors';
import { Progress } from '../../../core/progress';

export interface LoadArgs {
  target: string;
  workload: string;
  rate?: number;
  profile?: string;
  replay?: string;
  speedup?: number;
  'timestamp-field'?: string;
  duration?: number;
  stream?: string;
  'endpoint-url'?: string;
  region?: string;
  scenario?: string;
  out?: string;
  seed: number;
  'partition-key': string;
  'hot-key-share': number;
  'malformed-rate': number;
  'anomaly-share'?: number;
  concurrency?: number;
  'max-retries'?: number;
  'dead-letter'?: string;
  force?: boolean;
  json: boolean;
  quiet?: boolean;
}

/** Where Kinesis-bound records that were never accepted go when --dead-letter is not given. */
export const DEFAULT_DEAD_LETTER_FILE = 'kpufit-load-dead-letters.jsonl';

/** The final stats object of --json (the fixed fields first, then extras). */
export interface LoadStatsJson {
  sent: number;
  acknowledged: number;
  failed: number;
  throttledRetries: number;
  durationSeconds: number;
  recordsPerSecond: number;
  bytesPerSecond: number;
  p50PutMs: number;
  p99PutMs: number;
  maxReplayLagMs: number;
  inFlightAtAbort: number;
  retries: number;
  putCalls: number;
  aborted: boolean;
  target: TargetName;
  workload: WorkloadName;
  deadLetterFile?: string;
  /** Records the rate or profile scheduled for the run's wall-clock duration (null for --replay). */
  planned: number | null;
  /** Scheduled records the producer could not be given on time: the run stops at --duration instead. */
  scheduleShortfall: number | null;
  /** The signal that stopped the run, if one did. */
  stoppedBy?: string;
  /** Of `failed`: records over 1 MiB, rejected without a retry. */
  rejectedTooLarge: number;
}

const oneOf = (values: readonly string[]) => values.join(', ');

const fraction = (flag: string, value: number | undefined) => optionalNumberFlag(flag, value, { min: 0, max: 1 });
const positive = (flag: string, value: number | undefined) => optionalNumberFlag(flag, value, { above: 0 });
const integer = (flag: string, value: number, min: number, max: number) => numberFlag(flag, value, { integer: true, min, max });

/** The flags each target uses beyond the common ones; any other target-specific flag given is an error. */
const TARGET_FLAGS: Record<TargetName, readonly string[]> = {
  kinesis: ['stream', 'endpoint-url', 'region', 'concurrency', 'max-retries', 'dead-letter'],
  twin: ['scenario', 'stream', 'concurrency', 'max-retries', 'dead-letter'],
  null: ['concurrency', 'max-retries'],
  stdout: [],
  file: ['out', 'force'],
};
const TARGET_SPECIFIC = ['stream', 'endpoint-url', 'region', 'scenario', 'out', 'force', 'concurrency', 'max-retries', 'dead-letter'] as const;

function readProfile(path: string): RateProfile {
  let text: string;
  try {
    text = decodeUtf8(readFileSync(path), `--profile ${path}`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`--profile: cannot read "${path}": ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`--profile: "${path}" is not valid JSON: ${(err as Error).message}`);
  }
  return parseOrThrow(rateProfileSchema, json, `--profile ${path}`);
}

interface Plan {
  target: TargetName;
  workload: WorkloadName;
  pacing: Pacing;
  durationSeconds?: number;
  describe: string;
}

/** Checks every flag before anything is opened or sent; the first problem is one line naming the flag. */
async function plan(args: LoadArgs): Promise<Plan> {
  if (!(TARGET_NAMES as readonly string[]).includes(args.target)) throw new InputError(`--target: unknown target "${args.target}"; allowed: ${oneOf(TARGET_NAMES)}`);
  const target = args.target as TargetName;
  if (!isWorkloadName(args.workload)) throw new InputError(`--workload: unknown workload "${args.workload}"; allowed: ${oneOf(WORKLOAD_NAMES)}`);
  const workload = args.workload;
  const modes = (['rate', 'profile', 'replay'] as const).filter((m) => args[m] !== undefined);
  if (modes.length !== 1) {
    throw new InputError(`--rate, --profile, --replay: give exactly one${modes.length ? ` (got ${modes.map((m) => `--${m}`).join(' and ')})` : ''}`);
  }
  const partitionKey: PartitionKeyMode = choiceFlag('partition-key', args['partition-key'], PARTITION_KEY_MODES);
  for (const flag of TARGET_SPECIFIC.filter((f) => !TARGET_FLAGS[target].includes(f))) {
    const where = TARGET_NAMES.filter((t) => TARGET_FLAGS[t].includes(flag));
    rejectFlags({ [flag]: args[flag] }, `--target ${where.join(' or ')}, not --target ${target}`);
  }
  if (workload !== 'iot') rejectFlags({ 'anomaly-share': args['anomaly-share'] }, '--workload iot');
  const durationSeconds = positive('duration', args.duration);
  const seed = integer('seed', args.seed, 0, 4294967295);
  const hotKeyShare = fraction('hot-key-share', args['hot-key-share']) ?? 0;
  const malformedRate = fraction('malformed-rate', args['malformed-rate']) ?? 0;
  const anomalyShare = fraction('anomaly-share', args['anomaly-share']);
  integer('concurrency', args.concurrency ?? 8, 1, 256);
  integer('max-retries', args['max-retries'] ?? 8, 0, 100);
  if (args['endpoint-url'] !== undefined) {
    const problem = endpointUrlProblem(args['endpoint-url']);
    if (problem) throw new InputError(`--endpoint-url: ${problem}`);
  }
  if (target === 'kinesis' && !args.stream) throw new InputError('--stream: required with --target kinesis: name the stream to write to');
  if (target === 'file' && !args.out) throw new InputError('--out: required with --target file: the JSON-lines file to write');
  // Where records will be written is checked now, not after the run: an existing file is never replaced
  // without --force, and /proc, /sys or /dev are not storage.
  if (target === 'file') checkOutputFile(args.out!, { flag: '--out', force: args.force });
  if (target === 'kinesis' || target === 'twin') checkOutputFile(args['dead-letter'] ?? DEFAULT_DEAD_LETTER_FILE, { flag: '--dead-letter', append: true });
  if (target === 'stdout' && args.json) throw new InputError('--json: cannot be combined with --target stdout, where the records go');
  if (args.scenario !== undefined && target !== 'twin') throw new InputError('--scenario: only applies to --target twin');
  if (args.replay === undefined && (args.speedup !== undefined || args['timestamp-field'] !== undefined)) {
    throw new InputError(`--${args.speedup !== undefined ? 'speedup' : 'timestamp-field'}: only applies to --replay`);
  }

  if (args.replay !== undefined) {
    const generatorOnly = (['hot-key-share', 'malformed-rate', 'anomaly-share'] as const).find((f) => (args[f] ?? 0) !== 0);
    if (generatorOnly) throw new InputError(`--${generatorOnly}: only applies to generated events, not to --replay (which sends the file's lines as they are)`);
    const speedup = positive('speedup', args.speedup) ?? 1;
    const timestampField = args['timestamp-field'] ?? EVENT_TIME_FIELDS[workload];
    try {
      await checkReplayFile(args.replay, timestampField);
    } catch (err) {
      if (err instanceof ReplayFileError) throw new InputError(`--replay: ${err.message}`);
      throw err;
    }
    const events = readReplay({ path: args.replay, timestampField, keyField: ENTITY_FIELDS[workload], partitionKey, seed });
    return { target, workload, pacing: { kind: 'replay', events, speedup }, durationSeconds, describe: `replay of ${args.replay} at ${speedup}x` };
  }

  let profile: RateProfile;
  if (args.rate !== undefined) {
    profile = { type: 'constant', recordsPerSecond: numberFlag('rate', args.rate, { above: 0, max: MAX_RECORDS_PER_SECOND, unit: 'records per second; one load process offers at most that, run several for more' }) };
  } else {
    profile = readProfile(args.profile!);
    if (peakRate(profile) > MAX_RECORDS_PER_SECOND) {
      throw new InputError(`--profile ${args.profile}: peaks at ${peakRate(profile)} records/s, over the ${MAX_RECORDS_PER_SECOND} one load process offers at most; run several for more`);
    }
  }
  const duration = durationSeconds ?? naturalDurationSeconds(profile);
  if (duration === undefined) {
    throw new InputError(`--duration: required with ${args.rate !== undefined ? '--rate' : `a ${profile.type} profile`} (seconds to run; ramp, spike and daily profiles end by themselves)`);
  }
  const source = new GeneratedRecords({ workload, seed, partitionKey, hotKeyShare, malformedRate, anomalyShare });
  const describe = args.rate !== undefined ? `${args.rate} records/s` : `${profile.type} profile ${args.profile}`;
  return { target, workload, pacing: { kind: 'profile', profile, source }, durationSeconds: duration, describe: `${describe} for ${duration} s` };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

function toJson(result: LoadResult, planned: Plan, target: Target): LoadStatsJson {
  const written = target.deadLetters?.written ?? 0;
  return {
    sent: result.sent,
    acknowledged: result.acknowledged,
    failed: result.failed,
    throttledRetries: result.throttledRetries,
    durationSeconds: round(result.durationSeconds, 3),
    recordsPerSecond: round(result.recordsPerSecond, 1),
    bytesPerSecond: round(result.bytesPerSecond, 1),
    p50PutMs: result.p50PutMs,
    p99PutMs: result.p99PutMs,
    maxReplayLagMs: result.maxReplayLagMs,
    inFlightAtAbort: result.inFlight,
    retries: result.retries,
    putCalls: result.putCalls,
    aborted: result.aborted,
    target: planned.target,
    workload: planned.workload,
    ...(written > 0 ? { deadLetterFile: target.deadLetters!.path } : {}),
    planned: result.planned,
    scheduleShortfall: result.scheduleShortfall,
    rejectedTooLarge: result.rejectedTooLarge ?? 0,
  };
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function statusLine(p: LoadProgress): string {
  const s = p.stats;
  return `${count(p.recordsPerSecond)} rec/s  sent ${count(s.sent)}  acked ${count(s.acknowledged)}  failed ${count(s.failed)}  ` +
    `throttled ${count(s.throttledRetries)}  lag ${count(p.lagMs)} ms`;
}

function summary(j: LoadStatsJson): string {
  return `load: sent ${count(j.sent)}, acknowledged ${count(j.acknowledged)}, failed ${count(j.failed)}` +
    `${j.aborted ? `, in flight at abort ${count(j.inFlightAtAbort)}` : ''}, throttled retries ${count(j.throttledRetries)} ` +
    `in ${j.durationSeconds.toFixed(1)} s (${count(j.recordsPerSecond)} rec/s, ${count(j.bytesPerSecond / 1024)} KiB/s); ` +
    `PutRecords p50 ${j.p50PutMs} ms, p99 ${j.p99PutMs} ms; max lag ${count(j.maxReplayLagMs)} ms` +
    `${j.planned !== null ? `; planned ${count(j.planned)}, not sent on schedule ${count(j.scheduleShortfall ?? 0)}` : ''}`;
}

export interface LoadIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  /** Where SIGINT, SIGTERM and SIGHUP come from (process in the CLI, an EventEmitter in tests). */
  signals: NodeJS.EventEmitter;
}

export async function runLoad(args: LoadArgs, io: LoadIo = { stdout: process.stdout, stderr: process.stderr, signals: process }): Promise<LoadStatsJson> {
  const planned = await plan(args);
  const controller = new AbortController();
  let target: Target;
  try {
    target = await openTarget({
      target: planned.target, stream: args.stream, region: args.region, endpointUrl: args['endpoint-url'], scenario: args.scenario,
      out: args.out, concurrency: args.concurrency ?? 8, maxRetries: args['max-retries'] ?? 8, seed: args.seed,
      deadLetterFile: args['dead-letter'] ?? DEFAULT_DEAD_LETTER_FILE, signal: controller.signal,
    });
  } catch (err) {
    if (err instanceof TargetError) throw new InputError(`${err.flag}: ${err.message}`);
    if (err instanceof ValidationError) throw new ValidationError(err.problems, `--scenario ${err.source ?? args.scenario}`);
    throw err;
  }

  const progress = new Progress(`load ${planned.workload}`, { total: planned.durationSeconds, stream: io.stderr, quiet: args.quiet });
  progress.log(`load: ${planned.workload} events, ${planned.describe}, to ${target.description}`);
  const run = new LoadRun({
    pacing: planned.pacing, producer: target.producer, clock: target.clock, durationSeconds: planned.durationSeconds,
    onProgress: (p) => progress.update(p.elapsedSeconds, statusLine(p)),
  });
  // SIGINT, SIGTERM and SIGHUP alike: stop sending, write the dead letters, print the stats.
  const stops = new StopSignals({
    source: io.signals, stopping: 'stopping the load; the stats follow', skipping: 'the stats and the dead-letter file', log: (line) => progress.log(line),
  });
  stops.signal.addEventListener('abort', () => {
    controller.abort();
    run.abort();
  }, { once: true });
  let result: LoadResult;
  try {
    result = await run.run();
  } finally {
    stops.dispose();
    target.close();
  }

  const json = { ...toJson(result, planned, target), ...(stops.received ? { stoppedBy: stops.received } : {}) };
  progress.done(summary(json));
  if (result.fatalError) {
    const e = result.fatalError;
    const where = planned.target === 'kinesis' ? '--stream' : planned.target === 'file' ? '--out' : '--target';
    throw new Error(`${where}: ${planned.target} refused the records: ${e.name}: ${e.message}` +
      `${json.deadLetterFile ? `; unsent records are in ${json.deadLetterFile}` : ''}`);
  }
  if (args.json) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  if (result.aborted) {
    // Stopped by a signal: the stats are out (stdout and stderr); the exit code says which signal.
    process.exitCode = exitCodeFor(new InterruptedError('load stopped', stops.received));
  } else if (json.failed > 0) {
    // Records over 1 MiB were never retried: say so instead of counting them among the retried ones.
    const retried = json.failed - json.rejectedTooLarge;
    const causes = [
      retried > 0 ? `${count(retried)} records failed after ${args['max-retries'] ?? 8} retries` : '',
      json.rejectedTooLarge > 0 ? `${count(json.rejectedTooLarge)} records were over Kinesis's 1 MiB limit and rejected without a retry` : '',
    ].filter(Boolean).join('; ');
    io.stderr.write(`kpufit: error: ${causes}${json.deadLetterFile ? `; they are in ${json.deadLetterFile}` : ''}\n`);
    process.exitCode = 1;
  }
  return json;
}

export const loadCommand: CommandModule<object, LoadArgs> = {
  command: 'load',
  describe: 'Drive realistic traffic at a rate, along a profile, or replayed from a file',
  builder: (y: Argv) =>
    y
      .option('target', { type: 'string', demandOption: true, describe: `Where records go: ${oneOf(TARGET_NAMES)}` })
      .option('workload', { type: 'string', demandOption: true, describe: `Event type: ${oneOf(WORKLOAD_NAMES)}` })
      .option('rate', { type: 'number', describe: `Constant records per second (> 0, at most ${MAX_RECORDS_PER_SECOND}); needs --duration` })
      .option('profile', { type: 'string', describe: 'Rate profile file (JSON: constant, ramp, steps, spike, daily)' })
      .option('replay', { type: 'string', describe: 'JSON-lines file to replay, paced by each event\'s own timestamp' })
      .option('speedup', { type: 'number', describe: 'Replay speedup (> 0). Default 1' })
      .option('timestamp-field', { type: 'string', describe: 'Replay: field with the event time (ISO-8601 or epoch ms). Default: the workload\'s event-time field' })
      .option('duration', { type: 'number', describe: 'Wall-clock seconds to run (records not sent on schedule by then are reported, not sent late). Required with --rate and constant/steps profiles; ramp, spike and daily profiles end by themselves; replay ends with the file' })
      .option('stream', { type: 'string', describe: 'Kinesis stream name (required with --target kinesis)' })
      .option('endpoint-url', { type: 'string', describe: 'Kinesis endpoint override (emulators, VPC endpoints)' })
      .option('region', { type: 'string', describe: 'AWS region (default: the standard chain)' })
      .option('scenario', { type: 'string', describe: 'Twin scenario file for --target twin (default: a 4-shard stream)' })
      .option('out', { type: 'string', describe: 'Output file for --target file (JSON lines; an existing file needs --force)' })
      .option('force', { type: 'boolean', describe: 'With --target file: replace an existing --out file' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed of the workload generator' })
      .option('partition-key', { type: 'string', default: 'entity', describe: `Partition keys: ${oneOf(PARTITION_KEY_MODES)}` })
      .option('hot-key-share', { type: 'number', default: 0, describe: 'Share of records on one hot key (0..1)' })
      .option('malformed-rate', { type: 'number', default: 0, describe: 'Share of deliberately malformed records (0..1)' })
      .option('anomaly-share', { type: 'number', describe: 'iot: share of readings above the alert threshold (0..1). Default 0.01' })
      .option('concurrency', { type: 'number', describe: 'kinesis, twin, null: PutRecords calls in flight (1..256). Default 8' })
      .option('max-retries', { type: 'number', describe: 'kinesis, twin, null: retries per record before it is dead-lettered (0..100). Default 8' })
      .option('dead-letter', { type: 'string', describe: `kinesis, twin: JSON-lines file for records Kinesis never accepted (created only when needed, appended to). Default ${DEFAULT_DEAD_LETTER_FILE}` })
      .option('json', { type: 'boolean', default: false, describe: 'Print the final stats as JSON on stdout' })
      .example('$0 load --target twin --workload taxi --rate 2000 --duration 60', '')
      .example('$0 load --target kinesis --stream taxi-trips --workload taxi --profile profiles/spike.json --json', '')
      .example('$0 load --target kinesis --stream taxi-trips --workload taxi --replay trips.jsonl --speedup 60', '') as unknown as Argv<LoadArgs>,
  handler: runCommand(async (args: LoadArgs) => {
    await runLoad(args);
  }),
};
