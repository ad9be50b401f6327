/**
 * `kpufit report --in DIR/report.json [--format md|html]`: re-renders a calibration's report from its
 * report.json (validated first). With --format it prints that rendering on stdout; without, it rewrites
 * report.md, report.html and trials.csv beside report.json.
 */
import { dirname, join } from 'node:path';
import type { CommandModule } from 'yargs';
import { readReportFile, renderHtml, renderMarkdown, renderTrialsCsv } from '../../report';
import { writeFilesAtomically } from '../../report/atomic-write';
import { runCommand } from '../errors';

export const REPORT_FORMATS = ['md', 'html'] as const;

interface ReportArgs {
  in: string;
  format?: (typeof REPORT_FORMATS)[number];
}

export async function runReport(args: ReportArgs, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<void> {
  const report = await readReportFile(args.in);
  if (args.format) {
    stdout.write(args.format === 'md' ? renderMarkdown(report) : renderHtml(report));
    return;
  }
  const dir = dirname(args.in);
  const written = await writeFilesAtomically([
    { path: join(dir, 'report.md'), content: renderMarkdown(report) },
    { path: join(dir, 'report.html'), content: renderHtml(report) },
    { path: join(dir, 'trials.csv'), content: renderTrialsCsv(report) },
  ]);
  for (const path of written) stderr.write(`wrote ${path}\n`);
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: 'Re-render report.md / report.html from a calibration report.json',
  builder: (y) =>
    y
      .option('in', { type: 'string', demandOption: true, describe: 'the calibration report, DIR/report.json', requiresArg: true })
      .option('format', { choices: REPORT_FORMATS, describe: 'print this rendering on stdout instead of rewriting the files beside report.json' })
      .example('$0 report --in reports/taxi/report.json', 'rewrite report.md, report.html and trials.csv')
      .example('$0 report --in reports/taxi/report.json --format md', 'print the Markdown report') as never,
  handler: runCommand(async (args: ReportArgs) => runReport(args)),
};
