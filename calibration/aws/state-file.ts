/**
 * DIR/state.json: everything needed to continue an interrupted calibration (`--resume FILE`), rewritten
 * atomically after every trial, so a crash or Ctrl-C at any moment leaves the last whole state.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { CalibrationState } from '../calibrate';
import { InputError } from '../../core/errors';
import { writeFileAtomically } from '../report/atomic-write';
import { formatIssues, ValidationError } from '../../core/validation';

export const STATE_KIND = 'kpufit-calibration-state';

export interface StateFile {
  kind: typeof STATE_KIND;
  savedAt: string;
  application: string;
  stream: string;
  region?: string;
  load: { recordsPerSecond: number; recordBytes: number };
  state: CalibrationState;
}

const settings = z.object({ parallelism: z.number().int().positive(), parallelismPerKpu: z.number().int().positive(), autoScalingEnabled: z.boolean() });
const stateFileSchema = z.object({
  kind: z.literal(STATE_KIND),
  savedAt: z.string(),
  application: z.string().min(1),
  stream: z.string().min(1),
  region: z.string().optional(),
  load: z.object({ recordsPerSecond: z.number().positive(), recordBytes: z.number().positive() }),
  state: z.looseObject({
    schemaVersion: z.literal(1),
    original: settings,
    startedAtMs: z.number(),
    elapsedSecondsBefore: z.number().nonnegative(),
    kpuSeconds: z.number().nonnegative(),
    reconfigurations: z.number().int().nonnegative(),
    trials: z.array(z.looseObject({ parallelism: z.number(), parallelismPerKpu: z.number() })),
    observations: z.array(z.unknown()),
    timeline: z.array(z.unknown()),
  }),
});

export async function writeStateFile(path: string, file: Omit<StateFile, 'kind' | 'savedAt'>, now = new Date()): Promise<void> {
  const content: StateFile = { kind: STATE_KIND, savedAt: now.toISOString(), ...file };
  await writeFileAtomically(path, `${JSON.stringify(content, null, 2)}\n`);
}

export async function readStateFile(path: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`--resume ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`--resume ${path}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = stateFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError(formatIssues(parsed.error), `--resume ${path}`);
  }
  return json as StateFile;
}

/** A state file only resumes the run it came from. */
export function checkResumable(file: StateFile, path: string, application: string, stream: string): void {
  const problems: string[] = [];
  if (file.application !== application) problems.push(`--resume ${path}: saved for application ${file.application}, not --app ${application}`);
  if (file.stream !== stream) problems.push(`--resume ${path}: saved for stream ${file.stream}, not --stream ${stream}`);
  if (problems.length) throw new ValidationError(problems);
}
