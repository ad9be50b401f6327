/**
 * `kpufit`: one yargs program; each command lives in its own module under commands/.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { calibrateCommand } from './commands/calibrate';
import { loadCommand } from './commands/load';
import { localCommand } from './commands/local';
import { reportCommand } from './commands/report';
import { twinCommand } from './commands/twin';

export function buildCli(argv: string[]) {
  return yargs(argv)
    .scriptName('kpufit')
    .command(calibrateCommand)
    .command(loadCommand)
    .command(twinCommand)
    .command(reportCommand)
    .command(localCommand)
    .demandCommand(1, 'name a command: calibrate, load, twin or report')
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
    .version(false);
}

if (require.main === module) {
  void buildCli(hideBin(process.argv)).parseAsync();
}
