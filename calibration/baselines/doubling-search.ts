/**
 * Baseline 2: the manual method of the AWS blog, automated — run the job for a fixed time at a
 * configuration, look at millisBehindLatest, double Parallelism (ParallelismPerKPU unchanged) until the
 * lag stays within the SLO. No model: every step is a full-length trial and an update.
 */
import type { CalibrationPorts } from '../ports';
import type { Configuration, Slo } from '../report-types';
import { kpusFor } from '../../core/managed-flink';
import { MetricsCollector } from '../algorithm/metrics-collector';
import { lagSlope } from '../algorithm/trial-evaluator';

export interface DoublingSearchOptions {
  application: string;
  stream: string;
  peak: number;
  recordBytes: number;
  slo: Slo;
  limits: { maxKpu: number; maxParallelism: number };
  /** Length of every trial, seconds. Default 600 (the blog's "watch it for ten minutes"). */
  trialSeconds?: number;
  /** DescribeApplication polling while updating, seconds. Default 5. */
  pollSeconds?: number;
}

export interface BaselineResult {
  answer: Configuration | null;
  reconfigurations: number;
  trials: number;
  simulatedSeconds: number;
}

export async function doublingSearch(ports: CalibrationPorts, options: DoublingSearchOptions): Promise<BaselineResult> {
  const trialSeconds = options.trialSeconds ?? 600;
  const { control, clock } = ports;
  const startMs = clock.now();
  const collector = new MetricsCollector(ports.metrics, startMs);
  let app = await control.describe();
  let parallelism = app.parallelism;
  const perKpu = app.parallelismPerKpu;
  let reconfigurations = 0;
  let trials = 0;
  await ports.load.start({ recordsPerSecond: options.peak, recordBytes: options.recordBytes });
  try {
    for (;;) {
      if (trials > 0 || app.autoScalingEnabled) {
        await control.updateParallelism({ parallelism, parallelismPerKpu: perKpu, autoScalingEnabled: false }, app.versionId);
        reconfigurations++;
        app = await control.waitForStatus('RUNNING', 3600);
      }
      trials++;
      const trialStart = clock.now();
      await clock.sleep(trialSeconds * 1000);
      const end = Math.floor(clock.now() / 60000) * 60000;
      const samples = await collector.collect(Math.floor(trialStart / 60000) * 60000, end);
      const lastThird = samples.slice(-Math.max(2, Math.floor(samples.length / 3)));
      const worst = Math.max(...lastThird.map((s) => s.lagMaxMs ?? Infinity));
      if (worst <= options.slo.maxLagMs && lagSlope(lastThird) <= 0) {
        return {
          answer: { parallelism, parallelismPerKpu: perKpu, kpus: kpusFor(parallelism, perKpu) },
          reconfigurations, trials, simulatedSeconds: Math.round((clock.now() - startMs) / 1000),
        };
      }
      const next = Math.min(2 * parallelism, options.limits.maxParallelism, options.limits.maxKpu * perKpu);
      if (next <= parallelism) return { answer: null, reconfigurations, trials, simulatedSeconds: Math.round((clock.now() - startMs) / 1000) };
      parallelism = next;
    }
  } finally {
    await ports.load.stop();
  }
}
