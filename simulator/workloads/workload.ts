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

/** toISOString is the costliest part of an event; consecutive events mostly share a millisecond. */
export class IsoTimestamps {
  private lastMs = Number.NaN;
  private lastIso = '';

  format(ms: number): string {
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}

export const round = (x: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
};

export const clamp = (x: number, min: number, max: number): number => (x < min ? min : x > max ? max : x);
