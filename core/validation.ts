/**
 * One error line per problem, naming the JSON path and what is allowed: the format every kpufit input
 * (scenario files, profiles, CLI flags) reports in, e.g. `job.cpuMsPerRecord: must be > 0`.
 */
import { z } from 'zod';
import { InputError } from './errors';

export class ValidationError extends InputError {
  constructor(readonly problems: string[], readonly source?: string) {
    super(`${source ? `${source}: ` : ''}invalid input\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ValidationError';
  }
}

function pathOf(path: ReadonlyArray<PropertyKey>, prefix: string): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** Turns zod issues into `path: message` lines; unknown keys get one line each. */
export function formatIssues(error: z.ZodError, prefix = ''): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${pathOf([...issue.path, key], prefix)}: unknown key`);
    } else {
      lines.push(`${pathOf(issue.path, prefix)}: ${issue.message}`);
    }
  }
  return lines;
}

/** Parses or throws a ValidationError listing every problem. */
export function parseOrThrow<T extends z.ZodTypeAny>(schema: T, value: unknown, source?: string, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(formatIssues(result.error, prefix), source);
  return result.data;
}

/**
 * The text of an input file: UTF-8 without its byte-order mark (editors on Windows add one, JSON.parse
 * rejects it), or an InputError naming `source` for bytes that are not UTF-8 (instead of the garbled
 * characters a lenient decode would hand JSON.parse).
 */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${source}: not valid UTF-8 (save the file as UTF-8)`);
  }
}

/** What a numeric flag accepts; every kpufit command checks its numbers with numberFlag / numberFlagProblem. */
export interface NumberRule {
  integer?: boolean;
  /** Smallest value allowed (inclusive). */
  min?: number;
  /** Values must be greater than this (exclusive); e.g. 0 for "> 0". */
  above?: number;
  /** Largest value allowed (inclusive). */
  max?: number;
  /** What the number counts, appended to the rule, e.g. "records per second". */
  unit?: string;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  let range: string;
  if (rule.min !== undefined && rule.max !== undefined) range = `from ${rule.min} to ${rule.max}`;
  else if (rule.above !== undefined && rule.max !== undefined) range = `> ${rule.above} and <= ${rule.max}`;
  else if (rule.above !== undefined) range = `> ${rule.above}`;
  else if (rule.min !== undefined) range = `>= ${rule.min}`;
  else if (rule.max !== undefined) range = `<= ${rule.max}`;
  else range = '';
  return `${kind}${range ? ` ${range}` : ''}${rule.unit ? ` (${rule.unit})` : ''}`;
}

/** The one-line problem with a numeric flag's value (`--rate: must be a number > 0, got -1`), or undefined. */
export function numberFlagProblem(flag: string, value: unknown, rule: NumberRule): string | undefined {
  const ok = typeof value === 'number' && Number.isFinite(value)
    && (!rule.integer || Number.isInteger(value))
    && (rule.min === undefined || value >= rule.min)
    && (rule.above === undefined || value > rule.above)
    && (rule.max === undefined || value <= rule.max);
  return ok ? undefined : `--${flag}: must be ${describeRule(rule)}, got ${String(value)}`;
}

/** The flag's value if it follows `rule`, else an InputError naming the flag and what is allowed. */
export function numberFlag(flag: string, value: unknown, rule: NumberRule): number {
  const problem = numberFlagProblem(flag, value, rule);
  if (problem) throw new InputError(problem);
  return value as number;
}

/** Like numberFlag for an optional flag: undefined stays undefined. */
export function optionalNumberFlag(flag: string, value: unknown, rule: NumberRule): number | undefined {
  return value === undefined ? undefined : numberFlag(flag, value, rule);
}

/** The value if it is one of `allowed`, else an InputError listing them. */
export function choiceFlag<T extends string>(flag: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`--${flag}: must be one of ${allowed.join(', ')}, got "${String(value)}"`);
}

/**
 * Flags given that mean nothing for the chosen mode are errors, not silently ignored:
 * `--out: only applies to --target file`. `given` maps flag name to its value (undefined = not given).
 */
export function rejectFlags(given: Record<string, unknown>, appliesTo: string): void {
  const flag = Object.keys(given).find((f) => given[f] !== undefined && given[f] !== false);
  if (flag) throw new InputError(`--${flag}: only applies to ${appliesTo}`);
}
