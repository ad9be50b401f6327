/**
 * `kpufit autoscale simulate`: an autoscaling policy runs against the twin for N simulated days, starting
 * from the scenario's initial configuration with its load profile, and is scored as a user would: KPU-hours
 * and dollars billed, minutes whose millisBehindLatest Maximum was above the SLO, reconfigurations and
 * minutes the job was down.
 *   kpufit  - the model-based policy, through the very ports the Lambda uses (autoscaleTick); built-in
 *             autoscaling off, as the Autoscaler construct deploys it
 *   builtin - Managed Flink's own CPU autoscaling (the twin's), nothing else acting
 *   step    - the AWS sample's alarm-driven x2 / ÷2 policy (baselines/step-scaling.ts)
 */
import { Twin, type Scenario } from '../../simulator/twin';
import { costOf } from '../../core/pricing';
import { twinPorts } from '../adapters/twin-ports';
import { DEFAULT_STEP_SCALING, StepScalingPolicy } from '../baselines/step-scaling';
import { priorModel, type JobModel } from '../autoscaler/job-model';
import { autoscalerOptions, DEFAULT_AUTOSCALER_OPTIONS, type AutoscalerOptions } from '../autoscaler/options';
import { autoscaleTick, MemoryAutoscalerStore, type AutoscalerSettings, type DecisionNotice } from '../autoscaler/tick';

export const AUTOSCALE_POLICIES = ['kpufit', 'builtin', 'step'] as const;
export type AutoscalePolicyName = (typeof AUTOSCALE_POLICIES)[number];

export interface MinutePoint {
  minute: number;
  /** Billed KPUs (n + 1), the most in the minute; 0 while not billed. */
  kpus: number;
  /** millisBehindLatest Maximum of the minute; null when the job did not run in it. */
  lagMs: number | null;
  inputRecordsPerSecond: number;
}

export interface AutoscaleSimulationResult {
  policy: AutoscalePolicyName;
  scenario: string;
  days: number;
  kpuHours: number;
  costUsd: number;
  sloViolationMinutes: number;
  longestViolationMinutes: number;
  reconfigurations: number;
  downtimeMinutes: number;
  finalParallelism: number;
  finalParallelismPerKpu: number;
  /** One point a minute (for the charts). */
  timeline: MinutePoint[];
  /** The kpufit policy's scaling decisions (empty for the baselines). */
  decisions: Array<{ minute: number; outcome: string; target: { parallelism: number; parallelismPerKpu: number } | null; reason: string }>;
}

export interface AutoscaleSimulationOptions {
  policy: AutoscalePolicyName;
  days: number;
  /** The fitted model to start from (kpufit only); without it the policy starts from its priors. */
  model?: JobModel;
  /** Policy options beyond the scenario's limits. */
  options?: Partial<AutoscalerOptions>;
  onProgress?: (minute: number, totalMinutes: number, point: MinutePoint) => void;
}

export async function simulateAutoscaling(scenario: Scenario, run: AutoscaleSimulationOptions): Promise<AutoscaleSimulationResult> {
  const twin = Twin.fromScenario(scenario, { autoScalingEnabled: run.policy === 'builtin' });
  const ports = twinPorts(twin, scenario);
  await ports.load.start({ profile: scenario.load.profile, recordBytes: scenario.load.recordBytes });
  const startMs = ports.clock.now();

  const options = autoscalerOptions({
    targetUtilization: scenario.slo.targetUtilization,
    scaleUpUtilization: Math.max(DEFAULT_AUTOSCALER_OPTIONS.scaleUpUtilization, scenario.slo.targetUtilization),
    scaleDownUtilization: Math.min(DEFAULT_AUTOSCALER_OPTIONS.scaleDownUtilization, scenario.slo.targetUtilization / 2),
    catchUpSeconds: scenario.slo.catchUpSeconds,
    maxKpus: scenario.limits.maxKpu,
    maxParallelism: scenario.limits.maxParallelism,
    maxHeapUtilization: Math.min(0.85, scenario.slo.maxHeapUtilization),
    ...run.options,
  });
  const decisions: AutoscaleSimulationResult['decisions'] = [];
  const settings: AutoscalerSettings = {
    application: scenario.application, slo: { maxLagMs: scenario.slo.maxLagMs }, options,
    initialModel: run.model ?? priorModel(options), pricing: scenario.pricing,
  };
  const kpufitPorts = {
    ...ports,
    store: new MemoryAutoscalerStore(null, { copy: false }),
    notifier: {
      notify: async (n: DecisionNotice) => {
        decisions.push({ minute: Math.round((n.atMs - startMs) / 60000), outcome: n.outcome, target: n.decision.target, reason: n.decision.reason });
      },
    },
  };
  const step = new StepScalingPolicy({ ...DEFAULT_STEP_SCALING, maxKpus: scenario.limits.maxKpu, maxParallelism: scenario.limits.maxParallelism });

  const totalMinutes = Math.round(run.days * 1440);
  const timeline: MinutePoint[] = [];
  let costUsd = 0;
  let downSeconds = 0;
  let violations = 0;
  let streak = 0;
  let longest = 0;
  let reconfigurations = 0;
  let app = await ports.control.describe();
  for (let minute = 0; minute < totalMinutes; minute++) {
    let lag: number | null = null;
    let kpus = 0;
    let offered = 0;
    for (let s = 0; s < 60; s++) {
      twin.advance(1);
      const o = twin.lastSecond();
      if (o.lagMs !== null) lag = Math.max(lag ?? 0, o.lagMs);
      if (o.billedKpus > 0) {
        kpus = Math.max(kpus, o.billedKpus);
        costUsd += costOf(o.billedKpus - 1, scenario.pricing).perHourUsd / 3600;
        if (!o.jobRunning) downSeconds++;
      }
      offered += o.offered;
    }
    const violated = lag !== null && lag > scenario.slo.maxLagMs;
    if (violated) {
      violations++;
      streak++;
      longest = Math.max(longest, streak);
    } else if (lag !== null) {
      streak = 0;
    }
    const point: MinutePoint = { minute, kpus, lagMs: lag, inputRecordsPerSecond: offered / 60 };
    timeline.push(point);

    const now = await ports.control.describe();
    if (now.parallelism !== app.parallelism || now.parallelismPerKpu !== app.parallelismPerKpu) reconfigurations++;
    app = now;
    if (run.policy === 'kpufit') await autoscaleTick(kpufitPorts, settings);
    else if (run.policy === 'step') await step.tick(ports);
    run.onProgress?.(minute + 1, totalMinutes, point);
  }
  // A change issued in the last minute counts too.
  const last = await ports.control.describe();
  if (last.parallelism !== app.parallelism || last.parallelismPerKpu !== app.parallelismPerKpu) reconfigurations++;
  await ports.load.stop();
  return {
    policy: run.policy,
    scenario: scenario.name,
    days: run.days,
    kpuHours: round(twin.kpuHours(), 3),
    costUsd: round(costUsd, 4),
    sloViolationMinutes: violations,
    longestViolationMinutes: longest,
    reconfigurations,
    downtimeMinutes: round(downSeconds / 60, 2),
    finalParallelism: last.parallelism,
    finalParallelismPerKpu: last.parallelismPerKpu,
    timeline,
    decisions,
  };
}

/** The fields `--json` prints (json-shapes: add, never rename or drop). */
export function summaryJson(r: AutoscaleSimulationResult) {
  return {
    policy: r.policy, days: r.days, kpuHours: r.kpuHours, costUsd: r.costUsd, sloViolationMinutes: r.sloViolationMinutes,
    longestViolationMinutes: r.longestViolationMinutes, reconfigurations: r.reconfigurations, downtimeMinutes: r.downtimeMinutes,
    scenario: r.scenario, finalParallelism: r.finalParallelism, finalParallelismPerKpu: r.finalParallelismPerKpu,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
