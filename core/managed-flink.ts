/**
 * Managed Service for Apache Flink's own vocabulary: the application statuses DescribeApplication returns
 * and the parallelism settings UpdateApplication takes.
 */

/** Managed Flink's ApplicationStatus values. */
export type ApplicationStatus =
  | 'READY' | 'STARTING' | 'RUNNING' | 'UPDATING' | 'AUTOSCALING' | 'STOPPING' | 'FORCE_STOPPING'
  | 'DELETING' | 'ROLLING_BACK' | 'ROLLED_BACK' | 'MAINTENANCE';

export interface ParallelismSettings {
  parallelism: number;
  parallelismPerKpu: number;
  autoScalingEnabled: boolean;
}

/** KPUs a configuration runs on: ceil(Parallelism / ParallelismPerKPU). */
export function kpusFor(parallelism: number, parallelismPerKpu: number): number {
  return Math.ceil(parallelism / parallelismPerKpu);
}
