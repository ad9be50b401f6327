/**
 * The right-sizing report in its four files: report.json (docs/json-shapes.md), report.md, report.html and
 * trials.csv, written together and atomically.
 */
import { join } from 'node:path';
import type { CalibrationReport } from '../report-types';
import { writeFilesAtomically } from './atomic-write';
import { renderTrialsCsv } from './csv';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';

export { renderHtml } from './html';
export { renderMarkdown } from './markdown';
export { renderTrialsCsv } from './csv';
export { parseReport, readReportFile } from './schema';
export { costOf, DEFAULT_PRICING } from '../../core/pricing';

/** Every file a calibration writes into its --out directory (state.json: AWS runs only; model.json: once a trial measured something). */
export const REPORT_FILES = ['report.json', 'report.md', 'report.html', 'trials.csv', 'state.json', 'model.json'] as const;

export function renderReportJson(report: CalibrationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Writes DIR/report.json, report.md, report.html and trials.csv, and model.json when a fitted model is
 * given (the autoscaler starts from it: `kpufit autoscale simulate --model`, config autoscaler.modelPath);
 * returns their paths.
 */
export async function writeReportFiles(dir: string, report: CalibrationReport, extra: { modelJson?: string } = {}): Promise<string[]> {
  return writeFilesAtomically([
    { path: join(dir, 'report.json'), content: renderReportJson(report) },
    { path: join(dir, 'report.md'), content: renderMarkdown(report) },
    { path: join(dir, 'report.html'), content: renderHtml(report) },
    { path: join(dir, 'trials.csv'), content: renderTrialsCsv(report) },
    ...(extra.modelJson !== undefined ? [{ path: join(dir, 'model.json'), content: extra.modelJson }] : []),
  ]);
}
