/**
 * Follows an update through its operation (DescribeApplicationOperation): when the status wait is over,
 * an update that FAILED (Managed Flink then rolls back to the previous version) is reported with AWS's
 * reason instead of being mistaken for a running trial at the new configuration.
 */
import type { KinesisAnalyticsApi } from '../aws-api';
import type { ApplicationControl, ApplicationState, ApplicationStatus, ParallelismSettings } from '../ports';

export class UpdateFailedError extends Error {
  constructor(readonly operationId: string, readonly status: string, detail: string) {
    super(`UpdateApplication operation ${operationId} ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'UpdateFailedError';
  }
}

export class OperationFollower implements ApplicationControl {
  private pending: string | undefined;

  constructor(private readonly inner: ApplicationControl, private readonly api: KinesisAnalyticsApi, private readonly application: string) {}

  describe(): Promise<ApplicationState> {
    return this.inner.describe();
  }

  async updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }> {
    const out = await this.inner.updateParallelism(target, currentVersionId);
    this.pending = out.operationId;
    return out;
  }

  async waitForStatus(status: ApplicationStatus, timeoutSeconds: number): Promise<ApplicationState> {
    const state = await this.inner.waitForStatus(status, timeoutSeconds);
    const operationId = this.pending;
    if (operationId && this.api.describeApplicationOperation) {
      this.pending = undefined;
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
