/**
 * Managed Service for Apache Flink's control plane over the twin, in the SDK's request/response shapes
 * and with AWS's exceptions, so a calibrator written for AWS runs against it unchanged.
 */
import type {
  ApplicationDetail, DescribeApplicationOperationRequest, DescribeApplicationOperationResponse,
  DescribeApplicationRequest, DescribeApplicationResponse, ListApplicationOperationsRequest,
  ListApplicationOperationsResponse, StartApplicationRequest, StartApplicationResponse, UpdateApplicationRequest,
  UpdateApplicationResponse,
} from '@aws-sdk/client-kinesis-analytics-v2';
import type { KinesisAnalyticsApi } from '../../core/aws-api';
import type { ParallelismSettings } from '../../core/managed-flink';
import { ACCOUNT_ID, REGION, awsError } from './aws-errors';
import { MAX_PARALLELISM_PER_KPU } from '../../core/aws-facts';
import { kpusFor } from '../../core/managed-flink';
import { TWIN_EPOCH_MS, type Operation, type Simulation } from './simulation';

const PARALLELISM_PATH = 'applicationConfigurationUpdate.flinkApplicationConfigurationUpdate.parallelismConfigurationUpdate';

export class TwinKinesisAnalytics implements KinesisAnalyticsApi {
  readonly #sim: Simulation;

  constructor(sim: Simulation) {
    this.#sim = sim;
  }

  async describeApplication(input: DescribeApplicationRequest): Promise<DescribeApplicationResponse> {
    this.#application(input.ApplicationName);
    return { ApplicationDetail: this.#detail() };
  }

  async startApplication(input: StartApplicationRequest): Promise<StartApplicationResponse> {
    const name = this.#application(input.ApplicationName);
    const sim = this.#sim;
    if (sim.status !== 'READY') {
      throw awsError('ResourceInUseException', `Application ${name} is in ${sim.status} status. It must be in READY status to be started.`);
    }
    return { OperationId: sim.start().id };
  }

  async updateApplication(input: UpdateApplicationRequest): Promise<UpdateApplicationResponse> {
    const name = this.#application(input.ApplicationName);
    const sim = this.#sim;
    const target = this.#target(input);
    if (sim.status !== 'RUNNING' && sim.status !== 'READY') {
      throw awsError(
        'ResourceInUseException',
        `Application ${name} is in ${sim.status} status. It must be in READY or RUNNING status to be updated.`,
      );
    }
    if (input.CurrentApplicationVersionId === undefined && input.ConditionalToken === undefined) {
      throw awsError('InvalidArgumentException', 'Either CurrentApplicationVersionId or ConditionalToken must be provided.');
    }
    if (input.CurrentApplicationVersionId !== undefined && input.CurrentApplicationVersionId !== sim.versionId) {
      throw awsError(
        'ConcurrentModificationException',
        `Current application version id ${input.CurrentApplicationVersionId} does not match the latest application version id ${sim.versionId} for application ${name}.`,
      );
    }
    const { maxKpu, maxParallelism } = sim.scenario.limits;
    const kpus = kpusFor(target.parallelism, target.parallelismPerKpu);
    if (target.parallelism > maxParallelism) {
      throw awsError(
        'LimitExceededException',
        `Parallelism ${target.parallelism} exceeds the maximum allowed parallelism of ${maxParallelism} for application ${name}.`,
      );
    }
    if (kpus > maxKpu) {
      throw awsError(
        'LimitExceededException',
        `Application ${name} would use ${kpus} KPUs, which exceeds the maximum of ${maxKpu} KPUs per application. Request a limit increase.`,
      );
    }
    const op = sim.update(target);
    return { ApplicationDetail: this.#detail(), OperationId: op.id };
  }

  async listApplicationOperations(input: ListApplicationOperationsRequest): Promise<ListApplicationOperationsResponse> {
    this.#application(input.ApplicationName);
    const limit = input.Limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
      throw awsError('InvalidArgumentException', `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 50`);
    }
    const matching = [...this.#sim.operations]
      .reverse()
      .filter((op) => (!input.Operation || op.kind === input.Operation) && (!input.OperationStatus || op.status === input.OperationStatus));
    const start = input.NextToken ? Number.parseInt(input.NextToken, 10) : 0;
    if (!Number.isInteger(start) || start < 0 || start > matching.length) {
      throw awsError('InvalidArgumentException', 'The NextToken is invalid or expired.');
    }
    const page = matching.slice(start, start + limit);
    return {
      ApplicationOperationInfoList: page.map((op) => ({
        Operation: op.kind, OperationId: op.id, StartTime: new Date(op.startMs),
        EndTime: op.endMs === undefined ? undefined : new Date(op.endMs), OperationStatus: op.status,
      })),
      NextToken: start + limit < matching.length ? String(start + limit) : undefined,
    };
  }

  async describeApplicationOperation(input: DescribeApplicationOperationRequest): Promise<DescribeApplicationOperationResponse> {
    const name = this.#application(input.ApplicationName);
    const op: Operation | undefined = this.#sim.operations.find((o) => o.id === input.OperationId);
    if (!op) throw awsError('ResourceNotFoundException', `Operation ${input.OperationId} for application ${name} does not exist.`);
    return {
      ApplicationOperationInfoDetails: {
        Operation: op.kind, StartTime: new Date(op.startMs), EndTime: op.endMs === undefined ? undefined : new Date(op.endMs),
        OperationStatus: op.status,
        ApplicationVersionChangeDetails: op.kind === 'StartApplication'
          ? undefined
          : { ApplicationVersionUpdatedFrom: op.fromVersion, ApplicationVersionUpdatedTo: op.toVersion },
      },
    };
  }

  #application(name: string | undefined): string {
    const own = this.#sim.scenario.application;
    if (name !== own) {
      throw awsError('ResourceNotFoundException', `Application ${name ?? '(none)'} is not found in account ${ACCOUNT_ID}.`);
    }
    return own;
  }

  /** The ParallelismConfigurationUpdate applied to the current configuration, validated as AWS does. */
  #target(input: UpdateApplicationRequest): ParallelismSettings {
    const update = input.ApplicationConfigurationUpdate?.FlinkApplicationConfigurationUpdate?.ParallelismConfigurationUpdate;
    const current = this.#sim.configured;
    if (!update) return { ...current };
    if (update.ConfigurationTypeUpdate === 'DEFAULT') {
      // Managed Flink's defaults: Parallelism 1, ParallelismPerKPU 1, autoscaling on.
      return { parallelism: 1, parallelismPerKpu: 1, autoScalingEnabled: true };
    }
    const problems: string[] = [];
    const check = (value: number | undefined, field: string, min: number, max?: number) => {
      if (value === undefined) return;
      if (!Number.isInteger(value) || value < min) {
        problems.push(`Value '${value}' at '${PARALLELISM_PATH}.${field}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
      } else if (max !== undefined && value > max) {
        problems.push(`Value '${value}' at '${PARALLELISM_PATH}.${field}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
      }
    };
    check(update.ParallelismUpdate, 'parallelismUpdate', 1);
    check(update.ParallelismPerKPUUpdate, 'parallelismPerKPUUpdate', 1, MAX_PARALLELISM_PER_KPU);
    if (problems.length > 0) {
      throw awsError('InvalidArgumentException', `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
    }
    return {
      parallelism: update.ParallelismUpdate ?? current.parallelism,
      parallelismPerKpu: update.ParallelismPerKPUUpdate ?? current.parallelismPerKpu,
      autoScalingEnabled: update.AutoScalingEnabledUpdate ?? current.autoScalingEnabled,
    };
  }

  #detail(): ApplicationDetail {
    const sim = this.#sim;
    const name = sim.scenario.application;
    const lastUpdate = [...sim.operations].reverse().find((op) => op.kind !== 'StartApplication');
    return {
      ApplicationARN: `arn:aws:kinesisanalytics:${REGION}:${ACCOUNT_ID}:application/${name}`,
      ApplicationName: name,
      RuntimeEnvironment: 'FLINK-1_20',
      ServiceExecutionRole: `arn:aws:iam::${ACCOUNT_ID}:role/${name}-role`,
      ApplicationStatus: sim.status,
      ApplicationVersionId: sim.versionId,
      ApplicationMode: 'STREAMING',
      CreateTimestamp: new Date(TWIN_EPOCH_MS),
      LastUpdateTimestamp: new Date(lastUpdate ? lastUpdate.startMs : TWIN_EPOCH_MS),
      ApplicationConfigurationDescription: {
        FlinkApplicationConfigurationDescription: {
          ParallelismConfigurationDescription: {
            ConfigurationType: 'CUSTOM',
            Parallelism: sim.configured.parallelism,
            ParallelismPerKPU: sim.configured.parallelismPerKpu,
            CurrentParallelism: sim.running.parallelism,
            AutoScalingEnabled: sim.configured.autoScalingEnabled,
          },
        },
      },
    };
  }
}
