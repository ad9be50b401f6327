/**
 * What calibration spends, as Managed Flink bills it: (n + 1) KPU-seconds of the configuration that runs —
 * the old one until an update completes.
 */
import { kpusFor } from '../../core/managed-flink';
import type { Clock, ParallelismSettings } from '../ports';
import type { CalibrationState } from './types';

export class CalibrationBilling {
  private billed: number;
  private lastTick: number;

  constructor(private readonly clock: Clock, private readonly state: CalibrationState, running: Pick<ParallelismSettings, 'parallelism' | 'parallelismPerKpu'>, private readonly kpuHourUsd: number) {
    this.billed = kpusFor(running.parallelism, running.parallelismPerKpu) + 1;
    this.lastTick = clock.now();
  }

  /** Adds the KPU-seconds since the last tick to the state. */
  tick(): void {
    const now = this.clock.now();
    this.state.kpuSeconds += ((now - this.lastTick) / 1000) * this.billed;
    this.lastTick = now;
  }

  /** From now on the application runs (and is billed for) this configuration. */
  running(config: Pick<ParallelismSettings, 'parallelism' | 'parallelismPerKpu'>): void {
    this.tick();
    this.billed = kpusFor(config.parallelism, config.parallelismPerKpu) + 1;
  }

  spentUsd(): number {
    return (this.state.kpuSeconds / 3600) * this.kpuHourUsd;
  }
}
