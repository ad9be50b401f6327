/**
 * How many records a rate profile has asked for by a given second: the exact integral of rateAt, so a
 * paced run sends precisely what the profile describes (no drift from summing rounded ticks).
 */
import { rateAt, type RateProfile } from '../core/rate-profile';

/** ∫₀ᵗ rateAt(profile, s) ds, in records. */
export function cumulativeRecords(profile: RateProfile, t: number): number {
  if (t <= 0) return 0;
  switch (profile.type) {
    case 'constant':
      return profile.recordsPerSecond * t;
    case 'ramp': {
      const { from, to, seconds } = profile;
      const r = Math.min(t, seconds);
      return from * r + ((to - from) * r * r) / (2 * seconds) + to * Math.max(0, t - seconds);
    }
    case 'steps': {
      // A stable sort keeps file order among equal atSecond, so the later duplicate wins, as in rateAt.
      const steps = [...profile.steps].sort((a, b) => a.atSecond - b.atSecond);
      let total = 0;
      for (let i = 0; i < steps.length; i++) {
        const from = steps[i].atSecond;
        const until = Math.min(t, i + 1 < steps.length ? steps[i + 1].atSecond : Infinity);
        if (until > from) total += steps[i].recordsPerSecond * (until - from);
      }
      return total;
    }
    case 'spike': {
      const overlap = Math.max(0, Math.min(t, profile.atSecond + profile.seconds) - profile.atSecond);
      return profile.base * t + (profile.peak - profile.base) * overlap;
    }
    case 'daily': {
      const { min, max, periodSeconds: p } = profile;
      return min * t + ((max - min) / 2) * (t - (p / (2 * Math.PI)) * Math.sin((2 * Math.PI * t) / p));
    }
  }
}

/**
 * Where a profile ends by itself, for the default --duration: a ramp at its top, a spike when it is over,
 * one daily period. Constant and steps profiles never end: they need --duration.
 */
export function naturalDurationSeconds(profile: RateProfile): number | undefined {
  switch (profile.type) {
    case 'ramp':
      return profile.seconds;
    case 'spike':
      return profile.atSecond + profile.seconds;
    case 'daily':
      return profile.periodSeconds;
    default:
      return undefined;
  }
}

/** A profile that can be replaced mid-run (LoadDriver.setRate) without re-sending what is already due. */
export class RateSchedule {
  private originSeconds = 0;
  private baseCount = 0;

  constructor(private profile: RateProfile) {}

  /** Records due by `elapsedSeconds` after the start of the run. */
  dueBy(elapsedSeconds: number): number {
    return this.baseCount + cumulativeRecords(this.profile, elapsedSeconds - this.originSeconds);
  }

  rateAt(elapsedSeconds: number): number {
    return rateAt(this.profile, Math.max(0, elapsedSeconds - this.originSeconds));
  }

  /**
   * The second at which record number `n` (1-based) fell due, by bisection of dueBy; records due before
   * the last switchTo are placed at the switch (the earlier profile is gone), which under-states lag.
   */
  secondDue(n: number, notAfterSeconds: number): number {
    if (n <= this.baseCount) return this.originSeconds;
    let lo = this.originSeconds;
    let hi = Math.max(lo, notAfterSeconds);
    for (let i = 0; i < 60 && hi - lo > 1e-6; i++) {
      const mid = (lo + hi) / 2;
      if (this.dueBy(mid) + 1e-6 >= n) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /** From `elapsedSeconds` on, follow `profile` from its second 0. */
  switchTo(profile: RateProfile, elapsedSeconds: number): void {
    this.baseCount = this.dueBy(elapsedSeconds);
    this.originSeconds = elapsedSeconds;
    this.profile = profile;
  }
}
