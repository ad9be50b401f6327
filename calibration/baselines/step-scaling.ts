/**
 * Baseline 2: the AWS sample autoscaler (CloudWatch alarms -> Step Functions -> Lambda -> UpdateApplication):
 * a scale-out alarm and a scale-in alarm, each on 5 of 5 one-minute datapoints; scale-out doubles the
 * Parallelism, scale-in halves it (rounded up), within the KPU limits, and nothing happens for 300 s after
 * an action or while the application is not RUNNING. The metrics are the ones the sample offers for a
 * Kinesis source: millisBehindLatest Maximum to scale out, containerCPUUtilization Maximum to scale in.
 * It runs through the same ports as the kpufit policy.
 */
import { kpusFor } from '../../core/managed-flink';
import type { ApplicationControl, Clock, MetricsSource } from '../ports';

export interface StepScalingOptions {
  /** Scale out when millisBehindLatest Maximum is at or above this, ms. Default 10000. */
  scaleOutLagMs: number;
  /** Scale in when containerCPUUtilization Maximum is below this, %. Default 20. */
  scaleInCpuPercent: number;
  /** Datapoints to alarm (of as many), one-minute periods. Default 5. */
  datapoints: number;
  /** Seconds after an action before the next. Default 300. */
  cooldownSeconds: number;
  minKpus: number;
  maxKpus: number;
  maxParallelism: number;
}

export const DEFAULT_STEP_SCALING: Readonly<Omit<StepScalingOptions, 'maxKpus' | 'maxParallelism'>> = Object.freeze({
  scaleOutLagMs: 10000,
  scaleInCpuPercent: 20,
  datapoints: 5,
  cooldownSeconds: 300,
  minKpus: 1,
});

export interface StepPorts {
  control: ApplicationControl;
  metrics: MetricsSource;
  clock: Clock;
}

export class StepScalingPolicy {
  private lastActionMs = -Infinity;

  constructor(private readonly options: StepScalingOptions) {}

  /** One evaluation (each minute): returns the new Parallelism it set, or null. */
  async tick(ports: StepPorts): Promise<number | null> {
    const now = ports.clock.now();
    const app = await ports.control.describe();
    if (app.status !== 'RUNNING' || now - this.lastActionMs < this.options.cooldownSeconds * 1000) return null;
    const n = this.options.datapoints;
    const periods = (await ports.metrics.read(now - n * 60000, now)).filter((m) => m.startMs + 60000 <= now);
    if (periods.length < n) return null;
    const out = periods.every((m) => m.lagMaxMs !== null && m.lagMaxMs >= this.options.scaleOutLagMs);
    const inn = periods.every((m) => m.containerCpuMax !== null && m.containerCpuMax < this.options.scaleInCpuPercent);
    const k = app.parallelismPerKpu;
    const maxP = Math.min(this.options.maxParallelism, this.options.maxKpus * k);
    const minP = Math.max(1, (this.options.minKpus - 1) * k + 1);
    let target = app.parallelism;
    if (out) target = Math.min(maxP, app.parallelism * 2);
    else if (inn) target = Math.max(minP, Math.ceil(app.parallelism / 2));
    if (target === app.parallelism || kpusFor(target, k) > this.options.maxKpus) return null;
    try {
      await ports.control.updateParallelism({ parallelism: target, parallelismPerKpu: k, autoScalingEnabled: false }, app.versionId);
    } catch (err) {
      if ((err as Error).name === 'ConcurrentModificationException' || (err as Error).name === 'ResourceInUseException') return null;
      throw err;
    }
    this.lastActionMs = now;
    return target;
  }
}
