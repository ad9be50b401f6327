/**
 * Wall-clock time for a calibration on AWS. The sleeps in progress when the run is aborted (Ctrl-C, budget)
 * end at once, so the loop gets to restore the original configuration without finishing its current wait;
 * sleeps after that run in full (the restore polls DescribeApplication at its normal pace).
 */
import type { Clock } from '../ports';

export class SystemClock implements Clock {
  constructor(private readonly signal?: AbortSignal) {}

  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
