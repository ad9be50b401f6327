/**
 * One trial on the ports: apply a configuration (one UpdateApplication, then wait for RUNNING), then read
 * the metrics minute by minute and stop as soon as the verdict is certain — a failing configuration after
 * a couple of backlogged minutes, a passing one once it has caught up after the restart and stayed
 * caught up. Durations therefore follow from the measured downtime and the actual catch-up, not a fixed
 * 10 minutes; the longest a trial can run is the SLO's catch-up time plus the steady minutes.
 */
import type { CalibrationPorts, ParallelismSettings } from './ports';
import type { Slo } from './report-types';
import { kpusFor } from '../core/managed-flink';
import { assessTrial, type TrialAssessment } from './algorithm/decision';
import { MetricsCollector } from './algorithm/metrics-collector';
import { fitModel, requirementRange } from './algorithm/model-fitter';
import { assessStream, type StreamProbe } from './algorithm/stream-advice';
import type { MinuteSample, TrialObservation } from './algorithm/observation';
import type { AlgorithmOptions } from './algorithm/options';
import { evaluateTrial, type TrialContext } from './algorithm/trial-evaluator';

export interface TrialSetup {
  peak: number;
  recordBytes: number;
  shards: number;
  slo: Slo;
  options: AlgorithmOptions;
  streamProbe?: StreamProbe;
}

export interface TrialOutcome {
  observation: TrialObservation;
  assessment: TrialAssessment;
  samples: MinuteSample[];
  startMs: number;
  endMs: number;
  polledDowntimeSeconds: number | null;
}

export interface TrialHooks {
  /** After every minute read: the partial observation (for progress display). */
  onMinute?(obs: TrialObservation, sample: MinuteSample | undefined): void;
  /** Called before each wait; throws to abort (signal, cost cap). */
  checkpoint?(): void;
  /** An UpdateApplication was accepted. */
  onUpdate?(target: ParallelismSettings): void;
  /** The update finished: the application runs the trial's configuration. */
  onRunning?(target: ParallelismSettings): void;
}

export class TrialRunner {
  constructor(
    private readonly ports: CalibrationPorts,
    private readonly collector: MetricsCollector,
    private readonly setup: TrialSetup,
  ) {}

  /**
   * Runs one trial at `target`. `update` false observes the configuration already running (the first
   * trial). `previous` is the evidence so far: each minute's partial result is judged together with it.
   */
  async run(target: ParallelismSettings, update: boolean, previous: TrialObservation[], restartsBefore: number, hooks: TrialHooks = {}, observedSinceMs?: number): Promise<TrialOutcome> {
    const { control, clock } = this.ports;
    const { options, slo } = this.setup;
    // The first trial may count minutes already run at this configuration (the stream probe's).
    const startMs = observedSinceMs ?? clock.now();
    let polledDowntimeSeconds: number | null = null;
    if (update) {
      hooks.checkpoint?.();
      const current = await control.describe();
      await control.updateParallelism(target, current.versionId);
      hooks.onUpdate?.(target);
      await control.waitForStatus('RUNNING', options.updateTimeoutSeconds);
      hooks.onRunning?.(target);
      polledDowntimeSeconds = (clock.now() - startMs) / 1000;
    }
    const runningSinceMs = update ? clock.now() : startMs;
    const ctx: TrialContext = {
      parallelism: target.parallelism,
      parallelismPerKpu: target.parallelismPerKpu,
      kpus: kpusFor(target.parallelism, target.parallelismPerKpu),
      offeredRecordsPerSecond: this.setup.peak,
      recordBytes: this.setup.recordBytes,
      shards: this.setup.shards,
      runningSinceMs,
      restartsBefore,
      polledDowntimeSeconds,
      caughtUpLagMs: options.caughtUpLagMs,
    };
    const maxRunningSeconds = update
      ? slo.catchUpSeconds + (options.steadyMinutes + 1) * 60
      : options.firstTrialMaxMinutes * 60;
    const fromMs = Math.floor(startMs / 60000) * 60000;
    let samples: MinuteSample[] = [];
    let observation = evaluateTrial(samples, ctx);
    let assessment: TrialAssessment = { verdict: 'inconclusive', reason: 'no metrics yet', capacity: null, method: 'none', memoryBound: false, draining: false };
    for (;;) {
      hooks.checkpoint?.();
      // Wake just after the current minute closes (plus CloudWatch's publishing delay).
      const nextBoundary = (Math.floor(clock.now() / 60000) + 1) * 60000;
      await clock.sleep(nextBoundary + options.metricsDelaySeconds * 1000 - clock.now());
      const toMs = Math.floor((clock.now() - options.metricsDelaySeconds * 1000) / 60000) * 60000;
      if (toMs > fromMs) samples = await this.collector.collect(fromMs, toMs);
      observation = evaluateTrial(samples, ctx);
      const evidence = [...previous, observation];
      const fit = fitModel(evidence, options);
      const runningSeconds = (clock.now() - runningSinceMs) / 1000;
      const stream = assessStream(evidence, this.setup.shards, this.setup.peak, this.setup.recordBytes, requirementRange(this.setup.peak, slo, fit).mid, this.setup.streamProbe);
      assessment = assessTrial(observation, fit, { ...this.setup, sizingShards: stream.requiredShards }, runningSeconds >= maxRunningSeconds);
      hooks.onMinute?.(observation, samples[samples.length - 1]);
      if (this.settled(observation, assessment, runningSeconds, maxRunningSeconds)) break;
    }
    return { observation, assessment, samples, startMs, endMs: clock.now(), polledDowntimeSeconds };
  }

  private settled(obs: TrialObservation, a: TrialAssessment, runningSeconds: number, maxRunningSeconds: number): boolean {
    const { options } = this.setup;
    if (runningSeconds >= maxRunningSeconds) return true;
    if (a.memoryBound) return obs.cleanMinutes >= 1 || runningSeconds >= 300;
    if (obs.cleanMinutes < options.minTrialMinutes) return false;
    if (a.verdict === 'fail') return true;
    if (a.verdict !== 'pass') return false;
    // Caught up after the restart and stayed so for the steady minutes.
    if (!a.draining) return obs.caughtUp && obs.caughtUpMinutes >= options.steadyMinutes;
    // Still draining a backlog (partly inherited from earlier failing trials): wait for the catch-up only
    // if it is due before the trial's time is up; the capacity itself is already measured.
    const lagSeconds = (obs.finalLagMs ?? 0) / 1000;
    const drainRate = (a.capacity ?? 0) - this.setup.peak;
    const remaining = drainRate > 0 ? (lagSeconds * this.setup.peak) / drainRate : Infinity;
    return runningSeconds + remaining > maxRunningSeconds;
  }
}
