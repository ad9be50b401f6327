/**
 * `npm run bench:load`: what the load generator costs per record. For each workload, generation +
 * serialization + batching into the null target (the real KinesisProducer, batches sized to the
 * PutRecords limits, shipped to the null sink, which skips the UTF-8 encoding the Kinesis sink does) runs flat out on the one JavaScript thread; bare JSON.stringify of the same workload's events
 * runs in short slices interleaved with it, in the same process and the same seconds. Targets:
 * >= 150,000 records/s, >= half the bare rate, RSS < 300 MB over the run.
 *
 * Rates are records per second of CPU time (process.cpuUsage), i.e. per core-second: on a shared machine
 * wall-clock rates say more about the neighbours than about this code (they are printed alongside).
 * CPU time includes V8's helper threads (GC), which errs against the pipeline. (Interleaving bare slices
 * with the pipeline was tried: the slices' garbage is then collected on the pipeline's time.) Each
 * workload runs in a process of its own, as `kpufit load` does: in one process the later workloads
 * would pay for call sites made polymorphic by the earlier ones.
 *
 *   npm run bench:load                    # 60 s taxi run (the reported figure), 10 s iot and clickstream
 *   npm run bench:load -- --seconds 10    # shorter
 */
import { execFileSync } from 'node:child_process';
import { SystemClock } from '../core/clock';
import { LoadRun } from '../simulator/load-run';
import { KinesisProducer } from '../simulator/producers/kinesis-producer';
import { nullSink } from '../simulator/producers/batch-sink';
import { GeneratedRecords } from '../simulator/records';
import { createWorkload, WORKLOAD_NAMES, type WorkloadName } from '../simulator/workloads';

const TARGET_RATE = 150_000;
const TARGET_RSS_MB = 300;
const SLICE_EVENTS = 5_000;
const BARE_SECONDS = 3;
const RSS_EVERY_MS = 250;

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

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

interface Rates {
  perCpuSecond: number;
  perWallSecond: number;
}

/** JSON.stringify alone over pre-generated events, measured slice by slice. */
class BareStringify {
  private readonly events: object[];
  private next = 0;
  count = 0;
  cpuMicros = 0;
  wallMs = 0;
  private sink = 0;

  constructor(workload: WorkloadName) {
    const w = createWorkload(workload, { seed: 1 });
    const t0 = Date.now();
    this.events = Array.from({ length: 20_000 }, (_, i) => w.next(t0 + (i >> 6)).event);
  }

  slice(): void {
    const cpu = cpuMicros();
    const wall = performance.now();
    const events = this.events;
    for (let k = 0; k < SLICE_EVENTS; k++) {
      this.sink += JSON.stringify(events[this.next]).length;
      this.next = this.next + 1 === events.length ? 0 : this.next + 1;
    }
    this.count += SLICE_EVENTS;
    this.cpuMicros += cpuMicros() - cpu;
    this.wallMs += performance.now() - wall;
    if (this.sink < 0) throw new Error('unreachable: keeps the stringify from being optimised away');
  }

  /** Slices for `seconds` of wall time. */
  run(seconds: number): void {
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) this.slice();
  }

  rates(): Rates {
    return { perCpuSecond: this.count / (this.cpuMicros / 1e6), perWallSecond: this.count / (this.wallMs / 1000) };
  }
}

async function measure(workload: WorkloadName, seconds: number) {
  const bare = new BareStringify(workload);
  bare.slice(); // warm-up, not counted
  Object.assign(bare, { count: 0, cpuMicros: 0, wallMs: 0 });
  bare.run(BARE_SECONDS);

  const clock = new SystemClock();
  const producer = new KinesisProducer({ sink: nullSink, clock });
  let maxRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), RSS_EVERY_MS);
  const cpu = cpuMicros();
  const result = await new LoadRun({
    pacing: { kind: 'unpaced', source: new GeneratedRecords({ workload, seed: 1 }) },
    producer, clock, durationSeconds: seconds,
  }).run();
  const used = cpuMicros() - cpu;
  clearInterval(sampler);
  maxRss = Math.max(maxRss, process.memoryUsage().rss);

  bare.run(BARE_SECONDS);
  const pipeline: Rates = { perCpuSecond: result.sent / (used / 1e6), perWallSecond: result.sent / result.durationSeconds };
  return { pipeline, bare: bare.rates(), maxRssMb: maxRss / 2 ** 20, balanced: result.sent === result.acknowledged, sent: result.sent };
}

type Measurement = Awaited<ReturnType<typeof measure>>;

/** Runs one workload in a fresh process (this script with --only) and reads its measurement. */
function measureApart(workload: WorkloadName, seconds: number): Measurement {
  const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--only', workload, '--seconds', String(seconds)], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Measurement;
}

async function main(): Promise<void> {
  const only = process.argv.indexOf('--only');
  if (only >= 0) {
    const workload = process.argv[only + 1] as WorkloadName;
    process.stdout.write(`${JSON.stringify(await measure(workload, flag('seconds', 60)))}\n`);
    return;
  }
  const seconds = flag('seconds', 60);
  const others = Math.min(seconds, flag('other-seconds', 10));
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const both = (r: Rates) => `${fmt(r.perCpuSecond).padStart(9)} (${fmt(r.perWallSecond).padStart(9)})`;
  let ok = true;
  process.stdout.write(`bench:load  node ${process.version}, one JS thread; taxi for ${seconds} s, iot and clickstream for ${others} s\n`);
  process.stdout.write('records per CPU-second (per wall-second)\n');
  process.stdout.write('workload          pipeline              bare JSON.stringify     ratio   max RSS MB   records     sent = acked\n');
  for (const workload of WORKLOAD_NAMES) {
    const m = measureApart(workload, workload === 'taxi' ? seconds : others);
    const ratio = m.pipeline.perCpuSecond / m.bare.perCpuSecond;
    const pass = m.pipeline.perCpuSecond >= TARGET_RATE && ratio >= 0.5 && m.maxRssMb < TARGET_RSS_MB && m.balanced;
    ok &&= pass;
    process.stdout.write(
      `${workload.padEnd(12)} ${both(m.pipeline)}   ${both(m.bare)}   ${ratio.toFixed(2).padStart(5)}   ${m.maxRssMb.toFixed(0).padStart(10)}   ` +
        `${fmt(m.sent).padStart(11)}   ${m.balanced ? 'yes' : 'NO'}${pass ? '' : '   <- misses a target'}\n`,
    );
  }
  process.stdout.write(`targets: >= ${fmt(TARGET_RATE)} rec/s, ratio >= 0.50, RSS < ${TARGET_RSS_MB} MB: ${ok ? 'met' : 'MISSED'}\n`);
  if (!ok) process.exitCode = 1;
}

void main();
