/**
 * What the report says, as plain text and tables, once: report.md and report.html only differ in how they
 * escape and lay it out. Cells are unescaped strings; `strong` marks what a renderer should emphasize.
 */
import type { CalibrationReport, Trial } from '../report-types';
import { updateApplicationCommand, updateShardCountCommand, stackConfigSnippet } from './apply-snippets';
import { costOf, DEFAULT_PRICING, HOURS_PER_MONTH } from '../../core/pricing';
import { STORAGE_GB_PER_KPU } from '../../core/aws-facts';
import { formatConfiguration, formatDuration, formatLag, formatNumber, formatUsd } from './format';
import { describeConstraint } from '../algorithm/binding-constraints';

export interface Table {
  header: string[];
  rows: string[][];
  /** Row indexes to emphasize (the total). */
  strongRows?: number[];
}

export const VERDICT_TITLES: Record<CalibrationReport['verdict'], string> = {
  recommended: 'Recommended',
  'stream-bound': 'Stream-bound: the Kinesis stream cannot accept the load',
  'infeasible-within-limits': 'Infeasible within the limits',
  aborted: 'Aborted before an answer',
};

export function title(r: CalibrationReport): string {
  return `kpufit right-sizing report: ${r.application}`;
}

export function overviewTable(r: CalibrationReport): Table {
  return {
    header: ['Target', 'Application', 'Stream', 'Peak load', 'SLO'],
    rows: [[
      r.target === 'twin' ? `twin${r.scenario ? ` (${r.scenario})` : ''}` : r.target === 'local' ? `local Flink (${r.local?.periodSeconds ?? '?'} s per calibrator minute)` : 'AWS',
      r.application,
      r.stream,
      `${formatNumber(r.load.recordsPerSecond)} records/s x ${formatNumber(r.load.recordBytes)} B`,
      `lag <= ${formatLag(r.slo.maxLagMs)}, catch-up <= ${formatDuration(r.slo.catchUpSeconds)}, ` +
        `utilization <= ${formatNumber(r.slo.targetUtilization * 100)}%, heap <= ${formatNumber(r.slo.maxHeapUtilization * 100)}%`,
    ]],
  };
}

/** The answer in one sentence (null when there is none), then the why. */
export function verdictLines(r: CalibrationReport): { headline: string | null; details: string[] } {
  const rec = r.recommendation;
  // A stream-bound run may still size the job for the load the resharded stream will pass on.
  const when = r.verdict === 'stream-bound' ? `Once the stream has ${r.streamAdvice.requiredShards} shards: run` : 'Run';
  const headline = rec
    ? `${when} ${formatConfiguration(rec)}: estimated capacity ${formatNumber(rec.estimatedCapacityRecordsPerSecond)} records/s for a peak load of ` +
      `${formatNumber(r.load.recordsPerSecond)} records/s (${formatNumber(r.load.recordsPerSecond > 0 ? rec.estimatedCapacityRecordsPerSecond / r.load.recordsPerSecond : 0, 2)}x), ` +
      `${formatUsd(rec.costPerHourUsd)} per hour, ${formatUsd(rec.costPerMonthUsd)} per month.`
    : null;
  const details: string[] = [];
  if (r.explanation) details.push(r.explanation);
  if (r.bottleneck) details.push(`Bottleneck: ${r.bottleneck}.`);
  // Every cause that binds, each with its numbers: several can hold at once.
  for (const c of r.constraints ?? []) details.push(`Binds: ${describeConstraint(c)}.`);
  if (r.updateDowntimeSeconds !== undefined) {
    const factor = 1 + r.updateDowntimeSeconds / Math.max(1, r.slo.catchUpSeconds);
    details.push(
      `One update stops processing for ${formatDuration(r.updateDowntimeSeconds)}; catching up within ${formatDuration(r.slo.catchUpSeconds)} ` +
        `needs a capacity of at least ${formatNumber(factor, 2)}x the load.`,
    );
  }
  return { headline, details };
}

export function costTable(r: CalibrationReport): { table: Table; note?: string } | null {
  const rec = r.recommendation;
  if (!rec) return null;
  const pricing = r.pricing ?? DEFAULT_PRICING;
  const cost = costOf(rec.kpus, pricing);
  const rows = [
    [`KPUs (${formatUsd(pricing.kpuHourUsd)} per KPU-hour)`, String(rec.kpus), formatUsd(rec.kpus * pricing.kpuHourUsd), formatUsd(rec.kpus * pricing.kpuHourUsd * HOURS_PER_MONTH)],
    ['Orchestration KPU (one per application)', '1', formatUsd(pricing.kpuHourUsd), formatUsd(pricing.kpuHourUsd * HOURS_PER_MONTH)],
    [
      `Running storage (${STORAGE_GB_PER_KPU} GB per KPU, ${formatUsd(pricing.storageGbMonthUsd)} per GB-month)`,
      `${cost.storageGb} GB`,
      formatUsd(cost.storagePerHourUsd),
      formatUsd(cost.storagePerHourUsd * HOURS_PER_MONTH),
    ],
    ['Total', '', formatUsd(rec.costPerHourUsd), formatUsd(rec.costPerMonthUsd)],
  ];
  const note = Math.abs(cost.perHourUsd - rec.costPerHourUsd) > 0.005
    ? `At these prices the items sum to ${formatUsd(cost.perHourUsd)} per hour (${formatUsd(cost.perMonthUsd)} per month); the total is the calibrator's.`
    : undefined;
  return { table: { header: ['Item', 'Quantity', 'Per hour', `Per month (${HOURS_PER_MONTH} h)`], rows, strongRows: [3] }, note };
}

export function streamAdvice(r: CalibrationReport): { text: string; command?: string } {
  const a = r.streamAdvice;
  if (a.cause === 'hot-partition-key') {
    const spread = a.shardsOnceKeySpread;
    // Too few shards even for evenly spread keys: say both, and give the count for after the key is spread.
    const then = spread === undefined ? ''
      : spread > a.shards ? ` Once it is spread, the stream still needs ${spread} shards (it has ${a.shards}).`
        : ` Once it is spread, ${spread} shards accept the peak.`;
    return {
      text: `The stream ${r.stream} throttles writes because one partition key takes more than a shard's write limit; ` +
        `no shard count fixes that. Spread the key (e.g. add a suffix) or lower its rate.${then}`,
      ...(spread !== undefined && spread > a.shards ? { command: updateShardCountCommand(r.stream, spread) } : {}),
    };
  }
  if (a.requiredShards > a.shards) {
    return {
      text: `The stream ${r.stream} has ${a.shards} shards and throttles writes at this load: it needs ${a.requiredShards} shards.`,
      command: updateShardCountCommand(r.stream, a.requiredShards),
    };
  }
  const minimum = a.minimumShards ?? a.requiredShards;
  const even = a.partitionKeyShare === undefined && minimum < a.shards ? ' with evenly spread keys (no throttling showed their skew)' : '';
  return { text: `The stream ${r.stream} has ${a.shards} shards; ${minimum} accept this load${even}. No change needed.` };
}

function trialRow(t: Trial, i: number): string[] {
  return [
    String(i + 1),
    String(t.parallelism),
    String(t.parallelismPerKpu),
    String(t.kpus),
    formatDuration(t.startSecond),
    formatDuration(t.durationSeconds),
    formatLag(t.maxLagMs),
    formatNumber(t.lagSlope, 3),
    t.runningMaxLagMs === undefined ? '' : formatLag(t.runningMaxLagMs),
    t.runningLagSlope === undefined ? '' : formatNumber(t.runningLagSlope, 3),
    `${formatNumber(t.estimatedCapacityRecordsPerSecond)}${t.estimateMethod ? ` (${t.estimateMethod})` : ''}`,
    `${formatNumber(t.cpuUtilization, 1)}%`,
    t.verdict,
    t.reason,
  ];
}

export const TRIALS_HEADER = [
  '#', 'Parallelism', 'Per KPU', 'KPUs', 'Start', 'Duration', 'Max lag', 'Lag slope (ms/ms)', 'Max lag once RUNNING', 'Lag slope once RUNNING (ms/ms)',
  'Est. capacity (rec/s)', 'CPU', 'Verdict', 'Why',
];

export function trialsTable(r: CalibrationReport): Table {
  return { header: TRIALS_HEADER, rows: r.trials.map(trialRow) };
}

/** What the two pairs of lag columns cover (they differ by the update's minutes). */
export const TRIALS_NOTE =
  "Max lag and Lag slope cover every minute of the trial as the lag chart draws it, the update's restart included " +
  '(slope of the per-minute Maximum). The "once RUNNING" pair covers only the minutes after the new configuration ' +
  'was RUNNING (slope of the per-minute Average): the ones the verdict was based on.';

export function calibrationSummary(r: CalibrationReport): string {
  return `${r.reconfigurations} reconfiguration${r.reconfigurations === 1 ? '' : 's'} (UpdateApplication calls), ` +
    `${formatDuration(r.elapsedSeconds)} ${r.target === 'twin' ? 'simulated' : r.target === 'local' ? 'compressed' : 'wall-clock'} time, ` +
    `${formatNumber(r.calibrationKpuHours, 2)} KPU-hours spent calibrating. The original configuration, ${formatConfiguration(r.initial)}, ` +
    `${r.restoredOriginal ? 'was restored at the end.' : 'was not restored.'}`;
}

export const AUTOSCALING_INTRO =
  "Managed Flink's own autoscaler scales on CPU alone (x2 after 15 minutes at >= 75%, halves after 6 hours under 10%, " +
  'restarting the job each time). Run on the twin with the same load:';

export function autoscalingTable(r: CalibrationReport): Table | null {
  const b = r.builtInAutoscaling;
  if (!b) return null;
  const ours = r.recommendation;
  return {
    header: ['', 'kpufit', 'Built-in autoscaling'],
    rows: [
      ['Final configuration', ours ? formatConfiguration(ours) : 'none', formatConfiguration({ parallelism: b.finalParallelism, parallelismPerKpu: b.finalParallelismPerKpu, kpus: b.finalKpus })],
      ['Time to the answer / until the lag stays within the SLO', formatDuration(r.elapsedSeconds), b.secondsToWithinSlo === null ? `never (in ${formatDuration(b.simulatedSeconds)})` : formatDuration(b.secondsToWithinSlo)],
      ['KPU-hours spent getting there', formatNumber(r.calibrationKpuHours, 2), formatNumber(b.kpuHours, 2)],
      ['Reconfigurations (each a job restart)', String(r.reconfigurations), String(b.scalingEvents)],
    ],
  };
}

export interface ApplyInstructions {
  configJson: string;
  /** The stack's own KPU cap (application.maxKpus, stacks/config.ts) must allow the recommendation. */
  configNote: string;
  cliCommand: string;
}

export function applyInstructions(r: CalibrationReport): ApplyInstructions | null {
  const rec = r.recommendation;
  if (!rec) return null;
  return {
    configJson: JSON.stringify(stackConfigSnippet(rec), null, 2),
    configNote: `application.maxKpus, the stack's cost guard, must be at least ${rec.kpus}. With application.ignoreParallelismChanges ` +
      'true, a deploy leaves the running application\'s parallelism alone: use the update-application call below.',
    cliCommand: updateApplicationCommand(r.application, rec),
  };
}
