/**
 * The progress line a calibration shows on stderr for each of its events, one format for the twin and local
 * targets: phase, trial, configuration, elapsed (calibrator) seconds, lag and the event's message.
 */
import type { CalibrationProgressEvent } from '../run/types';

export function calibrationProgressLine(e: CalibrationProgressEvent): string {
  const config = e.parallelism !== undefined ? ` P=${e.parallelism} K=${e.parallelismPerKpu}` : '';
  const lag = e.lagMs !== undefined && e.lagMs !== null ? ` lag ${Math.round(e.lagMs)} ms` : '';
  return `${e.phase}${e.trial ? ` trial ${e.trial}` : ''}${config} t=${Math.round(e.elapsedSeconds)}s${lag}${e.message ? ` (${e.message})` : ''}`;
}
