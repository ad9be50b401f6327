/**
 * The calibrator's ports. The algorithm depends on these alone, never on an SDK or on the twin, so the
 * same code right-sizes a real Managed Flink application and the in-process twin.
 */
import type { GetMetricDataCommandInput, GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import type { RateProfile } from '../simulator/profile';

/** Managed Flink's ApplicationStatus values. */
export type ApplicationStatus =
  | 'READY' | 'STARTING' | 'RUNNING' | 'UPDATING' | 'AUTOSCALING' | 'STOPPING' | 'FORCE_STOPPING'
  | 'DELETING' | 'ROLLING_BACK' | 'ROLLED_BACK' | 'MAINTENANCE';

export interface ParallelismSettings {
  parallelism: number;
  parallelismPerKpu: number;
  autoScalingEnabled: boolean;
}

export interface ApplicationState extends ParallelismSettings {
  name: string;
  arn?: string;
  status: ApplicationStatus;
  /** ApplicationVersionId: UpdateApplication needs the current one. */
  versionId: number;
}

export interface ApplicationControl {
  describe(): Promise<ApplicationState>;
  /** One UpdateApplication call (ParallelismConfigurationUpdate, CUSTOM). */
  updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }>;
  /** Polls DescribeApplication (through the Clock) until the status is reached; throws on timeout. */
  waitForStatus(status: ApplicationStatus, timeoutSeconds: number): Promise<ApplicationState>;
}

/** CloudWatch GetMetricData, request and response as the SDK shapes them. */
export interface MetricsSource {
  getMetricData(input: GetMetricDataCommandInput): Promise<Pick<GetMetricDataCommandOutput, 'MetricDataResults' | 'NextToken' | 'Messages'>>;
}

export interface StreamDescription {
  streamName: string;
  streamArn?: string;
  mode: 'PROVISIONED' | 'ON_DEMAND';
  openShardCount: number;
}

export interface StreamInfo {
  describe(): Promise<StreamDescription>;
}

export type LoadSpec =
  | { recordsPerSecond: number; recordBytes: number }
  | { profile: RateProfile; recordBytes: number };

export interface LoadStats {
  sent: number;
  acknowledged: number;
  failed: number;
  throttledRetries: number;
  /** Records the producer holds for retry (throttled and not yet accepted). */
  inFlight: number;
}

export interface LoadDriver {
  start(spec: LoadSpec): Promise<void>;
  setRate(recordsPerSecond: number): Promise<void>;
  stop(): Promise<LoadStats>;
  stats(): LoadStats;
}

/** Real time on AWS, simulated time on the twin (sleep advances the simulation). */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}
