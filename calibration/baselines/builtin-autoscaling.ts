/**
 * Baseline 1: what Managed Flink's built-in autoscaling does on the same load. A fresh twin of the
 * scenario starts at its initial configuration with autoscaling on and the scenario's own load profile;
 * the policy (containerCPUUtilization Maximum >= 75% for 15 minutes -> Parallelism x2; < 10% for 6 hours
 * -> halve) runs on its own. We read only what a user would: millisBehindLatest and the configuration.
 * The answer is when the lag comes within the SLO for good, and what the run billed.
 */
import { Twin, type Scenario } from '../../simulator/twin';
import { MetricsCollector } from '../algorithm/metrics-collector';
import { kpusFor } from '../../core/managed-flink';
import type { AutoscalingComparison } from '../report-types';
import { twinPorts } from '../adapters/twin-ports';

export interface BuiltInAutoscalingOptions {
  /** Longest simulation, seconds. Default 8 h: long enough for several doublings (15 min each). */
  maxSeconds?: number;
  /**
   * A constant load stops early once the lag has stayed within the SLO this long, with no scaling event
   * in between. Default 3600 s. Variable profiles run to maxSeconds (their peaks come back).
   */
  settleSeconds?: number;
  /**
   * Stops the simulation between two simulated minutes: the promise then rejects with the signal's reason.
   * The twin's clock never waits, so each minute also lets pending events (a signal) in.
   */
  signal?: AbortSignal;
}

export async function runBuiltInAutoscaling(scenario: Scenario, options: BuiltInAutoscalingOptions = {}): Promise<AutoscalingComparison> {
  const maxSeconds = options.maxSeconds ?? 8 * 3600;
  const settleSeconds = options.settleSeconds ?? 3600;
  const twin = Twin.fromScenario(scenario, { autoScalingEnabled: true });
  const ports = twinPorts(twin, scenario);
  const startMs = ports.clock.now();
  const collector = new MetricsCollector(ports.metrics, startMs);
  await ports.load.start({ profile: scenario.load.profile, recordBytes: scenario.load.recordBytes });

  let withinSince: number | null = null;
  let lastEventSecond = 0;
  let scalingEvents = 0;
  let app = await ports.control.describe();
  let parallelism = app.parallelism;
  let second = 0;
  const constant = scenario.load.profile.type === 'constant';
  while (second < maxSeconds) {
    if (options.signal) {
      await new Promise((resolve) => setImmediate(resolve));
      options.signal.throwIfAborted();
    }
    await ports.clock.sleep(60000);
    second += 60;
    const [minute] = await collector.collect(startMs + (second - 60) * 1000, startMs + second * 1000);
    app = await ports.control.describe();
    if (app.parallelism !== parallelism) {
      scalingEvents++;
      parallelism = app.parallelism;
      lastEventSecond = second;
    }
    // No datapoint (the job down for a scaling) counts as outside the SLO: the lag is growing.
    const lag = minute?.lagMaxMs ?? null;
    if (lag !== null && lag <= scenario.slo.maxLagMs) withinSince ??= second - 60;
    else withinSince = null;
    if (constant && withinSince !== null && second - Math.max(withinSince, lastEventSecond) >= settleSeconds) break;
  }
  await ports.load.stop();
  return {
    secondsToWithinSlo: withinSince,
    kpuHours: Math.round(twin.kpuHours() * 1000) / 1000,
    finalParallelism: app.parallelism,
    finalParallelismPerKpu: app.parallelismPerKpu,
    finalKpus: kpusFor(app.parallelism, app.parallelismPerKpu),
    scalingEvents,
    simulatedSeconds: second,
  };
}
