/**
 * `kpufit twin run|sweep`: the twin as a what-if planner. `run` simulates one configuration; `sweep`
 * evaluates every (Parallelism, ParallelismPerKPU) up to the KPU limit with the model and marks the right
 * size (docs/calibration.md "The objective").
 */
import type { Argv, CommandModule } from 'yargs';
import { loadScenario, rightSize, ScenarioRun, type ConfigAssessment, type Sizing, type TwinRunResult } from '../../../simulator/twin';
import { InterruptedError, type StopSignal } from '../../../core/errors';
import { StopSignals } from '../../../core/stop-signals';
import { runCommand } from '../errors';
import { numberFlag } from '../../../core/validation';
import { Progress } from '../../../core/progress';
import { twinFitCommand } from './twin-fit';

interface RunArgs {
  scenario: string;
  parallelism: number;
  'parallelism-per-kpu': number;
  duration: number;
  json: boolean;
}

interface SweepArgs {
  scenario: string;
  'max-kpu'?: number;
  json: boolean;
}

/** The longest `twin run` (366 days): memory stays bounded for it (npm run bench:memory). */
export const MAX_TWIN_RUN_SECONDS = 366 * 86400;

const integerFlag = (name: string, value: unknown, min: number, max?: number) => numberFlag(name, value, { integer: true, min, max });

const runCommandModule: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Simulate one configuration on the twin and report capacity, lag, heap and cost',
  builder: (y: Argv) =>
    y
      .option('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON, see scenarios/)' })
      .option('parallelism', { type: 'number', demandOption: true, describe: 'Parallelism P (>= 1)' })
      .option('parallelism-per-kpu', { type: 'number', demandOption: true, describe: 'ParallelismPerKPU K (1..8)' })
      .option('duration', { type: 'number', default: 1800, describe: 'Simulated seconds' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' })
      .example('$0 twin run --scenario scenarios/taxi-io-bound.json --parallelism 8 --parallelism-per-kpu 4', '') as unknown as Argv<RunArgs>,
  handler: runCommand((args: RunArgs) => runTwinRun(args)),
};

/** Simulated seconds between two looks at a pending signal (well under a second of CPU). */
const RUN_STRETCH_SECONDS = 3600;

/**
 * `twin run`: the result as JSON (--json) or a short summary on `out`; progress on `err`. A signal
 * (SIGINT, SIGTERM, SIGHUP) stops the simulation between two stretches: the result of the seconds
 * simulated so far is printed whole, with `stoppedBy` and `requestedDurationSeconds`, and the error
 * names the signal (exit 130 / 143 / 129), as every other command.
 */
export async function runTwinRun(
  args: Omit<RunArgs, 'json' | 'duration'> & { json?: boolean; duration?: number },
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
  signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>,
): Promise<void> {
  const parallelism = integerFlag('parallelism', args.parallelism, 1);
  const perKpu = integerFlag('parallelism-per-kpu', args['parallelism-per-kpu'], 1, 8);
  const duration = integerFlag('duration', args.duration ?? 1800, 1, MAX_TWIN_RUN_SECONDS);
  const scenario = loadScenario(args.scenario);
  const progress = new Progress('twin run', { total: duration, stream: err });
  const stops = new StopSignals({
    source: signals, stopping: 'stopping the simulation and printing the result so far', skipping: 'printing the result', log: (line) => progress.log(line),
  });
  try {
    const run = new ScenarioRun(scenario, {
      parallelism, parallelismPerKpu: perKpu, durationSeconds: duration, progressEverySeconds: 600,
      onProgress: (s, lag) => progress.update(s, `t=${s}s lag=${lag === null ? '-' : `${Math.round(lag)}ms`}`),
    });
    while (!run.done && !stops.signal.aborted) {
      run.advance(RUN_STRETCH_SECONDS);
      // The simulation never waits on anything: let a pending signal in between stretches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    progress.done();
    const stoppedBy = run.done ? undefined : stops.received;
    const result: TwinRunResult & { stoppedBy?: StopSignal; requestedDurationSeconds?: number } = stoppedBy
      ? { ...run.result(), stoppedBy, requestedDurationSeconds: duration }
      : run.result();
    out.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${runSummary(result).join('\n')}\n`);
    if (stops.received) {
      const what = stoppedBy
        ? `twin run interrupted by ${stoppedBy} after ${run.simulatedSeconds} of ${duration} simulated seconds; the result covers those`
        : `twin run finished before the signal took effect: interrupted by ${stops.received}`;
      throw new InterruptedError(what, stops.received);
    }
  } finally {
    stops.dispose();
  }
}

function runSummary(result: TwinRunResult & { stoppedBy?: StopSignal; requestedDurationSeconds?: number }): string[] {
  return [
    `scenario ${result.scenario}: P=${result.parallelism} K=${result.parallelismPerKpu} (${result.kpus} KPUs) for ${result.durationSeconds}s` +
      (result.stoppedBy ? ` of ${result.requestedDurationSeconds}s (interrupted by ${result.stoppedBy})` : ''),
    `capacity        ${result.capacityRecordsPerSecond.toFixed(1)} rec/s (${result.bottleneck}-bound)`,
    `offered peak    ${result.offeredPeakRecordsPerSecond} rec/s, accepted peak ${result.acceptedPeakRecordsPerSecond} rec/s`,
    `lag             max ${result.maxLagMs} ms, final ${result.finalLagMs} ms, slope ${result.lagSlope} ms/s`,
    `heap            ${(100 * result.heapUtilization).toFixed(1)}% per KPU, ${result.fullRestarts} full restarts`,
    `cost            ${result.kpuHours} KPU-hours, $${result.costUsd.toFixed(4)}`,
    `feasible        ${result.feasible ? 'yes' : `no (${result.infeasibleBecause.join('; ')})`}`,
  ];
}

/** The sweep as a table: one row per (P, K), the right size marked with `*`. */
export function sweepTable(sizing: Sizing): string {
  const header = ['', 'P', 'K', 'KPUs', 'capacity rec/s', 'bound', 'heap %', 'feasible', '$/hour'];
  const best = sizing.rightSize;
  const row = (c: ConfigAssessment) => [
    best && c.parallelism === best.parallelism && c.parallelismPerKpu === best.parallelismPerKpu ? '*' : '',
    String(c.parallelism), String(c.parallelismPerKpu), String(c.kpus), c.capacityRecordsPerSecond.toFixed(1),
    c.bottleneck, (100 * c.heapUtilization).toFixed(1), c.feasible ? 'yes' : `no: ${c.reasons.join('; ')}`,
    c.costPerHourUsd.toFixed(4),
  ];
  const rows = [header, ...sizing.configurations.map(row)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === 7 ? cell : cell.padStart(widths[i]))).join('  ').trimEnd());
  return `${lines.join('\n')}\n${summaryLine(sizing)}\n`;
}

function summaryLine(s: Sizing): string {
  const need = `peak ${s.peakRecordsPerSecond} rec/s needs ${s.requiredCapacityRecordsPerSecond.toFixed(1)} rec/s of capacity`;
  if (s.verdict === 'stream-bound') {
    const a = s.streamAdvice;
    // Both causes when both bind: a hot key no shard count fixes, and too few shards even once it is spread.
    const shards = a.requiredShards === null
      ? `one partition key alone exceeds a shard (hot partition key): no shard count helps until it is spread; then ${a.shardsOnceKeySpread} shards (has ${a.shards})`
      : `the stream needs ${a.requiredShards} shards (has ${a.shards})`;
    return `verdict: stream-bound: ${shards}; ${need}`;
  }
  if (s.verdict === 'infeasible-within-limits' || !s.rightSize) return `verdict: infeasible-within-limits: no configuration meets the objective; ${need}`;
  const r = s.rightSize;
  return `verdict: recommended: * P=${r.parallelism} K=${r.parallelismPerKpu} (${r.kpus} KPUs, ${r.capacityRecordsPerSecond.toFixed(1)} rec/s, $${r.costPerHourUsd.toFixed(4)}/hour); ${need}`;
}

const sweepCommandModule: CommandModule<object, SweepArgs> = {
  command: 'sweep',
  describe: 'Evaluate every (Parallelism, ParallelismPerKPU) up to the KPU limit and mark the right size',
  builder: (y: Argv) =>
    y
      .option('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON, see scenarios/)' })
      .option('max-kpu', { type: 'number', describe: 'Largest KPU count to consider (default: limits.maxKpu of the scenario)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the sweep as JSON on stdout' }) as unknown as Argv<SweepArgs>,
  handler: runCommand((args: SweepArgs) => runTwinSweep(args)),
};

/** `twin sweep`: every (P, K) with the right size marked, as a table or as JSON (--json) on `out`. */
export async function runTwinSweep(
  args: Omit<SweepArgs, 'json'> & { json?: boolean },
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const maxKpu = args['max-kpu'] === undefined ? undefined : integerFlag('max-kpu', args['max-kpu'], 1, 100000);
  const scenario = loadScenario(args.scenario);
  const limit = maxKpu ?? scenario.limits.maxKpu;
  const sizing = rightSize(scenario, limit);
  if (args.json) {
    out.write(`${JSON.stringify({ scenario: scenario.name, maxKpu: limit, ...sizing }, null, 2)}\n`);
    return;
  }
  out.write(sweepTable(sizing));
}

export const twinCommand: CommandModule = {
  command: 'twin',
  describe: 'The embedded digital twin as a what-if planner (run, sweep, fit)',
  builder: (y: Argv) => y.command(runCommandModule).command(sweepCommandModule).command(twinFitCommand).demandCommand(1, 'name a twin command: run, sweep or fit'),
  handler: () => undefined,
};
