/**
 * Driving load: the contract between whoever offers records to a stream (the simulator's generators, the
 * twin's producer) and whoever needs load driven at a rate (the calibrator, the autoscaler's simulation).
 */
import type { RateProfile } from './rate-profile';

export type LoadSpec =
  | { recordsPerSecond: number; recordBytes: number }
  | { profile: RateProfile; recordBytes: number };

export interface LoadStats {
  sent: number;
  acknowledged: number;
  failed: number;
  throttledRetries: number;
  /** Records the producer holds for retry (throttled and not yet accepted). */
  inFlight: number;
}

export interface LoadDriver {
  start(spec: LoadSpec): Promise<void>;
  setRate(recordsPerSecond: number): Promise<void>;
  stop(): Promise<LoadStats>;
  stats(): LoadStats;
}
