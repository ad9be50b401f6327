/**
 * `kpufit autoscale simulate --scenario FILE --days N [--policy kpufit|builtin|step] [--model FILE]
 * [--out DIR] [--json]`: an autoscaling policy against the twin for N simulated days, from the scenario's
 * initial configuration (calibration/autoscale-sim). --policy takes one name or a comma-separated list
 * (e.g. kpufit,builtin,step): --json then prints one object per policy as an array, and --out DIR/
 * autoscale.html shows every run. Progress on stderr; stdout carries the JSON or a summary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadScenario } from '../../../simulator/twin';
import { InputError } from '../../../core/errors';
import { ValidationError } from '../../../core/validation';
import { Progress } from '../../../core/progress';
import { writeFilesAtomically } from '../../report/atomic-write';
import { parseJobModel } from '../../autoscaler/model-file';
import type { JobModel } from '../../autoscaler/job-model';
import { renderAutoscaleHtml } from '../../autoscale-sim/html';
import { AUTOSCALE_POLICIES, simulateAutoscaling, summaryJson, type AutoscalePolicyName, type AutoscaleSimulationResult } from '../../autoscale-sim/simulate';
import { runCommand } from '../errors';

export interface AutoscaleSimulateArgs {
  scenario: string;
  days: number;
  policy?: string;
  model?: string;
  out?: string;
  json?: boolean;
}

const MAX_DAYS = 366;

/** Every flag checked before any work: one line naming the flag and what is allowed. */
export function checkSimulateArgs(args: AutoscaleSimulateArgs): { policies: AutoscalePolicyName[]; days: number } {
  if (typeof args.scenario !== 'string' || args.scenario === '') throw new InputError('--scenario: required (a scenario file, e.g. scenarios/taxi-io-bound.json)');
  if (typeof args.days !== 'number' || !Number.isFinite(args.days) || args.days <= 0 || args.days > MAX_DAYS || Math.round(args.days * 1440) < 1) {
    throw new InputError(`--days: must be a number of days > 0 and <= ${MAX_DAYS} (at least one minute), got ${String(args.days)}`);
  }
  const names = (args.policy ?? 'kpufit').split(',').map((p) => p.trim());
  const policies: AutoscalePolicyName[] = [];
  for (const name of names) {
    if (!(AUTOSCALE_POLICIES as readonly string[]).includes(name)) {
      throw new InputError(`--policy: must be ${AUTOSCALE_POLICIES.join(', ')} or a comma-separated list of them, got ${JSON.stringify(name)}`);
    }
    if (policies.includes(name as AutoscalePolicyName)) throw new InputError(`--policy: ${name} is listed twice`);
    policies.push(name as AutoscalePolicyName);
  }
  if (args.model !== undefined && !policies.includes('kpufit')) throw new InputError('--model: only with --policy kpufit (the baselines have no model)');
  if (args.out !== undefined && (typeof args.out !== 'string' || args.out === '')) throw new InputError('--out: must be a directory path');
  return { policies, days: args.days };
}

function readModel(path: string): JobModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError([`--model: cannot read the model file: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`], path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValidationError([`--model: not valid JSON: ${(err as Error).message}`], path);
  }
  return parseJobModel(json, path);
}

export async function runAutoscaleSimulate(
  args: AutoscaleSimulateArgs,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
): Promise<AutoscaleSimulationResult[]> {
  const { policies, days } = checkSimulateArgs(args);
  const scenario = loadScenario(args.scenario);
  const model = args.model !== undefined ? readModel(args.model) : undefined;
  const results: AutoscaleSimulationResult[] = [];
  for (const policy of policies) {
    const progress = new Progress(`autoscale simulate ${policy}`, { total: Math.round(days * 1440), stream: err });
    results.push(await simulateAutoscaling(scenario, {
      policy, days, model: policy === 'kpufit' ? model : undefined,
      onProgress: (minute, _total, p) => progress.update(minute, `day ${(minute / 1440).toFixed(2)} KPUs ${p.kpus} lag ${p.lagMs === null ? '-' : `${Math.round(p.lagMs)} ms`}`),
    }));
    progress.done();
  }
  if (args.out !== undefined) {
    const files = await writeFilesAtomically([
      { path: join(args.out, 'autoscale.html'), content: renderAutoscaleHtml(results, scenario.slo.maxLagMs) },
      { path: join(args.out, 'autoscale.json'), content: `${JSON.stringify(results.map((r) => ({ ...summaryJson(r), decisions: r.decisions })), null, 2)}\n` },
    ]);
    err.write(`wrote ${files.join(', ')}\n`);
  }
  if (args.json) {
    const shaped = results.map(summaryJson);
    out.write(`${JSON.stringify(shaped.length === 1 ? shaped[0] : shaped, null, 2)}\n`);
  } else {
    for (const r of results) {
      out.write(`${r.policy}: ${r.days} days, ${r.kpuHours} KPU-hours ($${r.costUsd.toFixed(2)}), ${r.sloViolationMinutes} SLO-violation minutes (longest ${r.longestViolationMinutes}), ${r.reconfigurations} reconfigurations, ${r.downtimeMinutes} minutes down\n`);
    }
  }
  return results;
}

const simulateCommand: CommandModule<object, AutoscaleSimulateArgs> = {
  command: 'simulate',
  describe: 'Run an autoscaling policy against the twin for N simulated days and score it',
  builder: (y: Argv) =>
    y
      .option('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON, see scenarios/)' })
      .option('days', { type: 'number', demandOption: true, describe: `Simulated days (> 0, <= ${MAX_DAYS})` })
      .option('policy', { type: 'string', default: 'kpufit', describe: 'kpufit, builtin or step, or a comma-separated list' })
      .option('model', { type: 'string', describe: 'model.json from kpufit calibrate (kpufit only; default: learn online from priors)' })
      .option('out', { type: 'string', describe: 'Directory for autoscale.html and autoscale.json' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the scores as JSON on stdout' })
      .example('$0 autoscale simulate --scenario scenarios/taxi-io-bound.json --days 2 --policy kpufit,builtin,step --out reports/autoscale', '') as unknown as Argv<AutoscaleSimulateArgs>,
  handler: runCommand(async (args: AutoscaleSimulateArgs) => {
    await runAutoscaleSimulate(args);
  }),
};

export const autoscaleCommand: CommandModule = {
  command: 'autoscale',
  describe: 'The lag-driven, model-based autoscaler (simulate it against the twin)',
  builder: (y: Argv) => y.command(simulateCommand).demandCommand(1, 'name an autoscale command: simulate'),
  handler: () => undefined,
};
