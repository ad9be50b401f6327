/**
 * How every kpufit command fails: one line per problem on stderr, naming the field or flag and what is
 * allowed, and a non-zero exit. Nothing is written to stdout on failure, so `--json` consumers see either
 * a whole document or nothing.
 */
import { ValidationError } from '../../simulator/validation';

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

export function describeFailure(err: unknown): string[] {
  if (err instanceof ValidationError) {
    return err.problems.map((p) => (err.source ? `${err.source}: ${p}` : p));
  }
  if (err instanceof CliError) return [err.message];
  if (err instanceof Error) return [`${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}`];
  return [String(err)];
}

/** Wraps a command handler: turns any failure into error lines and an exit code. */
export function runCommand<A>(handler: (args: A) => Promise<void>): (args: A) => Promise<void> {
  return async (args: A) => {
    try {
      await handler(args);
    } catch (err) {
      for (const line of describeFailure(err)) process.stderr.write(`kpufit: error: ${line}\n`);
      process.exitCode = err instanceof CliError ? err.exitCode : 1;
    }
  };
}
