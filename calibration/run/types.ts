/**
 * The public shapes of a calibration run: its options, progress events and hooks, the resumable state, and
 * the two ways it ends without an answer. Shared by the loop (calibration/calibrate.ts), its collaborators
 * in calibration/run/, the AWS run and the CLI.
 */
import type { RateProfile } from '../../core/rate-profile';
import type { ParallelismSettings } from '../ports';
import type { CalibrationReport, Slo, TimelinePoint, Trial } from '../report-types';
import type { TrialObservation } from '../algorithm/observation';
import type { AlgorithmOptions } from '../algorithm/options';
import type { StreamProbe } from '../algorithm/stream-advice';

export interface CalibrationOptions {
  target: 'twin' | 'aws' | 'local';
  application: string;
  stream: string;
  /** The load to size for: its peak (profile's maximum, else recordsPerSecond) is λ (docs/calibration.md). */
  load: { recordsPerSecond: number; recordBytes: number; profile?: RateProfile };
  slo: Slo;
  limits: { maxKpu: number; maxParallelism: number };
  pricing: { kpuHourUsd: number; storageGbMonthUsd: number };
  /** Stop (verdict aborted, original restored) before calibration spends more than this. */
  maxCostUsd?: number;
  /** Leave the last trial's configuration in place; by default the original configuration is restored. */
  keep?: boolean;
  /** Algorithm knobs (calibration/algorithm/options.ts); unset ones keep their documented defaults. */
  algorithm?: Partial<AlgorithmOptions>;
}

export interface CalibrationProgressEvent {
  phase: string;
  trial?: number;
  parallelism?: number;
  parallelismPerKpu?: number;
  elapsedSeconds: number;
  lagMs?: number | null;
  message?: string;
}

export interface CalibrationHooks {
  onProgress?(e: CalibrationProgressEvent): void;
  /** After every finished trial, with the state to resume from (the AWS run persists it). */
  onTrial?(trial: Trial, state: CalibrationState): void | Promise<void>;
  /** Continue an interrupted run from its last saved state. */
  resume?: CalibrationState;
  /** Abort: the original configuration is restored and the report's verdict is `aborted`. */
  signal?: AbortSignal;
}

/**
 * Everything needed to resume a run, JSON-serializable: the configuration to restore, the trials and the
 * evidence the model was fitted on, and the bookkeeping of what calibration has spent so far.
 */
export interface CalibrationState {
  schemaVersion: 1;
  /** The application's configuration before calibration (autoscaling included): what is restored. */
  original: ParallelismSettings;
  /** Epoch ms when the run started (clock time). */
  startedAtMs: number;
  /** Simulated/wall seconds and (n+1) KPU-seconds spent before the current process took over. */
  elapsedSecondsBefore: number;
  kpuSeconds: number;
  reconfigurations: number;
  trials: Trial[];
  /** What each trial measured: the model is refitted from these alone. */
  observations: TrialObservation[];
  timeline: TimelinePoint[];
  /** The write probe made before the first trial when the peak exceeds the shards' uniform capacity. */
  streamProbe?: StreamProbe;
}

/** The run stopped before an answer (signal, cost cap, an API failure); the original configuration was restored. */
export class CalibrationAbortedError extends Error {
  constructor(message: string, readonly report: CalibrationReport, readonly cause?: unknown) {
    super(message);
    this.name = 'CalibrationAbortedError';
  }
}

/** Refusals before anything changed (application not RUNNING, stream not found...). */
export class CalibrationPreconditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationPreconditionError';
  }
}

