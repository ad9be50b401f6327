/**
 * Follows an update through its operation (DescribeApplicationOperation): when the status wait is over,
 * an update that FAILED (Managed Flink then rolls back to the previous version) is reported with AWS's
 * reason instead of being mistaken for a running trial at the new configuration. When UpdateApplication
 * returned no OperationId, the newest UpdateApplication operation since the call is found with
 * ListApplicationOperations.
 */
import type { KinesisAnalyticsApi } from '../../core/aws-api';
import type { ApplicationControl, ApplicationState, ApplicationStatus, ParallelismSettings } from '../ports';

export class UpdateFailedError extends Error {
  constructor(readonly operationId: string, readonly status: string, detail: string) {
    super(`UpdateApplication operation ${operationId} ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'UpdateFailedError';
  }
}

export class OperationFollower implements ApplicationControl {
  private pending: { operationId?: string; sinceMs: number } | undefined;

  constructor(
    private readonly inner: ApplicationControl,
    private readonly api: KinesisAnalyticsApi,
    private readonly application: string,
    private readonly now: () => number = Date.now,
  ) {}

  describe(): Promise<ApplicationState> {
    return this.inner.describe();
  }

  async updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }> {
    const sinceMs = this.now();
    const out = await this.inner.updateParallelism(target, currentVersionId);
    this.pending = { operationId: out.operationId, sinceMs };
    return out;
  }

  /** The newest UpdateApplication operation started since `sinceMs` (clocks may differ by a little). */
  private async findOperation(sinceMs: number): Promise<string | undefined> {
    if (!this.api.listApplicationOperations) return undefined;
    const out = await this.api.listApplicationOperations({ ApplicationName: this.application, Operation: 'UpdateApplication', Limit: 10 });
    const recent = (out.ApplicationOperationInfoList ?? [])
      .filter((op) => op.OperationId && op.StartTime && new Date(op.StartTime).getTime() >= sinceMs - 60_000)
      .sort((a, b) => new Date(b.StartTime!).getTime() - new Date(a.StartTime!).getTime());
    return recent[0]?.OperationId;
  }

  async waitForStatus(status: ApplicationStatus, timeoutSeconds: number): Promise<ApplicationState> {
    const state = await this.inner.waitForStatus(status, timeoutSeconds);
    const pending = this.pending;
    this.pending = undefined;
    const operationId = pending ? pending.operationId ?? (await this.findOperation(pending.sinceMs)) : undefined;
    if (operationId && this.api.describeApplicationOperation) {
      const out = await this.api.describeApplicationOperation({ ApplicationName: this.application, OperationId: operationId });
      const op = out.ApplicationOperationInfoDetails;
      if (op && (op.OperationStatus === 'FAILED' || op.OperationStatus === 'CANCELLED')) {
        const details = op.OperationFailureDetails;
        const reason = [details?.ErrorInfo?.ErrorString, details?.RollbackOperationId ? `rolled back by operation ${details.RollbackOperationId}` : '']
          .filter(Boolean)
          .join('; ');
        throw new UpdateFailedError(operationId, op.OperationStatus, reason);
      }
    }
    return state;
  }
}
