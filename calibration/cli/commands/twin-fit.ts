/**
 * `kpufit twin fit --from SWEEP.json [--json]`: the twin's job parameters fitted to a measured sweep
 * (`kpufit local sweep --json`), with the prediction error per configuration (calibration/local/twin-fit.ts).
 */
import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../../core/errors';
import { fitTwin, parseSweep, type TwinFit } from '../../local/twin-fit';
import { runCommand } from '../errors';

interface FitArgs {
  from: string;
  json?: boolean;
}

export function runTwinFit(args: FitArgs, out: NodeJS.WritableStream = process.stdout): TwinFit {
  let text: string;
  try {
    text = readFileSync(args.from, 'utf8');
  } catch (e) {
    throw new InputError(`--from: cannot read ${args.from} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const fit = fitTwin(parseSweep(text, args.from), args.from);
  if (args.json) {
    out.write(`${JSON.stringify(fit, null, 2)}\n`);
    return fit;
  }
  const j = fit.job;
  const lines = [
    `job: cpuMsPerRecord ${j.cpuMsPerRecord.toFixed(3)}, ioWaitMsPerRecord ${j.ioWaitMsPerRecord.toFixed(3)}, slotContention ${j.slotContention.toFixed(3)}, `
      + `hotKeyShare ${j.hotKeyShare.toFixed(3)}, baseHeapMb ${j.baseHeapMb.toFixed(0)}, stateMb ${j.stateMb.toFixed(0)}`,
    '    P   K  KPUs  measured  predicted   error',
    ...fit.rows.map((r) => `${String(r.parallelism).padStart(5)} ${String(r.parallelismPerKpu).padStart(3)} ${String(r.kpus).padStart(5)} `
      + `${r.measuredRecordsPerSecond.toFixed(1).padStart(9)} ${r.predictedRecordsPerSecond.toFixed(1).padStart(10)} ${(100 * r.relativeError).toFixed(1).padStart(6)}%${r.usedInFit ? '' : ' (not fitted)'}`),
    `mean |error| ${(100 * fit.meanAbsRelativeError).toFixed(1)}%, max ${(100 * fit.maxAbsRelativeError).toFixed(1)}% over the fitted rows (${fit.excluded} left out)`,
  ];
  out.write(`${lines.join('\n')}\n`);
  return fit;
}

export const twinFitCommand: CommandModule<object, FitArgs> = {
  command: 'fit',
  describe: 'Fit a twin scenario\'s job parameters to a measured sweep (kpufit local sweep --json) and report the error per configuration',
  builder: (y: Argv) =>
    y
      .option('from', { type: 'string', demandOption: true, requiresArg: true, describe: 'the sweep JSON (kpufit local sweep --json)' })
      .option('json', { type: 'boolean', describe: 'print the fit as JSON' }) as unknown as Argv<FitArgs>,
  handler: runCommand(async (args: FitArgs) => {
    runTwinFit(args);
  }),
};
