/**
 * `npm run bench:twin`: simulated seconds per wall-clock second of the twin at 64 shards and Parallelism
 * 256 (target >= 20,000), and peak RSS. The load runs above capacity half of the time so the backlog
 * grows for hours: memory must follow backlog seconds, not records.
 */
import { parseScenario, Twin } from '../simulator/twin';

const SIMULATED_SECONDS = Number(process.env.BENCH_TWIN_SECONDS ?? 2 * 86400);

const scenario = parseScenario({
  name: 'bench-64-shards-p256',
  stream: { shards: 64, shardSkew: 0.002 },
  load: { recordBytes: 200, profile: { type: 'daily', min: 20000, max: 50000, periodSeconds: 86400 } },
  job: { cpuMsPerRecord: 0.08, ioWaitMsPerRecord: 6, hotKeyShare: 0.0002, stateMb: 4000 },
  initial: { parallelism: 256, parallelismPerKpu: 4 },
});

const twin = Twin.fromScenario(scenario);
twin.setOfferedLoad(scenario.load.profile, scenario.load.recordBytes);
let peakRss = process.memoryUsage().rss;
let maxLag = 0;
let peakChunks = 0;
let peakRecords = 0;
const start = process.hrtime.bigint();
const slice = 3600;
for (let done = 0; done < SIMULATED_SECONDS; done += slice) {
  twin.advance(Math.min(slice, SIMULATED_SECONDS - done));
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  maxLag = Math.max(maxLag, twin.lastSecond().lagMs ?? 0);
  const backlog = twin.backlog();
  peakChunks = Math.max(peakChunks, backlog.chunks);
  peakRecords = Math.max(peakRecords, backlog.records);
}
const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
const rate = SIMULATED_SECONDS / wallSeconds;
const result = {
  benchmark: 'twin',
  shards: 64,
  parallelism: 256,
  simulatedSeconds: SIMULATED_SECONDS,
  wallSeconds: Number(wallSeconds.toFixed(3)),
  simulatedSecondsPerWallSecond: Math.round(rate),
  peakRssMb: Number((peakRss / 1048576).toFixed(1)),
  maxLagMs: Math.round(maxLag),
  // Memory follows chunks (24 bytes each), not records.
  peakBacklogRecords: Math.round(peakRecords),
  peakBacklogChunks: peakChunks,
  target: 20000,
  pass: rate >= 20000,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
if (!result.pass) process.exitCode = 1;
