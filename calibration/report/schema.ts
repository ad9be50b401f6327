/**
 * The report.json schema: what `kpufit report` accepts before re-rendering. The fields of docs/json-shapes.md are
 * required with their types; extras are checked when present and unknown keys are kept, because a newer
 * calibrator may add fields an older renderer does not know.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseOrThrow, ValidationError } from '../../core/validation';
import type { CalibrationReport } from '../report-types';

const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = finite.refine((n) => n >= 0, 'must be >= 0');

const configuration = { parallelism: positiveInt, parallelismPerKpu: positiveInt, kpus: positiveInt };

/** One trial row of report.json (the state file reuses it with its own bounds on the configuration). */
export const trialSchema = z.looseObject({
  ...configuration,
  startSecond: nonNegative,
  durationSeconds: nonNegative,
  maxLagMs: nonNegative,
  lagSlope: finite,
  estimatedCapacityRecordsPerSecond: nonNegative,
  cpuUtilization: nonNegative,
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
  reason: z.string(),
  estimateMethod: z.string().optional(),
  updateDowntimeSeconds: nonNegative.optional(),
  heapUtilization: nonNegative.optional(),
  fullRestarts: count.optional(),
  maxBusyTimeMsPerSecond: nonNegative.optional(),
  runningMaxLagMs: nonNegative.optional(),
  runningLagSlope: finite.optional(),
});

const timelinePoint = z.looseObject({
  second: nonNegative,
  millisBehindLatest: nonNegative.nullable(),
  offeredRecordsPerSecond: nonNegative,
  recordsInPerSecond: nonNegative.nullable(),
  kpus: count,
  parallelism: count,
  parallelismPerKpu: count,
  status: z.string(),
});

const autoscaling = z.looseObject({
  secondsToWithinSlo: nonNegative.nullable(),
  kpuHours: nonNegative,
  finalParallelism: positiveInt,
  finalParallelismPerKpu: positiveInt,
  finalKpus: positiveInt,
  scalingEvents: count,
  simulatedSeconds: nonNegative,
});

export const reportSchema = z.looseObject({
  schemaVersion: z.literal(1),
  target: z.enum(['twin', 'aws', 'local']),
  application: z.string().min(1),
  stream: z.string().min(1),
  load: z.looseObject({ recordsPerSecond: nonNegative, recordBytes: positiveInt, profile: z.looseObject({ type: z.string() }).optional() }),
  slo: z.looseObject({
    maxLagMs: nonNegative,
    catchUpSeconds: nonNegative,
    targetUtilization: finite.refine((u) => u > 0 && u <= 1, 'must be in (0, 1]'),
    maxHeapUtilization: finite.refine((u) => u > 0 && u <= 1, 'must be in (0, 1]'),
  }),
  verdict: z.enum(['recommended', 'stream-bound', 'infeasible-within-limits', 'aborted']),
  recommendation: z
    .looseObject({ ...configuration, estimatedCapacityRecordsPerSecond: nonNegative, costPerHourUsd: nonNegative, costPerMonthUsd: nonNegative })
    .nullable(),
  streamAdvice: z.looseObject({
    shards: count,
    requiredShards: count,
    cause: z.enum(['write-throughput', 'hot-partition-key']).optional(),
    minimumShards: count.nullable().optional(),
    shardsOnceKeySpread: count.optional(),
    partitionKeyShare: finite.refine((x) => x >= 0 && x <= 1, 'must be from 0 to 1').optional(),
  }),
  initial: z.looseObject(configuration),
  trials: z.array(trialSchema),
  reconfigurations: count,
  elapsedSeconds: nonNegative,
  calibrationKpuHours: nonNegative,
  restoredOriginal: z.boolean(),
  explanation: z.string().optional(),
  bottleneck: z.string().optional(),
  constraints: z.array(z.looseObject({
    kind: z.enum(['stream-write-limit', 'hot-partition-key', 'stream-read-limit', 'hot-key-subtask', 'compute', 'memory']),
    unit: z.string().min(1),
    required: finite,
    limit: finite,
  })).optional(),
  updateDowntimeSeconds: nonNegative.optional(),
  timeline: z.array(timelinePoint).optional(),
  builtInAutoscaling: autoscaling.optional(),
  pricing: z.looseObject({ kpuHourUsd: nonNegative, storageGbMonthUsd: nonNegative }).optional(),
  scenario: z.string().optional(),
  generatedAt: z.string().optional(),
  metricsUsed: z.array(z.looseObject({
    signal: z.string().min(1), namespace: z.string().min(1), name: z.string().min(1), dimensions: z.record(z.string(), z.string()),
  })).optional(),
  metricsNotes: z.array(z.string()).optional(),
});

/** Validates a parsed report.json; the problems name their JSON path (`trials[2].verdict: ...`). */
export function parseReport(value: unknown, source?: string): CalibrationReport {
  parseOrThrow(reportSchema, value, source);
  // The schema vouches for the fields the renderers read; the original object keeps any extras as they were.
  return value as CalibrationReport;
}

/** Reads and validates DIR/report.json, with one clear line for a missing file or broken JSON. */
export async function readReportFile(path: string): Promise<CalibrationReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError([code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`], path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError([`not valid JSON: ${(err as Error).message}`], path);
  }
  return parseReport(value, path);
}
