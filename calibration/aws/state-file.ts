/**
 * DIR/state.json: everything needed to continue an interrupted calibration (`--resume FILE`), written
 * atomically before the first change and after every trial, so a crash or a signal at any moment leaves
 * the last whole state, the original configuration included.
 *
 * The file is versioned and validated field by field like a scenario (a hand-edited or truncated file is
 * an error naming the field, never a silent resume), and it only resumes the run it came from: the
 * application, stream, load and SLO saved in it must be the ones on the command line, unless
 * --force-resume.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { CalibrationState } from '../calibrate';
import type { Slo } from '../report-types';
import { InputError } from '../../core/errors';
import { MAX_PARALLELISM_PER_KPU, MIN_PARALLELISM_PER_KPU, DEFAULT_MAX_PARALLELISM } from '../../core/aws-facts';
import { writeFileAtomically } from '../report/atomic-write';
import { trialSchema } from '../report/schema';
import { decodeUtf8, formatIssues, ValidationError } from '../../core/validation';

export const STATE_KIND = 'kpufit-calibration-state';
/** The format written today. Files without `version` were written before it existed and are version 1 too. */
export const STATE_VERSION = 1;

export interface StateFile {
  kind: typeof STATE_KIND;
  version: typeof STATE_VERSION;
  savedAt: string;
  application: string;
  stream: string;
  region?: string;
  load: { recordsPerSecond: number; recordBytes: number };
  slo?: Slo;
  state: CalibrationState;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = finite.refine((n) => n >= 0, 'must be >= 0');
const positive = finite.refine((n) => n > 0, 'must be > 0');
const count = z.number().int().nonnegative();
const maybe = (schema: z.ZodType) => schema.nullable();
const parallelism = z.number().int().min(1).max(DEFAULT_MAX_PARALLELISM);
const perKpu = z.number().int().min(MIN_PARALLELISM_PER_KPU).max(MAX_PARALLELISM_PER_KPU);
const settings = z.strictObject({ parallelism, parallelismPerKpu: perKpu, autoScalingEnabled: z.boolean() });
const configuration = { parallelism, parallelismPerKpu: perKpu, kpus: z.number().int().min(1) };

// The report's trial row, with the configuration bounded as Managed Flink bounds it.
const trial = trialSchema.extend(configuration);

const observation = z.looseObject({
  ...configuration,
  offeredRecordsPerSecond: nonNegative,
  recordBytes: positive,
  shards: z.number().int().min(1),
  cleanMinutes: count,
  backloggedMinutes: count,
  caughtUpMinutes: count,
  perSecondNoise: maybe(nonNegative),
  consumedRecordsPerSecond: maybe(nonNegative),
  backlogCapacity: maybe(nonNegative),
  backlogCapacityRelError: maybe(nonNegative),
  cpuMsPerRecord: maybe(nonNegative),
  msPerRecord: maybe(nonNegative),
  hotSubtaskShare: maybe(finite.refine((n) => n >= 0 && n <= 1, 'must be from 0 to 1')),
  hotKeyShare: maybe(finite.refine((n) => n >= 0 && n <= 1, 'must be from 0 to 1')),
  hotKeyShareExact: z.boolean(),
  estimateRelError: nonNegative,
  heapUtilization: maybe(nonNegative),
  heapAtCeiling: z.boolean(),
  fullRestarts: count,
  downtimeSeconds: maybe(nonNegative),
  acceptedRecordsPerSecond: maybe(nonNegative),
  writeThrottledPerSecond: maybe(nonNegative),
  maxLagMs: nonNegative,
  finalLagMs: maybe(nonNegative),
  lagSlope: finite,
  caughtUp: z.boolean(),
});

const timelinePoint = z.looseObject({
  second: finite,
  millisBehindLatest: maybe(nonNegative),
  offeredRecordsPerSecond: nonNegative,
  recordsInPerSecond: maybe(nonNegative),
  kpus: z.number().int().min(0),
  parallelism,
  parallelismPerKpu: perKpu,
  status: z.string(),
});

const sloSchema = z.strictObject({ maxLagMs: positive, catchUpSeconds: positive, targetUtilization: positive, maxHeapUtilization: positive });

const stateFileSchema = z.strictObject({
  kind: z.literal(STATE_KIND),
  version: z.literal(STATE_VERSION).optional(),
  savedAt: z.string(),
  application: z.string().min(1),
  stream: z.string().min(1),
  region: z.string().optional(),
  load: z.strictObject({ recordsPerSecond: positive, recordBytes: z.number().int().min(1).max(1_048_576) }),
  slo: sloSchema.optional(),
  state: z.strictObject({
    schemaVersion: z.literal(1),
    original: settings,
    startedAtMs: nonNegative,
    elapsedSecondsBefore: nonNegative,
    kpuSeconds: nonNegative,
    reconfigurations: count,
    trials: z.array(trial),
    observations: z.array(observation),
    timeline: z.array(timelinePoint),
    streamProbe: z.strictObject({ offeredRecordsPerSecond: positive, acceptedRecordsPerSecond: nonNegative }).optional(),
  }).refine((s) => s.trials.length === s.observations.length, { message: 'trials and observations must have one entry each per trial', path: ['observations'] }),
});

export async function writeStateFile(path: string, file: Omit<StateFile, 'kind' | 'version' | 'savedAt'>, now = new Date()): Promise<void> {
  const content: StateFile = { kind: STATE_KIND, version: STATE_VERSION, savedAt: now.toISOString(), ...file };
  await writeFileAtomically(path, `${JSON.stringify(content, null, 2)}\n`);
}

export async function readStateFile(path: string): Promise<StateFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InputError(`--resume ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(decodeUtf8(bytes, `--resume ${path}`));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`--resume ${path}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = stateFileSchema.safeParse(json);
  if (!parsed.success) throw new ValidationError(formatIssues(parsed.error), `--resume ${path}`);
  return { ...(parsed.data as unknown as StateFile), version: STATE_VERSION };
}

/** What the command line says the run is; a state file must have been saved for the same. */
export interface ResumeExpectation {
  application: string;
  stream: string;
  recordsPerSecond: number;
  recordBytes: number;
  slo: Slo;
}

/**
 * A state file only resumes the run it came from: every field that differs from the flags is one line
 * naming the flag. `force` (--force-resume) accepts the file anyway, e.g. to continue at a corrected rate.
 */
export function checkResumable(file: StateFile, path: string, now: ResumeExpectation, force = false): void {
  if (force) return;
  const problems: string[] = [];
  const differ = (flag: string, saved: string | number, given: string | number) => {
    if (saved !== given) problems.push(`--resume ${path}: saved with ${flag} ${saved}, not ${flag} ${given} (pass --force-resume to continue anyway)`);
  };
  differ('--app', file.application, now.application);
  differ('--stream', file.stream, now.stream);
  differ('--rate', file.load.recordsPerSecond, now.recordsPerSecond);
  differ('--record-bytes', file.load.recordBytes, now.recordBytes);
  if (file.slo) {
    differ('--slo-lag-ms', file.slo.maxLagMs, now.slo.maxLagMs);
    differ('--catch-up-s', file.slo.catchUpSeconds, now.slo.catchUpSeconds);
    differ('--target-utilization', file.slo.targetUtilization, now.slo.targetUtilization);
  }
  if (problems.length) throw new ValidationError(problems);
}
