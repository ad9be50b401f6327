/**
 * The calibration loop: observe the running configuration, fit the model, try its answer, verify one KPU
 * fewer unless the evidence excludes it, and stop. Written against the ports alone, so the same loop
 * right-sizes a Managed Flink application, the in-process twin and a local Flink job. Its collaborators
 * live in calibration/run/: billing, the stream probe, restore, report assembly, the abortable clock.
 */
import type { CalibrationPorts, ParallelismSettings } from './ports';
import { peakRate } from '../core/rate-profile';
import type { CalibrationReport } from './report-types';
import type { MinuteSample } from './algorithm/observation';
import { algorithmOptions } from './algorithm/options';
import { decide, type Decision } from './algorithm/decision';
import { MetricsCollector } from './algorithm/metrics-collector';
import { shardWriteLimit } from '../core/aws-facts';
import { TrialRunner } from './trial-runner';
import { abortableClock } from './run/abortable-clock';
import { CalibrationBilling } from './run/billing';
import { abortedReport, appendTrialMinutes, buildReport, timelinePoints, trialRecord } from './run/report-assembly';
import { restore, sameSettings } from './run/restore';
import { probeStream } from './run/stream-probe';
import { discoverSeries } from './run/series-discovery';
import {
  CalibrationAbortedError, CalibrationPreconditionError,
  type CalibrationHooks, type CalibrationOptions, type CalibrationState,
} from './run/types';

export * from './run/types';

class StopRequested extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'StopRequested';
  }
}

/**
 * Finds the fewest-KPU configuration that keeps up with the load's peak (docs/json-shapes.md "What right-sized
 * means"), from what the ports show: observe the running configuration, fit the model, try its answer,
 * verify one KPU fewer unless the evidence excludes it, and stop. Built-in autoscaling is switched off for
 * the trials; the original configuration (autoscaling included) is restored on abort, on failure, and at
 * the end unless `keep`.
 */
export async function calibrate(ports: CalibrationPorts, options: CalibrationOptions, hooks: CalibrationHooks = {}): Promise<CalibrationReport> {
  const algo = algorithmOptions(options.algorithm);
  const clock = abortableClock(ports.clock, hooks.signal);
  const run: CalibrationPorts = { ...ports, clock };
  const peak = options.load.profile ? peakRate(options.load.profile) : options.load.recordsPerSecond;
  const recordBytes = options.load.recordBytes;
  if (!(peak > 0)) throw new CalibrationPreconditionError(`load: the peak rate must be > 0 records/s (got ${peak})`);

  const app = await ports.control.describe();
  if (app.status !== 'RUNNING') {
    throw new CalibrationPreconditionError(`application ${options.application} is ${app.status}; calibration needs it RUNNING`);
  }
  const streamDescription = await ports.stream.describe();
  const discovery = await discoverSeries(ports.metrics, options);
  const shards = streamDescription.openShardCount;
  const processStartMs = clock.now();
  const state: CalibrationState = hooks.resume ? structuredClone(hooks.resume) : {
    schemaVersion: 1,
    original: { parallelism: app.parallelism, parallelismPerKpu: app.parallelismPerKpu, autoScalingEnabled: app.autoScalingEnabled },
    startedAtMs: processStartMs,
    elapsedSecondsBefore: 0,
    kpuSeconds: 0,
    reconfigurations: 0,
    trials: [],
    observations: [],
    timeline: [],
  };
  const elapsedBefore = state.elapsedSecondsBefore;
  const elapsed = () => elapsedBefore + (clock.now() - processStartMs) / 1000;
  const collector = new MetricsCollector(ports.metrics, state.startedAtMs);
  const setup = { peak, recordBytes, shards, slo: options.slo, options: algo, streamProbe: state.streamProbe };
  const runner = new TrialRunner(run, collector, setup);
  const decisionInput = () => ({ observations: state.observations, peak, recordBytes, shards, slo: options.slo, limits: options.limits, options: algo, streamProbe: state.streamProbe });

  const billing = new CalibrationBilling(clock, state, app, options.pricing.kpuHourUsd);
  const tick = () => billing.tick();
  const spentUsd = () => billing.spentUsd();
  const checkpoint = () => {
    tick();
    if (hooks.signal?.aborted) throw new StopRequested('interrupted');
    if (options.maxCostUsd !== undefined && spentUsd() > options.maxCostUsd) {
      throw new StopRequested(`calibration spent $${spentUsd().toFixed(2)}, over --max-cost-usd ${options.maxCostUsd}`);
    }
  };

  let current: ParallelismSettings = { parallelism: app.parallelism, parallelismPerKpu: app.parallelismPerKpu, autoScalingEnabled: app.autoScalingEnabled };
  let restarts = await restartsSoFar(collector, clock.now());
  let decision: Decision | undefined;
  // Above the shards' uniform write capacity every shard saturates and key skew hides: look first.
  const uniformWriteCapacity = shards * shardWriteLimit(recordBytes);
  let probeUntilSecond = -1;
  const probeRate = peak > uniformWriteCapacity && state.trials.length === 0 && !state.streamProbe ? 0.95 * uniformWriteCapacity : null;
  await ports.load.start({ recordsPerSecond: probeRate ?? peak, recordBytes });
  try {
    if (probeRate !== null) {
      hooks.onProgress?.({ phase: 'stream-probe', elapsedSeconds: elapsed(), message: `writing ${Math.round(probeRate)} records/s to see key skew before the shards saturate` });
      state.streamProbe = await probeStream(collector, clock, probeRate, algo.metricsDelaySeconds);
      probeUntilSecond = Math.round((clock.now() - state.startedAtMs) / 1000);
      setup.streamProbe = state.streamProbe;
      checkpoint();
      await ports.load.setRate(peak);
    }
    for (;;) {
      checkpoint();
      let target: ParallelismSettings;
      let purpose: string;
      if (state.trials.length === 0) {
        target = current;
        purpose = 'the configuration already running';
      } else {
        decision = decide(decisionInput());
        if (decision.kind === 'done') break;
        target = { parallelism: decision.config.parallelism, parallelismPerKpu: decision.config.parallelismPerKpu, autoScalingEnabled: false };
        purpose = decision.purpose;
      }
      const update = !sameSettings(target, current) || state.trials.length > 0;
      const index = state.trials.length + 1;
      hooks.onProgress?.({ phase: update ? 'updating' : 'observing', trial: index, parallelism: target.parallelism, parallelismPerKpu: target.parallelismPerKpu, elapsedSeconds: elapsed(), message: purpose });
      const outcome = await runner.run(target, update, state.observations, restarts, {
        checkpoint,
        onUpdate: (t) => {
          state.reconfigurations++;
          current = t;
        },
        onRunning: (t) => billing.running(t),
        onMinute: (obs, sample) => {
          tick();
          hooks.onProgress?.({
            phase: 'trial', trial: index, parallelism: target.parallelism, parallelismPerKpu: target.parallelismPerKpu,
            elapsedSeconds: elapsed(), lagMs: sample?.lagMaxMs ?? null, message: `${obs.cleanMinutes} min measured`,
          });
        },
      }, state.trials.length === 0 && !hooks.resume ? state.startedAtMs : undefined);
      const blind = outcome.samples.every((m) => m.consumed === null && m.lagMaxMs === null);
      if (blind && index >= 2 && state.observations.every((o) => o.cleanMinutes === 0)) {
        // Nothing measured at two sizes: a wrong name or dimension, or a job that reads nothing. Stop, don't guess.
        // (Not after the first: a dry run, which has no metrics by design, plans the first calibration move.)
        throw new Error(`no CloudWatch datapoints for application ${options.application} (numRecordsInPerSecond, millisBehindLatest for ${options.stream}) in ${index} trials: check the names and that the job consumes the stream`);
      }
      restarts += outcome.observation.fullRestarts;
      // The row's lag figures come from the minutes the chart draws for this trial (issue #14).
      const charted = appendTrialMinutes(state.timeline, timelinePoints(outcome.samples, target, (second) => (second < probeUntilSecond && probeRate !== null ? probeRate : peak)));
      const trial = trialRecord(outcome, state.startedAtMs, purpose, charted);
      state.trials.push(trial);
      state.observations.push(outcome.observation);
      hooks.onProgress?.({ phase: 'trial-done', trial: index, parallelism: target.parallelism, parallelismPerKpu: target.parallelismPerKpu, elapsedSeconds: elapsed(), message: `${trial.verdict}: ${trial.reason}` });
      await hooks.onTrial?.(trial, structuredClone({ ...state, elapsedSecondsBefore: elapsed() }));
    }
    const restoredOriginal = !options.keep && !sameSettings(current, state.original);
    if (restoredOriginal) {
      hooks.onProgress?.({ phase: 'restoring', elapsedSeconds: elapsed(), message: 'restoring the original configuration' });
      await restore(ports.control, state.original, algo, () => state.reconfigurations++);
    }
    tick();
    return buildReport(options, state, decision!, elapsed(), restoredOriginal || (!options.keep && sameSettings(current, state.original)), discovery);
  } catch (err) {
    tick();
    const why = err instanceof StopRequested ? err.why : `failed: ${err instanceof Error ? err.message : String(err)}`;
    // An interrupt with `keep` leaves the configuration the trials reached, as --keep promises (locally the
    // cluster is torn down anyway); a failure always restores, since the run can no longer vouch for that size.
    const restoring = !(err instanceof StopRequested && options.keep);
    if (restoring) {
      hooks.onProgress?.({ phase: 'restoring', elapsedSeconds: elapsed(), message: `${why}; restoring the original configuration` });
      await restore(ports.control, state.original, algo, () => state.reconfigurations++);
    }
    const report = abortedReport(options, state, elapsed(), why, shards, discovery, restoring);
    if (err instanceof StopRequested) return report;
    throw new CalibrationAbortedError(`calibration ${why}; the original configuration was restored`, report, err);
  } finally {
    await ports.load.stop();
  }
}

/** The cumulative fullRestarts before the run (the metric counts since the application started). */
async function restartsSoFar(collector: MetricsCollector, nowMs: number): Promise<number> {
  const to = Math.floor(nowMs / 60000) * 60000;
  if (to <= 0) return 0;
  const recent = await collector.collect(to - 10 * 60000, to).catch(() => [] as MinuteSample[]);
  return Math.max(0, ...recent.map((s) => s.fullRestartsMax ?? 0));
}

