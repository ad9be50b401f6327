/**
 * How every kpufit command fails: one line per problem on stderr, naming the field or flag and what is
 * allowed, and a non-zero exit from one table. Nothing is written to stdout on failure, so `--json`
 * consumers see either a whole document or nothing.
 */
import { InputError, InterruptedError, type StopSignal } from '../../core/errors';
import { ValidationError } from '../../core/validation';

/** The exit codes of every command: bad input 2, runtime failure 1, interrupted 128 + the signal's number. */
export const EXIT_CODES = Object.freeze({ ok: 0, failure: 1, badInput: 2, SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const);

export function exitCodeFor(err: unknown): number {
  if (err instanceof InputError) return EXIT_CODES.badInput;
  if (err instanceof InterruptedError) return EXIT_CODES[err.signal];
  return EXIT_CODES.failure;
}

export function interruptedExitCode(signal: StopSignal = 'SIGINT'): number {
  return EXIT_CODES[signal];
}

export function describeFailure(err: unknown): string[] {
  if (err instanceof ValidationError) {
    return err.problems.map((p) => (err.source ? `${err.source}: ${p}` : p));
  }
  if (err instanceof InputError || err instanceof InterruptedError) return [err.message];
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
      process.exitCode = exitCodeFor(err);
    }
  };
}
