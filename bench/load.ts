/**
 * `npm run bench:load`: what the load generator costs per record. For each workload, generation +
 * serialization + batching into the null target (the real KinesisProducer over an always-accepting
 * Kinesis) runs flat out on the one JavaScript thread, beside bare JSON.stringify of the same events in
 * the same process. Targets: >= 150,000 records/s, >= half the bare rate, RSS < 300 MB over the run.
 *
 *   npm run bench:load                 # 60 s taxi run (the figure reported) + 10 s for iot and clickstream
 *   npm run bench:load -- --seconds 10 # shorter
 */
import { SystemClock } from '../calibration/aws/system-clock';
import { LoadRun } from '../simulator/load-run';
import { KinesisProducer } from '../simulator/producers/kinesis-producer';
import { NullKinesis } from '../simulator/producers/null-kinesis';
import { GeneratedRecords } from '../simulator/records';
import { createWorkload, WORKLOAD_NAMES, type WorkloadName } from '../simulator/workloads';

const TARGET_RATE = 150_000;
const TARGET_RSS_MB = 300;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!(value > 0)) {
    process.stderr.write(`bench:load: --${name} must be a number > 0\n`);
    process.exit(2);
  }
  return value;
}

/** Bare JSON.stringify over pre-generated events of the same workload and seed. */
function bareRate(workload: WorkloadName, seconds: number): number {
  const w = createWorkload(workload, { seed: 1 });
  const t0 = Date.now();
  const events = Array.from({ length: 100_000 }, (_, i) => w.next(t0 + (i >> 6)).event);
  let bytes = 0;
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < events.length; i++) bytes += JSON.stringify(events[i]).length;
    n += events.length;
  }
  if (bytes === 0) throw new Error('unreachable: keeps the stringify from being optimised away');
  return n / ((performance.now() - start) / 1000);
}

async function pipelineRate(workload: WorkloadName, seconds: number): Promise<{ rate: number; maxRssMb: number; sent: number; acked: number }> {
  const clock = new SystemClock();
  const producer = new KinesisProducer({ api: new NullKinesis(), streamName: 'null', clock });
  let maxRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 200);
  const result = await new LoadRun({
    pacing: { kind: 'unpaced', source: new GeneratedRecords({ workload, seed: 1 }) },
    producer, clock, durationSeconds: seconds,
  }).run();
  clearInterval(sampler);
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  return { rate: result.sent / result.durationSeconds, maxRssMb: maxRss / 2 ** 20, sent: result.sent, acked: result.acknowledged };
}

async function main(): Promise<void> {
  const seconds = flag('seconds', 60);
  const others = Math.min(seconds, flag('other-seconds', 10));
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  let ok = true;
  process.stdout.write(`bench:load  node ${process.version}, one JS thread; taxi for ${seconds} s, iot and clickstream for ${others} s\n`);
  process.stdout.write('workload     pipeline rec/s   bare stringify rec/s   ratio   max RSS MB   sent = acked\n');
  for (const workload of WORKLOAD_NAMES) {
    const runSeconds = workload === 'taxi' ? seconds : others;
    const bare = bareRate(workload, Math.min(5, runSeconds));
    const p = await pipelineRate(workload, runSeconds);
    const ratio = p.rate / bare;
    const pass = p.rate >= TARGET_RATE && ratio >= 0.5 && p.maxRssMb < TARGET_RSS_MB && p.sent === p.acked;
    ok &&= pass;
    process.stdout.write(
      `${workload.padEnd(12)} ${fmt(p.rate).padStart(14)}   ${fmt(bare).padStart(20)}   ${ratio.toFixed(2).padStart(5)}   ${p.maxRssMb.toFixed(0).padStart(10)}   ${p.sent === p.acked ? 'yes' : 'NO'}${pass ? '' : '   <- misses a target'}\n`,
    );
  }
  process.stdout.write(`targets: >= ${fmt(TARGET_RATE)} rec/s, ratio >= 0.50, RSS < ${TARGET_RSS_MB} MB: ${ok ? 'met' : 'MISSED'}\n`);
  if (!ok) process.exitCode = 1;
}

void main();
