/**
 * The least KPU-hours any policy could bill for a load while never falling behind: an oracle that knows
 * the twin's true job parameters and each minute's input, and restarts for free and at once, runs every
 * minute on the fewest KPUs whose noise-free capacity carries that minute's input and whose heap does not
 * run out of memory. A baseline billing less than this did not carry the input (it let the lag grow); the
 * benchmark prints it so a KPU-hours goal against such a baseline reads as what it is.
 */
import { capacity, heapUtilization, type Scenario } from '../../simulator/twin';
import { OOM_HEAP_UTILIZATION } from '../../simulator/twin/model';
import { MAX_PARALLELISM_PER_KPU } from '../../core/aws-facts';

/** KPU-hours billed (n + 1 per hour) at the fewest feasible KPUs for each minute's input rate. */
export function floorKpuHours(scenario: Scenario, inputPerMinute: number[]): number {
  const maxKpus = scenario.limits.maxKpu;
  const best: number[] = [];
  for (let n = 1; n <= maxKpus; n++) {
    let most = 0;
    if (heapUtilization(scenario.job, n) < OOM_HEAP_UTILIZATION) {
      for (let k = 1; k <= MAX_PARALLELISM_PER_KPU; k++) {
        const p = Math.min(n * k, scenario.limits.maxParallelism);
        if (Math.ceil(p / k) !== n) continue;
        most = Math.max(most, capacity({ parallelism: p, parallelismPerKpu: k }, scenario.stream.shards, scenario.load.recordBytes, scenario.job).recordsPerSecond);
      }
    }
    best.push(most);
  }
  let kpuMinutes = 0;
  for (const rate of inputPerMinute) {
    const i = best.findIndex((c) => c >= rate);
    kpuMinutes += (i === -1 ? maxKpus : i + 1) + 1;
  }
  return kpuMinutes / 60;
}
