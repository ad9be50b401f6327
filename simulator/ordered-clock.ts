/**
 * Puts concurrent sleepers on a simulated clock in time order. A simulated clock's sleep(ms) advances
 * time at once, so two actors sleeping together (the pacer's tick and a producer's backoff) would add
 * their waits up. Here each sleep becomes a timer, and once the event loop is otherwise idle the clock
 * advances only to the earliest timer and wakes that sleeper alone.
 */
import type { Clock } from '../core/clock';

export class OrderedSleepClock implements Clock {
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;
  private scheduled = false;

  constructor(private readonly base: Clock) {}

  now(): number {
    return this.base.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.base.now() + Math.max(0, ms), seq: this.seq++, resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after pending promise callbacks: every actor has had its turn before time moves.
    setImmediate(() => void this.fire());
  }

  private async fire(): Promise<void> {
    this.scheduled = false;
    if (this.timers.length === 0) return;
    let earliest = 0;
    for (let i = 1; i < this.timers.length; i++) {
      const a = this.timers[i];
      const b = this.timers[earliest];
      if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) earliest = i;
    }
    const next = this.timers.splice(earliest, 1)[0];
    const gap = next.at - this.base.now();
    if (gap > 0) await this.base.sleep(gap);
    next.resolve();
    if (this.timers.length > 0) this.schedule();
  }
}
