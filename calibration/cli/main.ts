/**
 * `kpufit`: one yargs program; each command lives in its own module under commands/.
 *
 * The commands are loaded when chosen, not at start-up: `kpufit --help` and `--version` then parse only
 * yargs, not the AWS SDK or the twin (start-up well under a second, see bin/kpufit.js and the build step).
 */
import yargs, { type Argv, type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { version } from '../../package.json';
import { installOutputGuards } from './process-guards';

/** A command whose module is required only when yargs runs its builder or handler. */
function lazy(command: string, describe: string, load: () => CommandModule): CommandModule {
  return {
    command,
    describe,
    builder: (y: Argv) => {
      const builder = load().builder;
      return typeof builder === 'function' ? (builder(y) as Argv) : y.options(builder ?? {});
    },
    handler: (args) => load().handler(args),
  };
}

export function buildCli(argv: string[]) {
  return yargs(argv)
    .scriptName('kpufit')
    .command(lazy('calibrate', 'Find the cheapest Parallelism / ParallelismPerKPU that keeps up with the load (twin or AWS)',
      () => require('./commands/calibrate').calibrateCommand))
    .command(lazy('load', 'Drive realistic traffic at a rate, along a profile, or replayed from a file', () => require('./commands/load').loadCommand))
    .command(lazy('twin', 'The embedded digital twin as a what-if planner (run, sweep)', () => require('./commands/twin').twinCommand))
    .command(lazy('report', 'Re-render report.md / report.html from a calibration report.json', () => require('./commands/report').reportCommand))
    .command(lazy('autoscale', 'Simulate autoscaling policies on the twin (kpufit, built-in, step)', () => require('./commands/autoscale').autoscaleCommand))
    .command(lazy('dashboards <action>', 'Apply the OpenSearch Dashboards saved objects to the domain', () => require('./commands/dashboards').dashboardsCommand))
    .command(lazy('local', 'The real job on this machine: sweep its capacity at every (P, K)', () => require('./commands/local').localCommand))
    .demandCommand(1, 'name a command: calibrate, load, twin, report, autoscale, dashboards or local')
    .strict()
    .recommendCommands()
    .fail((msg, err, y) => {
      // A usage error: one line naming the flag, then the help, and exit 2.
      if (err) throw err;
      process.stderr.write(`kpufit: error: ${msg}\n\n`);
      y.showHelp((s: string) => process.stderr.write(`${s}\n`));
      process.exit(2);
    })
    .help()
    .version(version);
}

/** The CLI's entry: bin/kpufit.js calls it in the built bundle; `tsx calibration/cli/main.ts` runs it from source. */
export function main(argv: string[] = hideBin(process.argv)): Promise<unknown> {
  installOutputGuards();
  return Promise.resolve(buildCli(argv).parseAsync());
}

if (require.main === module) {
  void main();
}
