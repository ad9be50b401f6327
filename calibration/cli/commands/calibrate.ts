/**
 * `kpufit calibrate`: find the cheapest Parallelism / ParallelismPerKPU that keeps up (docs/calibration.md).
 *   --target twin --scenario FILE [--out DIR] [--json]      on the in-process twin (no AWS account)
 *   --target aws --app NAME --stream NAME --rate N ...      on a live Managed Flink application
 *   --target local [--workload W --rate N --set k=v ...]    on the real job in a local Flink, KPUs emulated
 * Progress goes to stderr; stdout carries either the JSON report (--json) or a short summary.
 */
import type { Argv, CommandModule } from 'yargs';
import { loadScenario } from '../../../simulator/twin';
import { runAwsCalibration, type AwsCalibrationArgs } from '../../aws/run';
import { CalibrationAbortedError } from '../../calibrate';
import { REPORT_FILES, writeReportFiles } from '../../report';
import type { TrialObservation } from '../../algorithm/observation';
import { modelJsonFor } from '../../autoscaler/model-file';
import { calibrationProgressLine } from '../progress-line';
import { summary } from '../../report/summary';
import type { CalibrationReport } from '../../report-types';
import { calibrateOnTwin } from '../../twin-calibration';
import { runCommand } from '../errors';
import { InputError, InterruptedError } from '../../../core/errors';
import { checkOutputDirectory } from '../../../core/output-location';
import { Progress } from '../../../core/progress';
import { StopSignals } from '../../../core/stop-signals';
import { runLocalCalibrate, LOCAL_ONLY, localOptions, type LocalCliArgs } from './local';

export const CALIBRATION_TARGETS = ['twin', 'aws', 'local'] as const;

export interface CalibrateArgs extends AwsCalibrationArgs, Omit<LocalCliArgs, keyof AwsCalibrationArgs> {
  target: (typeof CALIBRATION_TARGETS)[number];
  scenario?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

/** Flags that only mean something against a live account. */
const AWS_ONLY = ['app', 'stream', 'rate', 'record-bytes', 'region', 'endpoint-url', 'slo-lag-ms', 'catch-up-s', 'target-utilization',
  'max-kpu', 'max-cost-usd', 'dry-run', 'keep', 'resume', 'force-resume', 'from-outputs', 'workload', 'seed', 'sole-consumer'] as const;

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Flags the local target shares with AWS; the rest of AWS_ONLY needs a live account. */
const LOCAL_SHARED: readonly string[] = ['rate', 'workload', 'slo-lag-ms', 'catch-up-s', 'target-utilization', 'max-kpu'];

/** Cross-flag rules yargs cannot express: one line naming the flag, as every kpufit error. */
export function checkCalibrateArgs(args: CalibrateArgs): void {
  const has = (f: string) => (args as unknown as Record<string, unknown>)[camel(f)] !== undefined;
  if (args.target !== 'local') {
    const local = LOCAL_ONLY.filter(has);
    if (local.length > 0) throw new InputError(`--${local[0]}: only with --target local`);
  }
  if (args.target === 'local') {
    if (args.scenario !== undefined) throw new InputError('--scenario: only with --target twin (locally give --workload, --rate and --set)');
    const aws = AWS_ONLY.filter((f) => !LOCAL_SHARED.includes(f) && has(f));
    if (aws.length > 0) throw new InputError(`--${aws[0]}: only with --target aws`);
  } else if (args.target === 'twin') {
    if (!args.scenario) throw new InputError('--scenario: required with --target twin (a scenario file, e.g. scenarios/taxi-io-bound.json)');
    const given = AWS_ONLY.filter((f) => (args as unknown as Record<string, unknown>)[camel(f)] !== undefined);
    if (given.length > 0) throw new InputError(`--${given[0]}: only with --target aws (the twin takes everything from --scenario)`);
  } else if (args.scenario !== undefined) {
    throw new InputError('--scenario: only with --target twin (on AWS give --app, --stream and --rate, or --from-outputs)');
  }
  if (args.forceResume && !args.resume) throw new InputError('--force-resume: only with --resume FILE');
}

/**
 * The twin run: calibrate, compare with built-in autoscaling, write DIR, print JSON or a summary.
 * A signal stops it like a run on AWS: the twin's original configuration is restored, the aborted report
 * is written and printed, and the error names the signal (exit 130 / 143 / 129).
 */
export async function runTwinCalibrate(
  args: Pick<CalibrateArgs, 'scenario' | 'out' | 'json' | 'force'>,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
  signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>,
): Promise<{ report: CalibrationReport; files: string[] }> {
  const scenario = loadScenario(args.scenario!);
  if (args.out) checkOutputDirectory(args.out, REPORT_FILES, { flag: '--out', force: args.force });
  const progress = new Progress(`calibrate ${scenario.name}`, { stream: err });
  let comparing = false;
  const stops = new StopSignals({
    source: signals,
    stopping: () => (comparing
      ? 'stopping the built-in autoscaling comparison and writing the calibration report without it'
      : 'stopping the calibration and writing the aborted report'),
    skipping: 'writing the report',
    log: (line) => progress.log(line),
  });
  let report: CalibrationReport;
  // The trials' evidence, for model.json (the autoscaler's starting model).
  let observations: TrialObservation[] = [];
  try {
    report = await calibrateOnTwin(scenario, {
      scenarioPath: args.scenario,
      hooks: {
        signal: stops.signal,
        onProgress: (e) => {
          // Always shown: the comparison can take a while, and a signal during it stops only the comparison.
          if (e.phase === 'autoscaling-comparison') {
            comparing = true;
            return progress.log(`built-in autoscaling: ${e.message}`);
          }
          progress.update(e.trial ?? 0, calibrationProgressLine(e));
        },
        onTrial: async (t, state) => {
          observations = state.observations;
          progress.log(`trial ${state.trials.length}: P=${t.parallelism} K=${t.parallelismPerKpu} (${t.kpus} KPU) ${t.verdict}: ${t.reason}`);
          // The twin runs in simulated time without waiting on anything: let a pending signal in between trials.
          await new Promise((resolve) => setImmediate(resolve));
        },
      },
    });
  } catch (e) {
    stops.dispose();
    if (e instanceof CalibrationAbortedError) throw new Error(e.message);
    throw e;
  }
  progress.done();
  try {
    const modelJson = modelJsonFor(observations);
    const files = args.out ? await writeReportFiles(args.out, report, { modelJson }) : [];
    if (args.json) out.write(`${JSON.stringify(report, null, 2)}\n`);
    else out.write(`${summary(report, args.out).join('\n')}\n`);
    if (stops.received) {
      const what = report.verdict === 'aborted'
        ? 'calibration aborted'
        : report.builtInAutoscaling === undefined
          ? 'calibration finished; the built-in autoscaling comparison was stopped and left out of the report'
          : 'calibration finished before the signal took effect';
      throw new InterruptedError(`${what}: interrupted by ${stops.received}${args.out ? `; the ${report.verdict === 'aborted' ? 'aborted' : 'complete'} report is in ${args.out}` : ''}`, stops.received);
    }
    return { report, files };
  } finally {
    stops.dispose();
  }
}

export const calibrateCommand: CommandModule<object, CalibrateArgs> = {
  command: 'calibrate',
  describe: 'Find the cheapest Parallelism / ParallelismPerKPU that keeps up with the load (twin or AWS)',
  builder: (y: Argv) =>
    y
      .option('target', { choices: CALIBRATION_TARGETS, demandOption: true, describe: 'twin: the in-process digital twin; aws: a live application; local: the real job in a local Flink' })
      .option('scenario', { type: 'string', requiresArg: true, describe: '[twin] scenario file (JSON, see scenarios/)' })
      .option('out', { type: 'string', requiresArg: true, describe: 'write report.json, report.md, report.html and trials.csv here (checked before the run)' })
      .option('force', { type: 'boolean', describe: 'overwrite report files already in --out' })
      .option('json', { type: 'boolean', describe: 'print the report JSON on stdout (progress stays on stderr)' })
      .option('app', { type: 'string', requiresArg: true, describe: '[aws] Managed Flink application name' })
      .option('stream', { type: 'string', requiresArg: true, describe: '[aws] Kinesis stream name' })
      .option('rate', { type: 'number', requiresArg: true, describe: '[aws, local] peak records/s to size for (local default 300)' })
      .option('record-bytes', { type: 'number', requiresArg: true, describe: '[aws] bytes per record (default: the workload\'s)' })
      .option('region', { type: 'string', requiresArg: true, describe: '[aws] AWS region' })
      .option('endpoint-url', { type: 'string', requiresArg: true, describe: '[aws] endpoint override (emulators)' })
      .option('slo-lag-ms', { type: 'number', requiresArg: true, describe: '[aws, local] SLO: max millisBehindLatest (default 60000; local: wall ms, default 10000)' })
      .option('catch-up-s', { type: 'number', requiresArg: true, describe: '[aws, local] SLO: seconds to catch up after an update (default 600; local: wall s, default 100)' })
      .option('target-utilization', { type: 'number', requiresArg: true, describe: '[aws, local] SLO: peak / capacity at most (default 0.8)' })
      .option('max-kpu', { type: 'number', requiresArg: true, describe: '[aws, local] never configure more KPUs than this (default 64; local 4)' })
      .option('max-cost-usd', { type: 'number', requiresArg: true, describe: '[aws] stop (and restore) before calibration spends more' })
      .option('dry-run', { type: 'boolean', describe: '[aws] print the planned calls without making them' })
      .option('keep', { type: 'boolean', describe: '[aws] keep the last configuration instead of restoring the original' })
      .option('resume', { type: 'string', requiresArg: true, describe: '[aws] continue from DIR/state.json of an interrupted run' })
      .option('force-resume', { type: 'boolean', describe: '[aws] resume even though --app, --stream, --rate, --record-bytes or the SLO differ from the state file' })
      .option('from-outputs', { type: 'string', requiresArg: true, describe: '[aws] read --app/--stream from the deployed stack\'s outputs (JSON)' })
      .option('workload', { type: 'string', requiresArg: true, describe: '[aws, local] records to send: taxi, iot or clickstream (local default iot)' })
      .option('seed', { type: 'number', requiresArg: true, describe: '[aws] workload seed' })
      .option('sole-consumer', {
        type: 'boolean',
        describe: '[aws] assert that no other consumer reads --stream: if the application has no millisBehindLatest series, '
          + 'its lag is read from the stream\'s GetRecords.IteratorAgeMilliseconds (which covers every consumer)',
      })
      .options(localOptions('[local] '))
      .example('$0 calibrate --target twin --scenario scenarios/taxi-io-bound.json --out reports/taxi', 'right-size on the twin')
      .example('$0 calibrate --target local --set cost.io.mode=BLOCKING --set cost.io.wait.millis=5 --rate 300', 'right-size the real job on this machine')
      .example('$0 calibrate --target aws --app taxi-analytics --stream taxi-trips --rate 6000 --dry-run', 'plan a live calibration') as unknown as Argv<CalibrateArgs>,
  handler: runCommand(async (args: CalibrateArgs) => {
    checkCalibrateArgs(args);
    if (args.target === 'twin') await runTwinCalibrate(args);
    else if (args.target === 'local') await runLocalCalibrate(args);
    else await runAwsCalibration(args);
  }),
};
