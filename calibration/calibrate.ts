/**
 * The calibration run: the seam between the algorithm (calibration/algorithm) and the two worlds it runs in
 * (the twin and AWS). Everything here is written against the ports, so the same loop right-sizes a real
 * Managed Flink application and the in-process twin. These signatures are shared with the AWS run
 * (calibration/aws) and the report writers (calibration/report): keep them stable.
 */
import type { ApplicationControl, Clock, LoadDriver, MetricsSource, ParallelismSettings, StreamInfo } from './ports';
import type { RateProfile } from '../simulator/profile';
import type { CalibrationReport, Slo, TimelinePoint, Trial } from './report-types';
import type { TrialObservation } from './algorithm/observation';

export interface CalibrationPorts {
  control: ApplicationControl;
  metrics: MetricsSource;
  stream: StreamInfo;
  load: LoadDriver;
  clock: Clock;
}

export interface CalibrationOptions {
  target: 'twin' | 'aws';
  application: string;
  stream: string;
  /** The load to size for: its peak (profile's maximum, else recordsPerSecond) is the λ of contracts.md. */
  load: { recordsPerSecond: number; recordBytes: number; profile?: RateProfile };
  slo: Slo;
  limits: { maxKpu: number; maxParallelism: number };
  pricing: { kpuHourUsd: number; storageGbMonthUsd: number };
  /** Stop (verdict aborted, original restored) before calibration spends more than this. */
  maxCostUsd?: number;
  /** Leave the last trial's configuration in place; by default the original configuration is restored. */
  keep?: boolean;
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
}
