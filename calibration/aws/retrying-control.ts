/**
 * ApplicationControl that rides out what a shared, live Managed Flink application throws at a
 * calibration: throttling (backoff), ConcurrentModificationException (someone else updated it, or our own
 * call was retried: re-describe for the fresh ApplicationVersionId) and ResourceInUseException (an update
 * or autoscaling is in progress: wait until it is RUNNING again, re-describe). Bounded: after `maxAttempts`
 * the last error is thrown with what was tried.
 */
import type { ApplicationControl, ApplicationState, ApplicationStatus, Clock, ParallelismSettings } from '../ports';
import { isConcurrentModification, isResourceInUse, isThrottling } from './aws-errors';

export interface RetryOptions {
  /** Attempts per call, the first included. Default 6. */
  maxAttempts: number;
  /** First backoff, doubled each attempt up to maxDelayMs. Defaults 2 s and 60 s. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long to wait for RUNNING after ResourceInUseException, seconds. Default 1800. */
  inUseTimeoutSeconds: number;
  /** Called before each retry (progress lines). */
  onRetry?(what: string, attempt: number, err: Error): void;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 6, baseDelayMs: 2_000, maxDelayMs: 60_000, inUseTimeoutSeconds: 1800 };

const sameSettings = (a: ParallelismSettings, b: ParallelismSettings) =>
  a.parallelism === b.parallelism && a.parallelismPerKpu === b.parallelismPerKpu && a.autoScalingEnabled === b.autoScalingEnabled;

const SETTLING: ReadonlySet<ApplicationStatus> = new Set(['UPDATING', 'AUTOSCALING']);

export class RetryingApplicationControl implements ApplicationControl {
  private readonly options: RetryOptions;

  constructor(private readonly inner: ApplicationControl, private readonly clock: Clock, options: Partial<RetryOptions> = {}) {
    this.options = { ...DEFAULT_RETRY, ...options };
  }

  private delay(attempt: number): number {
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
  }

  private async throttled<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!isThrottling(err) || attempt >= this.options.maxAttempts) throw err;
        this.options.onRetry?.(what, attempt, err as Error);
        await this.clock.sleep(this.delay(attempt));
      }
    }
  }

  describe(): Promise<ApplicationState> {
    return this.throttled('DescribeApplication', () => this.inner.describe());
  }

  async updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }> {
    let versionId = currentVersionId;
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      try {
        return await this.inner.updateParallelism(target, versionId);
      } catch (err) {
        lastError = err as Error;
        if (isThrottling(err)) {
          this.options.onRetry?.('UpdateApplication', attempt, lastError);
          await this.clock.sleep(this.delay(attempt));
          continue;
        }
        if (!isConcurrentModification(err) && !isResourceInUse(err)) throw err;
        this.options.onRetry?.('UpdateApplication', attempt, lastError);
        let fresh = await this.describe();
        if (isResourceInUse(err) || SETTLING.has(fresh.status)) {
          await this.clock.sleep(this.delay(attempt));
          fresh = await this.inner.waitForStatus('RUNNING', this.options.inUseTimeoutSeconds);
        }
        // Our own earlier attempt may have gone through (a retried request, a lost response): done then.
        if (sameSettings(fresh, target) && fresh.versionId > currentVersionId) return {};
        versionId = fresh.versionId;
      }
    }
    throw Object.assign(lastError ?? new Error('UpdateApplication failed'), {
      message: `UpdateApplication still failing after ${this.options.maxAttempts} attempts (re-described each time): ${lastError?.message}`,
    });
  }

  waitForStatus(status: ApplicationStatus, timeoutSeconds: number): Promise<ApplicationState> {
    return this.throttled(`waiting for ${status}`, () => this.inner.waitForStatus(status, timeoutSeconds));
  }
}
