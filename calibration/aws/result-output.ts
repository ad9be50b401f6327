/**
 * What a calibration on AWS leaves behind when it ends, however it ends: the report files in DIR (with
 * model.json, the fitted job model, once a trial measured something), the report JSON (--json) or the
 * summary on stdout, one closing line on the progress stream; for a dry run, the planned calls instead.
 */
import { join } from 'node:path';
import type { Progress } from '../../core/progress';
import { writeReportFiles } from '../report';
import { formatConfiguration } from '../report/format';
import { summary } from '../report/summary';
import type { CalibrationReport } from '../report-types';
import { formatPlan, type PlannedCall } from './dry-run';

export async function writeCalibrationResult(
  report: CalibrationReport, outDir: string, json: boolean, stdout: NodeJS.WritableStream, progress: Progress,
  extra: { modelJson?: string } = {},
): Promise<{ report: CalibrationReport; files: string[] }> {
  const finalReport: CalibrationReport = { ...report, generatedAt: report.generatedAt ?? new Date().toISOString() };
  const files = await writeReportFiles(outDir, finalReport, extra);
  if (json) stdout.write(`${JSON.stringify(finalReport, null, 2)}\n`);
  else stdout.write(`${summary(finalReport, outDir).join('\n')}\n`);
  progress.done(`verdict ${finalReport.verdict}${finalReport.recommendation ? `: ${formatConfiguration(finalReport.recommendation)}` : ''}; report in ${join(outDir, 'report.md')}`);
  return { report: finalReport, files };
}

export function writeDryRunPlan(
  calls: PlannedCall[], scope: { application: string; stream: string }, json: boolean, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream,
): string[] {
  const plan = formatPlan(calls);
  if (json) stdout.write(`${JSON.stringify({ dryRun: true, application: scope.application, stream: scope.stream, calls }, null, 2)}\n`);
  else for (const line of plan) stderr.write(`${line}\n`);
  return plan;
}
