/**
 * ApplicationControl over the Managed Flink API (KinesisAnalyticsApi): the same adapter drives the real
 * service through the SDK wrappers and the twin in process. An update is one UpdateApplication with
 * CurrentApplicationVersionId and a CUSTOM ParallelismConfigurationUpdate; waiting polls
 * DescribeApplication through the Clock, so on the twin a wait advances simulated time.
 */
import type { ApplicationDetail } from '@aws-sdk/client-kinesis-analytics-v2';
import type { KinesisAnalyticsApi } from '../../core/aws-api';
import type { ApplicationControl, ApplicationState, ApplicationStatus, Clock, ParallelismSettings } from '../ports';

export interface ApplicationControlOptions {
  /** Seconds between DescribeApplication calls while waiting. Default 5. */
  pollSeconds?: number;
}

/** Statuses from which waiting for another can never succeed without an operator. */
const TERMINAL: ReadonlySet<string> = new Set(['READY', 'DELETING', 'ROLLED_BACK', 'FAILED']);

export class WaitTimeoutError extends Error {
  constructor(readonly application: string, readonly wanted: ApplicationStatus, readonly last: string, seconds: number) {
    super(`application ${application} did not reach ${wanted} within ${seconds} s (last status ${last})`);
    this.name = 'WaitTimeoutError';
  }
}

export class UnexpectedStatusError extends Error {
  constructor(readonly application: string, readonly wanted: ApplicationStatus, readonly status: string) {
    super(`application ${application} went to ${status} while waiting for ${wanted}`);
    this.name = 'UnexpectedStatusError';
  }
}

export function applicationState(detail: ApplicationDetail): ApplicationState {
  const p = detail.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
  return {
    name: detail.ApplicationName ?? '',
    arn: detail.ApplicationARN,
    status: detail.ApplicationStatus as ApplicationStatus,
    versionId: detail.ApplicationVersionId ?? 0,
    ...(detail.RuntimeEnvironment ? { runtime: detail.RuntimeEnvironment } : {}),
    parallelism: p?.Parallelism ?? 1,
    parallelismPerKpu: p?.ParallelismPerKPU ?? 1,
    autoScalingEnabled: p?.AutoScalingEnabled ?? false,
  };
}

export function updateRequest(application: string, target: ParallelismSettings, currentVersionId: number) {
  return {
    ApplicationName: application,
    CurrentApplicationVersionId: currentVersionId,
    ApplicationConfigurationUpdate: {
      FlinkApplicationConfigurationUpdate: {
        ParallelismConfigurationUpdate: {
          ConfigurationTypeUpdate: 'CUSTOM' as const,
          ParallelismUpdate: target.parallelism,
          ParallelismPerKPUUpdate: target.parallelismPerKpu,
          AutoScalingEnabledUpdate: target.autoScalingEnabled,
        },
      },
    },
  };
}

export class KinesisAnalyticsApplicationControl implements ApplicationControl {
  private readonly pollMs: number;

  constructor(
    private readonly api: KinesisAnalyticsApi,
    private readonly application: string,
    private readonly clock: Clock,
    options: ApplicationControlOptions = {},
  ) {
    this.pollMs = (options.pollSeconds ?? 5) * 1000;
  }

  async describe(): Promise<ApplicationState> {
    const out = await this.api.describeApplication({ ApplicationName: this.application });
    if (!out.ApplicationDetail) throw new Error(`DescribeApplication returned no detail for ${this.application}`);
    return applicationState(out.ApplicationDetail);
  }

  async updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }> {
    const out = await this.api.updateApplication(updateRequest(this.application, target, currentVersionId));
    return { operationId: out.OperationId };
  }

  async waitForStatus(status: ApplicationStatus, timeoutSeconds: number): Promise<ApplicationState> {
    const deadline = this.clock.now() + timeoutSeconds * 1000;
    for (;;) {
      const state = await this.describe();
      if (state.status === status) return state;
      if (TERMINAL.has(state.status) && state.status !== status) throw new UnexpectedStatusError(this.application, status, state.status);
      if (this.clock.now() >= deadline) throw new WaitTimeoutError(this.application, status, state.status, timeoutSeconds);
      await this.clock.sleep(Math.min(this.pollMs, Math.max(1, deadline - this.clock.now())));
    }
  }
}
