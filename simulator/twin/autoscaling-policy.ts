/**
 * Managed Flink's built-in autoscaling policy (docs/twin-model.md "Facts"): containerCPUUtilization Maximum >= 75% for
 * 15 consecutive 1-minute datapoints doubles Parallelism; < 10% for 360 datapoints halves it (rounded up),
 * never below the Parallelism the user configured. A minute without a datapoint breaks both streaks.
 */
export const AUTOSCALE_UP_CPU = 75;
export const AUTOSCALE_UP_MINUTES = 15;
export const AUTOSCALE_DOWN_CPU = 10;
export const AUTOSCALE_DOWN_MINUTES = 360;

export interface ScalingBounds {
  /** The Parallelism the user configured: the floor. */
  userParallelism: number;
  maxParallelism: number;
  maxKpu: number;
  parallelismPerKpu: number;
}

export class AutoscalingPolicy {
  private high = 0;
  private low = 0;

  reset(): void {
    this.high = 0;
    this.low = 0;
  }

  /** One closed minute: its containerCPUUtilization Maximum (null: no datapoint). Returns the new Parallelism, or null. */
  observe(maxCpu: number | null, parallelism: number, bounds: ScalingBounds): number | null {
    if (maxCpu === null) {
      this.reset();
      return null;
    }
    this.high = maxCpu >= AUTOSCALE_UP_CPU ? this.high + 1 : 0;
    this.low = maxCpu < AUTOSCALE_DOWN_CPU ? this.low + 1 : 0;
    let target = parallelism;
    if (this.high >= AUTOSCALE_UP_MINUTES) {
      target = Math.min(2 * parallelism, bounds.maxParallelism, bounds.maxKpu * bounds.parallelismPerKpu);
    } else if (this.low >= AUTOSCALE_DOWN_MINUTES) {
      target = Math.max(Math.ceil(parallelism / 2), bounds.userParallelism);
    }
    return target === parallelism ? null : target;
  }
}
