import type { Clock } from '../ports';

/** A Clock whose sleep ends early when the run is aborted (the next checkpoint then stops the run). */
export function abortableClock(clock: Clock, signal?: AbortSignal): Clock {
  if (!signal) return clock;
  return {
    now: () => clock.now(),
    sleep: (ms) => {
      if (signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        clock.sleep(ms).then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, reject);
      });
    },
  };
}

