/** Which AWS errors a calibration on AWS retries, and the clear failures it raises itself. */

const THROTTLING = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException',
]);

export function errorName(err: unknown): string {
  return err && typeof err === 'object' && 'name' in err ? String((err as { name: unknown }).name) : '';
}

export function isThrottling(err: unknown): boolean {
  const name = errorName(err);
  if (THROTTLING.has(name)) return true;
  // Some services say LimitExceededException for request rates; a real limit says so in its message.
  return name === 'LimitExceededException' && /rate exceeded/i.test((err as Error).message ?? '');
}

export const isConcurrentModification = (err: unknown) => errorName(err) === 'ConcurrentModificationException';
export const isResourceInUse = (err: unknown) => errorName(err) === 'ResourceInUseException';

/** The application is not in a state calibration can work with. */
export class ApplicationNotRunningError extends Error {
  constructor(readonly application: string, readonly status: string, detail: string) {
    super(`application ${application} is ${status}, not RUNNING: ${detail}`);
    this.name = 'ApplicationNotRunningError';
  }
}

/** Calibration would spend more than --max-kpu or --max-cost-usd allow. */
export class BudgetExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExceededError';
  }
}
