/**
 * The calibrator wired to the in-process twin: the same port adapters as on AWS (over the twin's
 * AWS-shaped APIs), the twin's load driver, and a scenario's slo/limits/pricing as the user's options.
 * The scenario's job parameters are never read here — the calibrator sees only what AWS would show.
 * The twin is disposable, so the run keeps the last trial's configuration (keep = true): its
 * reconfiguration count is the calibration's own moves, without a final restore.
 */
import { peakRate } from '../core/rate-profile';
import { Twin, type Scenario } from '../simulator/twin';
import { twinPorts } from './adapters/twin-ports';
import { calibrate, type CalibrationHooks, type CalibrationOptions } from './calibrate';
import type { AlgorithmOptions } from './algorithm/options';
import { runBuiltInAutoscaling } from './baselines/builtin-autoscaling';
import type { CalibrationReport } from './report-types';

/** What a user would pass on the command line for this scenario: its load, SLO, limits and prices. */
export function twinCalibrationOptions(scenario: Scenario, algorithm?: Partial<AlgorithmOptions>): CalibrationOptions {
  return {
    target: 'twin',
    application: scenario.application,
    stream: scenario.stream.name,
    load: { recordsPerSecond: peakRate(scenario.load.profile), recordBytes: scenario.load.recordBytes, profile: scenario.load.profile },
    slo: scenario.slo,
    limits: scenario.limits,
    pricing: scenario.pricing,
    keep: true,
    algorithm,
  };
}

export interface TwinCalibrationOptions {
  hooks?: CalibrationHooks;
  algorithm?: Partial<AlgorithmOptions>;
  /** Run Managed Flink's built-in autoscaling on a fresh twin for the comparison. Default true. */
  compareBuiltInAutoscaling?: boolean;
  /** The scenario file, recorded in the report. */
  scenarioPath?: string;
}

export async function calibrateOnTwin(scenario: Scenario, options: TwinCalibrationOptions = {}): Promise<CalibrationReport> {
  const twin = Twin.fromScenario(scenario);
  const report = await calibrate(twinPorts(twin, scenario, options.algorithm?.pollSeconds), twinCalibrationOptions(scenario, options.algorithm), options.hooks);
  if (options.scenarioPath) report.scenario = options.scenarioPath;
  const signal = options.hooks?.signal;
  // A run stopped by a signal is not compared: the signal asked for the report as it stands.
  if ((options.compareBuiltInAutoscaling ?? true) && !signal?.aborted) {
    options.hooks?.onProgress?.({ phase: 'autoscaling-comparison', elapsedSeconds: report.elapsedSeconds, message: "running Managed Flink's built-in autoscaling on a fresh twin" });
    try {
      report.builtInAutoscaling = await runBuiltInAutoscaling(scenario, { signal });
    } catch (err) {
      // Stopped halfway: the calibration's report is complete, the comparison is left out rather than half-done.
      if (!signal?.aborted) throw err;
    }
  }
  return report;
}
