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

/**
 * Configurations with the same key run the same application layout: P with any ParallelismPerKPU >= P is P
 * subtasks on one KPU; below P every ParallelismPerKPU is a layout of its own (its fullest KPU has that many).
 */
export function layoutKey(c: { parallelism: number; parallelismPerKpu: number }): string {
  return `${c.parallelism}/${Math.min(c.parallelismPerKpu, c.parallelism)}`;
}
