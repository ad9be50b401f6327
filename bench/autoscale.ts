/**
 * `npm run bench:autoscale`: the kpufit autoscaling policy against Managed Flink's built-in autoscaling and
 * the AWS sample's step policy, on the twin with noise on, for four load profiles (daily, spike, ramp,
 * steps) and three kinds of job (I/O-, CPU- and memory-bound). The scenarios are written here, not taken
 * from scenarios/, and each starts where a user would: sized by the twin's what-if model for the
 * profile's mean load. kpufit starts from its priors (no model.json): it learns the job online.
 * Goals, per profile and job: kpufit's SLO-violation minutes at most a third of the better baseline's,
 * KPU-hours no more than either baseline's, at most 6 reconfigurations per simulated day.
 * BENCH_AUTOSCALE_ONLY=profile[:job] narrows the run (e.g. daily, spike:io).
 */
import { JOBS, PROFILES, scenarioFor } from './autoscale-scenarios';
import { simulateAutoscaling, AUTOSCALE_POLICIES, type AutoscaleSimulationResult } from '../calibration/autoscale-sim/simulate';

async function main(): Promise<void> {
  const only = process.env.BENCH_AUTOSCALE_ONLY?.split(':');
  const rows: Array<AutoscaleSimulationResult & { profile: string; job: string; wallMs: number }> = [];
  const verdicts: string[] = [];
  let allPass = true;
  let seed = 101;
  for (const profile of PROFILES) {
    if (only && only[0] !== profile.name) continue;
    for (const job of JOBS) {
      seed++;
      if (only && only[1] && only[1] !== job.name) continue;
      const scenario = scenarioFor(profile, job, seed);
      const results: Record<string, AutoscaleSimulationResult> = {};
      for (const policy of AUTOSCALE_POLICIES) {
        const t0 = Date.now();
        const r = await simulateAutoscaling(scenario, { policy, days: profile.days });
        results[policy] = r;
        rows.push({ ...r, profile: profile.name, job: job.name, wallMs: Date.now() - t0 });
        process.stderr.write(`${profile.name}/${job.name}/${policy}: ${r.kpuHours} KPU-h, ${r.sloViolationMinutes} violation min, ${r.reconfigurations} reconfigurations (${Date.now() - t0} ms)\n`);
      }
      const k = results.kpufit;
      const better = Math.min(results.builtin.sloViolationMinutes, results.step.sloViolationMinutes);
      const checks = [
        k.sloViolationMinutes <= better / 3 ? null : `violations ${k.sloViolationMinutes} > ${round(better / 3)}`,
        k.kpuHours <= results.builtin.kpuHours ? null : `KPU-h ${k.kpuHours} > built-in ${results.builtin.kpuHours}`,
        k.kpuHours <= results.step.kpuHours ? null : `KPU-h ${k.kpuHours} > step ${results.step.kpuHours}`,
        k.reconfigurations / profile.days <= 6 ? null : `${round(k.reconfigurations / profile.days)} reconfigurations/day`,
      ].filter((c): c is string => c !== null);
      if (checks.length > 0) allPass = false;
      verdicts.push(`${`${profile.name}/${job.name}`.padEnd(14)} ${checks.length === 0 ? 'PASS' : `FAIL: ${checks.join('; ')}`}`);
    }
  }
  const header = ['profile', 'job', 'policy', 'days', 'KPU-h', 'cost $', 'SLO-viol min', 'longest', 'reconf/day', 'down min', 'final P/K'];
  const table = [header, ...rows.map((r) => [
    r.profile, r.job, r.policy, String(r.days), r.kpuHours.toFixed(1), r.costUsd.toFixed(2), String(r.sloViolationMinutes),
    String(r.longestViolationMinutes), (r.reconfigurations / r.days).toFixed(1), r.downtimeMinutes.toFixed(1), `${r.finalParallelism}/${r.finalParallelismPerKpu}`,
  ])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  process.stdout.write(`${table.map((row) => row.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n')}\n\n${verdicts.join('\n')}\n`);
  if (!allPass) process.exitCode = 1;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

void main();
