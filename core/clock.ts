/**
 * Time as every part of kpufit sees it. SystemClock is wall-clock time for runs against AWS or a local job. The sleeps in progress when the run is aborted (Ctrl-C, budget)
 * end at once, so the loop gets to restore the original configuration without finishing its current wait;
 * sleeps after that run in full (the restore polls DescribeApplication at its normal pace).
 */
/** Real time on AWS and locally, simulated time on the twin (sleep advances the simulation). */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

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
