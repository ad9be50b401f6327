/** Simulated time for tests: paced runs finish in milliseconds, and exactly, whatever the machine load. */
import type { Clock } from '../../../core/clock';
import { OrderedSleepClock } from '../../../simulator/ordered-clock';

export const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);

/** A bare simulated clock: sleep(ms) moves time forward by ms, nothing else. */
export class ManualClock implements Clock {
  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.t += Math.max(0, ms);
  }
}

export const virtualClock = (start = T0) => new OrderedSleepClock(new ManualClock(start));
