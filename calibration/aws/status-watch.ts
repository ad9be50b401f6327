/**
 * Notices when the application leaves RUNNING for a state it does not come back from on its own (stopped,
 * rolled back, deleted): the calibration then cannot measure anything, so the run is aborted at once and
 * the loop restores the original configuration, instead of waiting out a trial on a dead job.
 */
import type { ApplicationControl, ApplicationState, ApplicationStatus, Clock, ParallelismSettings } from '../ports';
import { ApplicationNotRunningError } from './aws-errors';

/** Statuses that pass by themselves: an update, autoscaling, a start, maintenance. */
const TRANSIENT: ReadonlySet<string> = new Set<ApplicationStatus>(['RUNNING', 'UPDATING', 'AUTOSCALING', 'STARTING', 'MAINTENANCE']);

export function leftRunning(status: string): boolean {
  return !TRANSIENT.has(status);
}

export class StatusWatch implements ApplicationControl {
  private reported = false;

  constructor(
    private readonly inner: ApplicationControl,
    private readonly clock: Clock,
    private readonly onLeftRunning: (state: ApplicationState) => void,
    /** DescribeApplication polling while waiting, ms. Default 15 s. */
    private readonly pollMs = 15_000,
  ) {}

  private see(state: ApplicationState): ApplicationState {
    if (leftRunning(state.status) && !this.reported) {
      this.reported = true;
      this.onLeftRunning(state);
    }
    return state;
  }

  async describe(): Promise<ApplicationState> {
    return this.see(await this.inner.describe());
  }

  updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }> {
    return this.inner.updateParallelism(target, currentVersionId);
  }

  /** Polls itself so a status that will never become `status` fails now, not at the timeout. */
  async waitForStatus(status: ApplicationStatus, timeoutSeconds: number): Promise<ApplicationState> {
    const deadline = this.clock.now() + timeoutSeconds * 1000;
    for (;;) {
      const state = await this.describe();
      if (state.status === status) return state;
      if (leftRunning(state.status)) {
        throw new ApplicationNotRunningError(state.name, state.status, `waiting for ${status}, it left RUNNING and will not come back by itself`);
      }
      if (this.clock.now() >= deadline) {
        throw new Error(`application ${state.name} still ${state.status} after ${timeoutSeconds} s waiting for ${status}`);
      }
      await this.clock.sleep(Math.min(this.pollMs, Math.max(0, deadline - this.clock.now())));
    }
  }
}
