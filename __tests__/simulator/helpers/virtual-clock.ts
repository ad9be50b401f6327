/**
 * Simulated time for tests: sleep() schedules a timer and the clock jumps straight to the earliest one
 * once the event loop has nothing else to do, so paced runs finish in milliseconds and exactly.
 */
import type { Clock } from '../../../calibration/ports';

export class VirtualClock implements Clock {
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;
  private scheduled = false;
  sleeps = 0;

  constructor(private t = Date.UTC(2026, 0, 15, 8, 0, 0)) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps++;
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.fire());
  }

  private fire(): void {
    this.scheduled = false;
    if (this.timers.length === 0) return;
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = this.timers.shift()!;
    this.t = Math.max(this.t, next.at);
    next.resolve();
    if (this.timers.length > 0) this.schedule();
  }
}
