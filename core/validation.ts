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
