/**
 * `npm run bench:autoscale`: the kpufit autoscaling policy against Managed Flink's built-in autoscaling and
 * the AWS sample's step policy, on the twin with noise on, for four load profiles (daily, spike, ramp,
 * steps) and three kinds of job (I/O-, CPU- and memory-bound). The scenarios are written here, not taken
 * from scenarios/, and each starts where a user would: sized by the twin's what-if model for the
 * profile's mean load. kpufit starts from its priors (no model.json): it learns the job online.
 * Goals, per profile and job: kpufit's SLO-violation minutes at most a third of the better baseline's,
 * KPU-hours no more than either baseline's, at most 6 reconfigurations per simulated day.
 * BENCH_AUTOSCALE_ONLY=profile[:job] narrows the run (e.g. daily, spike:io).
 * Also printed: the floor (the KPU-hours of an oracle that knows the job and the input and restarts for
 * free: no policy that carries the input bills less, autoscale-sim/floor.ts) and the CPU seconds each
 * policy's simulation took per simulated day (the twin and the policy; CPU time, not wall time, so a busy
 * machine does not inflate it).
 */
import { JOBS, PROFILES, scenarioFor } from './autoscale-scenarios';
import { simulateAutoscaling, AUTOSCALE_POLICIES, type AutoscaleSimulationResult } from '../calibration/autoscale-sim/simulate';
import { floorKpuHours } from '../calibration/autoscale-sim/floor';

async function main(): Promise<void> {
  const only = process.env.BENCH_AUTOSCALE_ONLY?.split(':');
  const rows: Array<AutoscaleSimulationResult & { profile: string; job: string; cpuSecondsPerDay: number; floor: number }> = [];
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
        const cpu0 = process.cpuUsage();
        const r = await simulateAutoscaling(scenario, { policy, days: profile.days });
        const cpu = process.cpuUsage(cpu0);
        const cpuSecondsPerDay = (cpu.user + cpu.system) / 1e6 / profile.days;
        results[policy] = r;
        const floor = floorKpuHours(scenario, r.timeline.map((m) => m.inputRecordsPerSecond));
        rows.push({ ...r, profile: profile.name, job: job.name, cpuSecondsPerDay, floor });
        process.stderr.write(`${profile.name}/${job.name}/${policy}: ${r.kpuHours} KPU-h, ${r.sloViolationMinutes} violation min, ${r.reconfigurations} reconfigurations (${cpuSecondsPerDay.toFixed(2)} CPU s per simulated day)\n`);
      }
      const k = results.kpufit;
      const floor = floorKpuHours(scenario, k.timeline.map((m) => m.inputRecordsPerSecond));
      const belowFloor = (r: AutoscaleSimulationResult) => (r.kpuHours < floor ? ` (below the floor ${round(floor)}: it did not carry the input)` : '');
      const better = Math.min(results.builtin.sloViolationMinutes, results.step.sloViolationMinutes);
      const checks = [
        k.sloViolationMinutes <= better / 3 ? null : `violations ${k.sloViolationMinutes} > ${round(better / 3)}`,
        k.kpuHours <= results.builtin.kpuHours ? null : `KPU-h ${k.kpuHours} > built-in ${results.builtin.kpuHours}${belowFloor(results.builtin)}`,
        k.kpuHours <= results.step.kpuHours ? null : `KPU-h ${k.kpuHours} > step ${results.step.kpuHours}${belowFloor(results.step)}`,
        k.reconfigurations / profile.days <= 6 ? null : `${round(k.reconfigurations / profile.days)} reconfigurations/day`,
      ].filter((c): c is string => c !== null);
      if (checks.length > 0) allPass = false;
      verdicts.push(`${`${profile.name}/${job.name}`.padEnd(14)} ${checks.length === 0 ? 'PASS' : `FAIL: ${checks.join('; ')}`}`);
    }
  }
  const header = ['profile', 'job', 'policy', 'days', 'KPU-h', 'floor', 'cost $', 'SLO-viol min', 'longest', 'reconf/day', 'down min', 'final P/K', 'CPU s/day'];
  const table = [header, ...rows.map((r) => [
    r.profile, r.job, r.policy, String(r.days), r.kpuHours.toFixed(1), r.floor.toFixed(1), r.costUsd.toFixed(2), String(r.sloViolationMinutes),
    String(r.longestViolationMinutes), (r.reconfigurations / r.days).toFixed(1), r.downtimeMinutes.toFixed(1), `${r.finalParallelism}/${r.finalParallelismPerKpu}`,
    r.cpuSecondsPerDay.toFixed(2),
  ])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  process.stdout.write(`${table.map((row) => row.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n')}\n\n${verdicts.join('\n')}\n`);
  if (!allPass) process.exitCode = 1;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

void main();
