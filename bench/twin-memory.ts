/**
 * `npm run bench:memory`: peak RSS of the longest `kpufit twin run` the CLI accepts (--duration 366 days)
 * on a configuration that never keeps up, so the backlog and the metrics grow for the whole run. Memory
 * must be bounded by what AWS itself keeps (24 h of stream retention, 15 days of 1-minute metrics), not by
 * the duration. BENCH_MEMORY_SECONDS shortens the run; the CLI's bound comes from MAX_TWIN_RUN_SECONDS.
 */
import { join } from 'node:path';
import { MAX_TWIN_RUN_SECONDS } from '../calibration/cli/commands/twin';
import { loadScenario, runScenario } from '../simulator/twin';

const seconds = Number(process.env.BENCH_MEMORY_SECONDS ?? MAX_TWIN_RUN_SECONDS);
const scenario = loadScenario(join(__dirname, '..', 'scenarios', 'taxi-io-bound.json'));
let peakRss = process.memoryUsage().rss;
const samples: string[] = [];
const started = Date.now();
runScenario(scenario, {
  parallelism: 8, parallelismPerKpu: 4, durationSeconds: seconds, progressEverySeconds: 86400 * 5,
  onProgress: (second) => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    samples.push(`day ${Math.round(second / 86400)}: ${(rss / 2 ** 20).toFixed(0)} MiB`);
  },
});
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(samples.join('\n'));
console.log(`twin run --duration ${seconds} (${(seconds / 86400).toFixed(1)} days, infeasible P=8 K=4): peak RSS ${maxRssMiB.toFixed(0)} MiB in ${((Date.now() - started) / 1000).toFixed(0)} s`);
