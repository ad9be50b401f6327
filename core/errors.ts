/**
 * kpufit's error taxonomy, shared by every part so the CLI can map failures to exit codes in one table
 * (calibration/cli/errors.ts) without any part knowing about exit codes:
 * - InputError: a value the user supplied (a flag, a file, a field in it) is wrong. Raised before any work.
 * - InterruptedError: a signal stopped the run; whatever had to be undone was undone.
 * - anything else: the run failed at run time (an API refused, a service was unreachable...).
 */

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export class InterruptedError extends Error {
  constructor(message: string, readonly signal: StopSignal = 'SIGINT') {
    super(message);
    this.name = 'InterruptedError';
  }
}
