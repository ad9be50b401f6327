/**
 * `npm run check:local-calibration`: one short local calibration of the I/O-bound job, end to end, checked
 * against a short sweep of the same job: the calibration's answer must use the sweep's cheapest KPU count
 * meeting the SLO, and its capacity estimate for that answer must be within 25% of the sweep's measurement.
 * Needs the shaded jar (`npm run build:flink`). Exit 0 when they agree, 1 when not (the reason on stderr).
 */
import { runLocalCalibration } from '../calibration/local/calibrate-local';
import { assertJarBuilt } from '../calibration/local/local-job';
import { resolveLocalSettings } from '../calibration/local/settings';
import { runLocalSweep } from '../calibration/local/sweep';
import { cpuControllerUnavailable } from '../calibration/local/cpu-cgroup';

/** I/O-bound: 10 ms of blocking I/O per record, ~80 records/s per subtask; 100 records/s needs P = 2. */
const ARGS = {
  workload: 'iot', rate: 100, set: ['cost.io.mode=BLOCKING', 'cost.io.wait.millis=10'],
  maxKpu: 2, kpuCpu: cpuControllerUnavailable() === null ? 0.25 : 0, periodSeconds: 6,
};
/** The sweep measures P up to this (the calibration may try up to 8). */
const SWEEP_MAX_PARALLELISM = 4;
/** Relative disagreement between the calibrated capacity estimate and the sweep's measurement allowed. */
const TOLERANCE = 0.25;

async function main(): Promise<void> {
  assertJarBuilt();
  const started = Date.now();
  const log = (m: string): void => void process.stderr.write(`local-calibration-check: ${m}\n`);
  const settings = resolveLocalSettings(ARGS);
  const report = await runLocalCalibration(settings, {
    log, workDir: 'reports/local-work/check-calibration',
    onTrial: (t) => log(`trial P=${t.parallelism} K=${t.parallelismPerKpu} ${t.verdict}: ${t.reason}`),
  });
  const sweep = await runLocalSweep({ ...settings, maxParallelism: SWEEP_MAX_PARALLELISM }, { workDir: 'reports/local-work/check-sweep', log });
  const rec = report.recommendation;
  const best = sweep.rightSize;
  const problems: string[] = [];
  if (!rec) problems.push(`the calibration gave no answer (verdict ${report.verdict})`);
  if (!best) problems.push('the sweep found no configuration meeting the SLO');
  if (rec && best) {
    if (rec.kpus !== best.kpus) problems.push(`calibrated ${rec.kpus} KPUs (P=${rec.parallelism} K=${rec.parallelismPerKpu}), the sweep's cheapest is ${best.kpus} (P=${best.parallelism} K=${best.parallelismPerKpu})`);
    const measured = sweep.configurations.find((c) => c.parallelism === rec.parallelism && c.kpus === rec.kpus);
    if (measured) {
      const off = Math.abs(rec.estimatedCapacityRecordsPerSecond - measured.capacityRecordsPerSecond) / measured.capacityRecordsPerSecond;
      log(`capacity of P=${rec.parallelism} K=${rec.parallelismPerKpu}: calibrated ${rec.estimatedCapacityRecordsPerSecond.toFixed(0)}/s, swept ${measured.capacityRecordsPerSecond.toFixed(0)}/s (${(100 * off).toFixed(0)}% apart)`);
      if (off > TOLERANCE) problems.push(`the calibrated capacity is ${(100 * off).toFixed(0)}% away from the sweep's (allowed ${100 * TOLERANCE}%)`);
    }
  }
  const wall = (Date.now() - started) / 1000;
  process.stdout.write(`local-calibration-check: ${problems.length === 0 ? 'agree' : 'DISAGREE'} in ${wall.toFixed(0)} s wall; `
    + `calibrated ${rec ? `P=${rec.parallelism} K=${rec.parallelismPerKpu} (${rec.kpus} KPUs)` : 'none'}, `
    + `sweep ${best ? `P=${best.parallelism} K=${best.parallelismPerKpu} (${best.kpus} KPUs)` : 'none'}\n`);
  for (const p of problems) process.stderr.write(`local-calibration-check: ${p}\n`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`local-calibration-check: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
