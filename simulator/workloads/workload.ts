/** What every workload generator provides; the registry lives in ./index.ts. */
export interface WorkloadOptions {
  seed: number;
  /** Share of events that belong to the one hot entity (skew tests). Default 0. */
  hotKeyShare?: number;
  /** iot only: share of readings beyond the alert threshold. Default 0.01. */
  anomalyShare?: number;
  /** Size of the entity population (devices, users). Defaults per workload. */
  entities?: number;
}

export interface GeneratedEvent {
  event: Record<string, unknown>;
  /** The entity the event belongs to (trip, device, user): the partition key in `entity` mode. */
  key: string;
  /** True when the hot-key share picked this event. */
  hot: boolean;
}

export interface Workload {
  /** The next event, stamped with event time `nowMs` (epoch ms). */
  next(nowMs: number): GeneratedEvent;
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * ISO-8601 UTC timestamps (what toISOString prints) at a fraction of its cost: toISOString was 40% of
 * generating a taxi trip. The "YYYY-MM-DDTHH:MM:" prefix is computed once per minute and cached; seconds
 * and milliseconds come from lookup tables.
 */
export class IsoTimestamps {
  // A direct-mapped cache of minute prefixes: a trip's pickup and drop-off minutes stay within hours.
  private readonly minutes = new Float64Array(256).fill(Number.NaN);
  private readonly prefixes: string[] = new Array<string>(256).fill('');
  private readonly seconds = new Float64Array(8192).fill(Number.NaN);
  private readonly secondStrings: string[] = new Array<string>(8192).fill('');
  private lastMs = Number.NaN;
  private lastIso = '';

  format(epochMs: number): string {
    if (epochMs === this.lastMs) return this.lastIso;
    const ms = Math.floor(epochMs);
    const inMinute = ((ms % 60000) + 60000) % 60000;
    const minute = ms - inMinute;
    const slot = (minute / 60000) & 255;
    if (this.minutes[slot] !== minute) {
      this.minutes[slot] = minute;
      this.prefixes[slot] = new Date(minute).toISOString().slice(0, 17);
    }
    const second = Math.floor(inMinute / 1000);
    this.lastMs = epochMs;
    this.lastIso = `${this.prefixes[slot]}${PAD2[second]}.${PAD3[inMinute - second * 1000]}Z`;
    return this.lastIso;
  }

  /**
   * Whole-second timestamps (the resolution of the TLC trip records) from a direct-mapped cache of
   * finished strings: reused strings are also flat already, which JSON.stringify likes.
   */
  formatSecond(epochMs: number): string {
    const ms = Math.floor(epochMs / 1000) * 1000;
    const slot = (ms / 1000) & 8191;
    if (this.seconds[slot] !== ms) {
      this.seconds[slot] = ms;
      this.secondStrings[slot] = this.format(ms);
    }
    return this.secondStrings[slot];
  }
}

const POWERS = [1, 10, 100, 1000, 10000, 100000, 1000000];

export const round = (x: number, decimals: number): number => Math.round(x * POWERS[decimals]) / POWERS[decimals];

export const clamp = (x: number, min: number, max: number): number => (x < min ? min : x > max ? max : x);
