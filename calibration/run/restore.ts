/**
 * Putting the application back as calibration found it: the original configuration, autoscaling included,
 * after waiting out any update in flight.
 */
import type { ApplicationControl, ParallelismSettings } from '../ports';
import type { AlgorithmOptions } from '../algorithm/options';

export const sameSettings = (a: ParallelismSettings, b: ParallelismSettings) =>
  a.parallelism === b.parallelism && a.parallelismPerKpu === b.parallelismPerKpu && a.autoScalingEnabled === b.autoScalingEnabled;


/** Puts the original configuration (autoscaling included) back, waiting out any update in flight. */
export async function restore(control: ApplicationControl, original: ParallelismSettings, algo: AlgorithmOptions, counted: () => void): Promise<void> {
  let app = await control.describe();
  if (app.status !== 'RUNNING') app = await control.waitForStatus('RUNNING', algo.updateTimeoutSeconds);
  if (sameSettings(app, original)) return;
  await control.updateParallelism(original, app.versionId);
  counted();
  await control.waitForStatus('RUNNING', algo.updateTimeoutSeconds);
}

