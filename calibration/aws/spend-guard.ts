/**
 * Bounds what a calibration may spend on AWS: no configuration above --max-kpu is ever requested, and
 * --max-cost-usd is checked as the run goes, billing as Managed Flink does ((KPUs + 1 orchestration KPU)
 * per hour). Before each update it projects the next trial at the new size; when that, or the spend so far
 * plus a reserve for restoring the original, would pass the budget, it stops the run (which then restores
 * the original configuration). Restoring the original is always allowed: it is what ends the spending.
 */
import type { ApplicationControl, ApplicationState, ApplicationStatus, Clock, ParallelismSettings } from '../ports';
import { kpusFor } from '../../core/managed-flink';
import { BudgetExceededError } from './aws-errors';

export interface SpendLimits {
  maxKpu: number;
  maxCostUsd?: number;
  kpuHourUsd: number;
  /** Expected length of one trial, seconds: the projection before an update. Default 900. */
  trialSeconds?: number;
  /** Time budgeted for restoring the original at the end, seconds. Default 300. */
  restoreSeconds?: number;
  /** KPU-seconds already spent by the run this one resumes. */
  spentKpuSeconds?: number;
}

const kpusOf = (s: ParallelismSettings) => kpusFor(s.parallelism, s.parallelismPerKpu);

const isSame = (a: ParallelismSettings, b: ParallelismSettings) =>
  a.parallelism === b.parallelism && a.parallelismPerKpu === b.parallelismPerKpu && a.autoScalingEnabled === b.autoScalingEnabled;

export class SpendGuard implements ApplicationControl {
  private kpus: number | undefined;
  private sinceMs: number;
  private kpuSeconds: number;
  private stopped = false;

  constructor(
    private readonly inner: ApplicationControl,
    private readonly clock: Clock,
    private readonly limits: SpendLimits,
    /** The configuration before calibration: restoring it is never refused. */
    private readonly original: ParallelismSettings,
    private readonly onBudgetReached: (reason: string) => void,
  ) {
    this.sinceMs = clock.now();
    this.kpuSeconds = limits.spentKpuSeconds ?? 0;
  }

  /** (n + 1) KPU-seconds so far, the orchestration KPU included. */
  spentKpuSeconds(): number {
    const running = this.kpus === undefined ? 0 : ((this.kpus + 1) * (this.clock.now() - this.sinceMs)) / 1000;
    return this.kpuSeconds + running;
  }

  spentUsd(): number {
    return (this.spentKpuSeconds() / 3600) * this.limits.kpuHourUsd;
  }

  private costUsd(kpus: number, seconds: number): number {
    return ((kpus + 1) * seconds * this.limits.kpuHourUsd) / 3600;
  }

  private restoreReserveUsd(): number {
    return this.costUsd(Math.max(kpusOf(this.original), this.kpus ?? 0), this.limits.restoreSeconds ?? 300);
  }

  private setKpus(kpus: number): void {
    this.kpuSeconds = this.spentKpuSeconds();
    this.sinceMs = this.clock.now();
    this.kpus = kpus;
  }

  private check(): void {
    const max = this.limits.maxCostUsd;
    if (max === undefined || this.stopped) return;
    if (this.spentUsd() + this.restoreReserveUsd() >= max) {
      this.stopped = true;
      this.onBudgetReached(
        `--max-cost-usd ${max}: spent $${this.spentUsd().toFixed(2)} so far, and restoring the original needs about $${this.restoreReserveUsd().toFixed(2)}`,
      );
    }
  }

  async describe(): Promise<ApplicationState> {
    const state = await this.inner.describe();
    if (this.kpus === undefined) this.setKpus(kpusOf(state));
    this.check();
    return state;
  }

  async updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }> {
    const kpus = kpusOf(target);
    if (!isSame(target, this.original)) {
      if (kpus > this.limits.maxKpu) {
        throw new BudgetExceededError(`--max-kpu ${this.limits.maxKpu}: refusing to set ${target.parallelism}/${target.parallelismPerKpu} (${kpus} KPUs)`);
      }
      const max = this.limits.maxCostUsd;
      const projected = this.spentUsd() + this.costUsd(kpus, this.limits.trialSeconds ?? 900) + this.restoreReserveUsd();
      if (max !== undefined && projected > max) {
        const reason = `--max-cost-usd ${max}: a trial at ${kpus} KPUs would bring calibration to about $${projected.toFixed(2)}`;
        this.stopped = true;
        this.onBudgetReached(reason);
        throw new BudgetExceededError(reason);
      }
    }
    const result = await this.inner.updateParallelism(target, currentVersionId);
    this.setKpus(kpus);
    return result;
  }

  waitForStatus(status: ApplicationStatus, timeoutSeconds: number): Promise<ApplicationState> {
    return this.inner.waitForStatus(status, timeoutSeconds);
  }
}
