/**
 * The local target: `kpufit calibrate --target local` (wired in ./calibrate.ts) and `kpufit local sweep`,
 * the real job in a local Flink MiniCluster fed from kinesis-local, KPUs emulated (calibration/local/).
 * Progress on stderr; stdout carries the JSON (--json) or a summary.
 */
import type { Argv, CommandModule, Options } from 'yargs';
import { InputError, InterruptedError } from '../../../core/errors';
import { checkOutputDirectory } from '../../../core/output-location';
import { Progress } from '../../../core/progress';
import { StopSignals, type StopSignalsOptions } from '../../../core/stop-signals';
import { modelJsonFor } from '../../autoscaler/model-file';
import { calibrationProgressLine } from '../progress-line';
import type { TrialObservation } from '../../algorithm/observation';
import { REPORT_FILES, writeReportFiles } from '../../report';
import type { CalibrationReport } from '../../report-types';
import { summary } from '../../report/summary';
import { runLocalCalibration } from '../../local/calibrate-local';
import { resolveLocalSettings, type LocalArgs, JOB_PROPERTY_KEYS } from '../../local/settings';
import { runLocalSweep, type LocalSweep } from '../../local/sweep';
import { assertJarBuilt } from '../../local/local-job';
import { CalibrationAbortedError } from '../../calibrate';
import { runCommand } from '../errors';

export type LocalCliArgs = LocalArgs & {
  /** Overwrite report files already in --out. */
  force?: boolean;
};

/** Flags only the local target takes (the rest it shares with AWS: rate, workload, SLO, max-kpu). */
export const LOCAL_ONLY = ['set', 'kpu-cpu', 'kpu-heap-mb', 'period-seconds', 'shards', 'hot-key-share', 'max-parallelism'] as const;

export function localOptions(prefix = ''): Record<string, Options> {
  return {
    set: { type: 'string', array: true, requiresArg: true, describe: `${prefix}Job property key=value (${JOB_PROPERTY_KEYS.slice(0, 5).join(', ')}...); default cost.io.mode=BLOCKING cost.io.wait.millis=5` },
    'kpu-cpu': { type: 'number', requiresArg: true, describe: `${prefix}cores per emulated KPU, enforced by a cgroup CPU quota; 0: no CPU emulation (default 0.25)` },
    'kpu-heap-mb': { type: 'number', requiresArg: true, describe: `${prefix}heap per emulated KPU, MB (default 512)` },
    'period-seconds': { type: 'number', requiresArg: true, describe: `${prefix}wall seconds per calibrator minute (metric period; default 10)` },
    shards: { type: 'number', requiresArg: true, describe: `${prefix}shards of the kinesis-local input stream (default 8)` },
    'hot-key-share': { type: 'number', requiresArg: true, describe: `${prefix}share of records with one hot partition key (default 0)` },
    'max-parallelism': { type: 'number', requiresArg: true, describe: `${prefix}largest Parallelism to try (default 8)` },
  };
}

function jarOrInputError(): void {
  try {
    assertJarBuilt();
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

/**
 * `calibrate --target local`: report JSON (--json) or a summary on `out`; files under --out (checked before the
 * cluster starts). SIGINT, SIGTERM and SIGHUP take one path: the calibration stops, the cluster and the emulator
 * are stopped (runLocalCalibration's cleanup), the aborted report is written and the exit is by the signal.
 */
export async function runLocalCalibrate(
  args: LocalCliArgs,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
  signals?: StopSignalsOptions['source'],
): Promise<void> {
  const settings = resolveLocalSettings(args);
  if (settings.out) checkOutputDirectory(settings.out, REPORT_FILES, { flag: '--out', force: args.force });
  jarOrInputError();
  const progress = new Progress(`calibrate local ${settings.workload}`, { stream: err });
  const stops = new StopSignals({
    source: signals,
    stopping: 'stopping the calibration and the local cluster, then writing the aborted report',
    skipping: 'stopping the local cluster and writing the report',
    log: (line) => progress.log(line),
  });
  // The trials' evidence, for model.json (the autoscaler's starting model), as on the other targets.
  let observations: TrialObservation[] = [];
  let report: CalibrationReport;
  try {
    report = await runLocalCalibration(settings, {
      signal: stops.signal,
      log: (m) => progress.log(m),
      onProgress: (e) => progress.update(e.trial ?? 0, calibrationProgressLine(e)),
      onTrial: (t, state) => {
        observations = state.observations;
        progress.log(`trial ${state.trials.length}: P=${t.parallelism} K=${t.parallelismPerKpu} (${t.kpus} KPU) ${t.verdict}: ${t.reason}`);
      },
    });
  } catch (e) {
    if (!(e instanceof CalibrationAbortedError)) {
      stops.dispose();
      throw e;
    }
    if (!stops.received) {
      stops.dispose();
      throw new Error(e.message);
    }
    report = e.report;
  }
  progress.done();
  try {
    const modelJson = modelJsonFor(observations);
    if (settings.out) await writeReportFiles(settings.out, report, { modelJson });
    if (settings.json) out.write(`${JSON.stringify(report, null, 2)}\n`);
    else out.write(`${summary(report, settings.out).join('\n')}\nlocal: ${settings.periodSeconds} wall s per calibrator minute, ${report.local?.wallSeconds.toFixed(0) ?? '?'} wall s in all\n`);
    if (stops.received) {
      throw new InterruptedError(`calibration ${report.verdict === 'aborted' ? 'aborted' : 'finished before the signal took effect'}: interrupted by ${stops.received}${settings.out ? `; the report is in ${settings.out}` : ''}`, stops.received);
    }
  } finally {
    stops.dispose();
  }
}

/** The sweep as rows: P, k, KPUs, measured capacity, heap, feasibility; the right size marked `*`. */
export function localSweepTable(sweep: LocalSweep): string {
  const best = sweep.rightSize;
  const rows = sweep.configurations.map((c) => [
    best && best.parallelism === c.parallelism && best.parallelismPerKpu === c.parallelismPerKpu ? '*' : '',
    String(c.parallelism), String(c.parallelismPerKpu), String(c.kpus), c.capacityRecordsPerSecond.toFixed(1) + (c.measured.lowerBound ? '+' : ''),
    c.bottleneck, (100 * c.heapUtilization).toFixed(1), c.feasible ? 'yes' : `no: ${c.reasons.join('; ')}`,
  ]);
  const header = ['', 'P', 'K', 'KPUs', 'capacity rec/s', 'bound', 'heap %', 'feasible'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const lines = all.map((r) => r.map((cell, i) => (i === 7 ? cell : cell.padStart(widths[i]))).join('  ').trimEnd());
  const verdict = best
    ? `verdict: recommended: * P=${best.parallelism} K=${best.parallelismPerKpu} (${best.kpus} KPUs, ${best.capacityRecordsPerSecond.toFixed(1)} rec/s measured)`
    : 'verdict: infeasible-within-limits';
  return `${lines.join('\n')}\n${verdict}; peak ${sweep.peakRecordsPerSecond} rec/s needs ${sweep.requiredCapacityRecordsPerSecond.toFixed(1)} rec/s\n`;
}

export async function runLocalSweepCommand(args: LocalArgs, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<LocalSweep> {
  const settings = resolveLocalSettings({ ...args, maxParallelism: args.maxParallelism ?? 4 });
  jarOrInputError();
  const progress = new Progress(`local sweep ${settings.workload}`, { stream: err });
  const sweep = await runLocalSweep(settings, { workDir: `reports/local-work/sweep-${settings.workload}`, log: (m) => progress.log(m) });
  progress.done();
  if (settings.json) out.write(`${JSON.stringify(sweep, null, 2)}\n`);
  else out.write(localSweepTable(sweep));
  return sweep;
}

const sweepModule: CommandModule<object, LocalArgs> = {
  command: 'sweep',
  describe: 'Measure the real job\'s saturated capacity and heap at every (P, K) up to --max-kpu (the ground truth)',
  builder: (y: Argv) =>
    y
      .option('workload', { type: 'string', requiresArg: true, describe: 'taxi, iot or clickstream (default iot)' })
      .option('rate', { type: 'number', requiresArg: true, describe: 'peak records/s the right size must carry (default 300)' })
      .option('max-kpu', { type: 'number', requiresArg: true, describe: 'largest KPU count (default 4)' })
      .option('slo-lag-ms', { type: 'number', requiresArg: true, describe: 'accepted for symmetry with calibrate (wall ms)' })
      .option('catch-up-s', { type: 'number', requiresArg: true, describe: 'SLO: wall seconds to catch up after an update (default 100)' })
      .option('target-utilization', { type: 'number', requiresArg: true, describe: 'SLO: peak / capacity at most (default 0.8)' })
      .option('json', { type: 'boolean', describe: 'print the sweep as JSON (the shape of twin sweep --json)' })
      .options({ ...localOptions(), 'max-parallelism': { ...localOptions()['max-parallelism'], describe: 'largest Parallelism to measure (default 4 for a sweep)' } })
      .example('$0 local sweep --set cost.io.mode=BLOCKING --set cost.io.wait.millis=5 --max-kpu 4 --json', '') as unknown as Argv<LocalArgs>,
  handler: runCommand(async (args: LocalArgs) => {
    await runLocalSweepCommand(args);
  }),
};

export const localCommand: CommandModule = {
  command: 'local',
  describe: 'The real job on this machine: a local Flink fed from kinesis-local, KPUs emulated (sweep)',
  builder: (y: Argv) => y.command(sweepModule).demandCommand(1, 'name a local command: sweep'),
  handler: () => undefined,
};
