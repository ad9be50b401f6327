/**
 * Rate profiles (docs/file-formats.md): the offered load in records per second as a function of time. Shared by
 * the load generator, the twin and the calibrator, so all three agree on what "peak" means.
 */
export type RateProfile =
  | { type: 'constant'; recordsPerSecond: number }
  | { type: 'ramp'; from: number; to: number; seconds: number }
  | { type: 'steps'; steps: Array<{ atSecond: number; recordsPerSecond: number }> }
  | { type: 'spike'; base: number; peak: number; atSecond: number; seconds: number }
  | { type: 'daily'; min: number; max: number; periodSeconds: number };

export const PROFILE_TYPES = ['constant', 'ramp', 'steps', 'spike', 'daily'] as const;

/** Offered records/s at `second` seconds after the start (held at the last value after a ramp ends). */
export function rateAt(profile: RateProfile, second: number): number {
  switch (profile.type) {
    case 'constant':
      return profile.recordsPerSecond;
    case 'ramp': {
      if (profile.seconds <= 0 || second >= profile.seconds) return profile.to;
      if (second <= 0) return profile.from;
      return profile.from + ((profile.to - profile.from) * second) / profile.seconds;
    }
    case 'steps': {
      // Before the first step nothing is offered; steps need not be sorted in the file.
      let rate = 0;
      let at = -Infinity;
      for (const step of profile.steps) {
        if (step.atSecond <= second && step.atSecond >= at) {
          rate = step.recordsPerSecond;
          at = step.atSecond;
        }
      }
      return rate;
    }
    case 'spike':
      return second >= profile.atSecond && second < profile.atSecond + profile.seconds ? profile.peak : profile.base;
    case 'daily': {
      // Starts at the minimum, peaks half a period later: a smooth day/night cycle.
      const phase = (2 * Math.PI * second) / profile.periodSeconds;
      return profile.min + ((profile.max - profile.min) * (1 - Math.cos(phase))) / 2;
    }
  }
}

/** The profile's maximum: the λ the calibrator must size for. */
export function peakRate(profile: RateProfile): number {
  switch (profile.type) {
    case 'constant':
      return profile.recordsPerSecond;
    case 'ramp':
      return Math.max(profile.from, profile.to);
    case 'steps':
      return profile.steps.reduce((max, s) => Math.max(max, s.recordsPerSecond), 0);
    case 'spike':
      return Math.max(profile.base, profile.peak);
    case 'daily':
      return Math.max(profile.min, profile.max);
  }
}
