/** trials.csv: one row per trial, RFC 4180 (CRLF line ends, fields with comma, quote or line break quoted). */
import type { CalibrationReport, Trial } from '../report-types';

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const COLUMNS: Array<[string, (t: Trial, i: number) => string | number | undefined]> = [
  ['trial', (_t, i) => i + 1],
  ['parallelism', (t) => t.parallelism],
  ['parallelismPerKpu', (t) => t.parallelismPerKpu],
  ['kpus', (t) => t.kpus],
  ['startSecond', (t) => t.startSecond],
  ['durationSeconds', (t) => t.durationSeconds],
  ['maxLagMs', (t) => t.maxLagMs],
  ['lagSlope', (t) => t.lagSlope],
  ['estimatedCapacityRecordsPerSecond', (t) => t.estimatedCapacityRecordsPerSecond],
  ['estimateMethod', (t) => t.estimateMethod],
  ['cpuUtilization', (t) => t.cpuUtilization],
  ['heapUtilization', (t) => t.heapUtilization],
  ['fullRestarts', (t) => t.fullRestarts],
  ['maxBusyTimeMsPerSecond', (t) => t.maxBusyTimeMsPerSecond],
  ['updateDowntimeSeconds', (t) => t.updateDowntimeSeconds],
  ['verdict', (t) => t.verdict],
  ['reason', (t) => t.reason],
  // Added after the documented columns so scripts reading them by position keep working.
  ['runningMaxLagMs', (t) => t.runningMaxLagMs],
  ['runningLagSlope', (t) => t.runningLagSlope],
];

export function renderTrialsCsv(r: CalibrationReport): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  r.trials.forEach((t, i) => lines.push(COLUMNS.map(([, get]) => csvField(get(t, i))).join(',')));
  return `${lines.join('\r\n')}\r\n`;
}
