/**
 * `npm run bench:calibrate`: the calibrator against two baselines, in the same process, over every
 * scenario in scenarios/ (and, with BENCH_RANDOM=N, N seeded random scenarios it has never seen):
 *   ours      model-based calibration (calibration/calibrate.ts) on the twin
 *   built-in  Managed Flink's CPU autoscaling on a fresh twin (up to 8 simulated hours)
 *   doubling  10-minute trials, Parallelism x2 until the lag stays within the SLO
 * Per method: share of scenarios answered with the fewest KPUs (goal: all), infeasible answers (goal:
 * none), median reconfigurations (goal <= 3), median simulated minutes to the answer (goal <= 45),
 * calibration KPU-hours, and wall time per scenario (goal < 2 s, ours).
 * The expected answer comes from the twin's own what-if model (simulator/twin rightSize), which the
 * calibrator never sees.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { peakRate } from '../core/rate-profile';
import { Twin, assess, loadScenario, parseScenario, rightSize, type Scenario } from '../simulator/twin';
import { twinPorts } from '../calibration/adapters/twin-ports';
import { runBuiltInAutoscaling } from '../calibration/baselines/builtin-autoscaling';
import { doublingSearch } from '../calibration/baselines/doubling-search';
import { calibrateOnTwin } from '../calibration/twin-calibration';

interface Row {
  /** ours only: verdict and stream advice as the twin's model has them. */
  verdictOk?: boolean;
  scenario: string;
  method: 'ours' | 'built-in' | 'doubling';
  expectedKpus: number | null;
  answerKpus: number | null;
  answer: string;
  atFewest: boolean;
  infeasible: boolean;
  reconfigurations: number;
  minutes: number;
  kpuHours: number;
  wallMs: number;
}

/** The stream the scenario needs (the twin's own advice), so an application answer is judged on its own. */
function neededShards(s: Scenario): number {
  const advice = rightSize(s).streamAdvice;
  return Math.max(s.stream.shards, advice.requiredShards ?? s.stream.shards);
}

/** The fewest KPUs once the stream accepts the load; null when nothing can be feasible. */
function fewestKpus(s: Scenario): number | null {
  return rightSize({ ...s, stream: { ...s.stream, shards: neededShards(s) } }).rightSize?.kpus ?? null;
}

function judge(s: Scenario, kpus: number | null, p: number, k: number) {
  const fewest = fewestKpus(s);
  const feasible = kpus !== null && assess({ ...s, stream: { ...s.stream, shards: neededShards(s) } }, { parallelism: p, parallelismPerKpu: k }).feasible;
  const atFewest = fewest === null ? kpus === null : kpus === fewest && feasible;
  return { expectedKpus: fewest, atFewest, infeasible: kpus !== null && !feasible };
}

/** The verdict and stream advice ours should give (the twin's what-if model). */
function expectedVerdictAndShards(s: Scenario) {
  const sizing = rightSize(s);
  return { verdict: sizing.verdict, requiredShards: sizing.streamAdvice.requiredShards, cause: sizing.streamAdvice.cause };
}

async function benchScenario(s: Scenario): Promise<Row[]> {
  const rows: Row[] = [];
  let t = Date.now();
  const ours = await calibrateOnTwin(s, { compareBuiltInAutoscaling: false });
  const oursWall = Date.now() - t;
  const rec = ours.recommendation;
  const want = expectedVerdictAndShards(s);
  const verdictOk = ours.verdict === want.verdict
    && (want.verdict !== 'stream-bound' || (ours.streamAdvice.cause === want.cause && (want.requiredShards === null || ours.streamAdvice.requiredShards === want.requiredShards)));
  rows.push({ verdictOk,
    scenario: s.name, method: 'ours', answer: rec ? `${rec.parallelism}/${rec.parallelismPerKpu}` : ours.verdict,
    answerKpus: rec?.kpus ?? null, ...judge(s, rec?.kpus ?? null, rec?.parallelism ?? 0, rec?.parallelismPerKpu ?? 0),
    reconfigurations: ours.reconfigurations, minutes: ours.elapsedSeconds / 60, kpuHours: ours.calibrationKpuHours, wallMs: oursWall,
  });

  t = Date.now();
  const builtIn = await runBuiltInAutoscaling(s);
  rows.push({
    scenario: s.name, method: 'built-in', answer: `${builtIn.finalParallelism}/${builtIn.finalParallelismPerKpu}`,
    answerKpus: builtIn.finalKpus, ...judge(s, builtIn.finalKpus, builtIn.finalParallelism, builtIn.finalParallelismPerKpu),
    reconfigurations: builtIn.scalingEvents, minutes: (builtIn.secondsToWithinSlo ?? builtIn.simulatedSeconds) / 60,
    kpuHours: builtIn.kpuHours, wallMs: Date.now() - t,
  });

  t = Date.now();
  const twin = Twin.fromScenario(s);
  const doubling = await doublingSearch(twinPorts(twin, s), {
    application: s.application, stream: s.stream.name, peak: peakRate(s.load.profile), recordBytes: s.load.recordBytes, slo: s.slo, limits: s.limits,
  });
  const a = doubling.answer;
  rows.push({
    scenario: s.name, method: 'doubling', answer: a ? `${a.parallelism}/${a.parallelismPerKpu}` : 'none',
    answerKpus: a?.kpus ?? null, ...judge(s, a?.kpus ?? null, a?.parallelism ?? 0, a?.parallelismPerKpu ?? 0),
    reconfigurations: doubling.reconfigurations, minutes: doubling.simulatedSeconds / 60, kpuHours: round(twin.kpuHours(), 3), wallMs: Date.now() - t,
  });
  return rows;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function round(x: number, d: number): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}

function summarize(title: string, rows: Row[]): string[] {
  const out = [`### ${title}`, '', '| method | at fewest KPUs | infeasible answers | median reconfigurations | max | median minutes to answer | max | KPU-hours (total) | wall ms / scenario (median, max) |', '|---|---|---|---|---|---|---|---|---|'];
  for (const method of ['ours', 'built-in', 'doubling'] as const) {
    const r = rows.filter((x) => x.method === method);
    if (r.length === 0) continue;
    const recs = r.map((x) => x.reconfigurations);
    const mins = r.map((x) => x.minutes);
    const walls = r.map((x) => x.wallMs);
    const verdicts = method === 'ours' ? ` (verdict + stream advice right: ${r.filter((x) => x.verdictOk).length}/${r.length})` : '';
    out.push(`| ${method} | ${r.filter((x) => x.atFewest).length}/${r.length}${verdicts} | ${r.filter((x) => x.infeasible).length} | ${median(recs)} | ${Math.max(...recs)} | ${round(median(mins), 1)} | ${round(Math.max(...mins), 1)} | ${round(r.reduce((a, x) => a + x.kpuHours, 0), 2)} | ${median(walls)}, ${Math.max(...walls)} |`);
  }
  return out;
}

function detail(rows: Row[]): string[] {
  const out = ['| scenario | method | answer (P/K) | KPUs | fewest | at fewest | infeasible | reconf. | minutes | KPU-h | wall ms |', '|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    out.push(`| ${r.scenario} | ${r.method}${r.verdictOk === false ? ' (verdict/stream advice off)' : ''} | ${r.answer} | ${r.answerKpus ?? '-'} | ${r.expectedKpus ?? '-'} | ${r.atFewest ? 'yes' : 'no'} | ${r.infeasible ? 'YES' : 'no'} | ${r.reconfigurations} | ${round(r.minutes, 1)} | ${r.kpuHours} | ${r.wallMs} |`);
  }
  return out;
}

/** Seeded random scenarios across the twin's parameter space (CPU- vs I/O-bound, hot keys, skew, state). */
function randomScenarios(count: number, seed: number): Scenario[] {
  let state = seed >>> 0;
  const r = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const out: Scenario[] = [];
  for (let i = 0; i < count; i++) {
    const profiles = [
      { type: 'constant', recordsPerSecond: Math.round(500 + r() * 12000) },
      { type: 'ramp', from: 200, to: Math.round(1000 + r() * 10000), seconds: 3600 },
      { type: 'daily', min: 100, max: Math.round(1000 + r() * 10000), periodSeconds: 7200 },
    ];
    out.push(parseScenario({
      name: `random-${seed}-${i}`, seed: Math.floor(r() * 1000),
      stream: { shards: 1 + Math.floor(r() * 16), shardSkew: r() < 0.2 ? r() * 0.3 : 0 },
      load: { recordBytes: [100, 200, 300, 450, 600, 1000][Math.floor(r() * 6)], profile: profiles[Math.floor(r() * 3)] },
      job: {
        cpuMsPerRecord: 0.02 + r() * 0.6, ioWaitMsPerRecord: r() < 0.3 ? 0 : r() * 3, slotContention: r() * 0.3,
        hotKeyShare: r() < 0.3 ? r() * 0.2 : 0, stateMb: r() < 0.3 ? Math.round(r() * 15000) : Math.round(r() * 2000),
        restartSeconds: 10 + Math.round(r() * 150), noise: r() * 0.08,
      },
      initial: { parallelism: 1 + Math.floor(r() * 4), parallelismPerKpu: 1 + Math.floor(r() * 2), autoScalingEnabled: r() < 0.2 },
      slo: { catchUpSeconds: r() < 0.5 ? 600 : 300, targetUtilization: r() < 0.5 ? 0.8 : 0.7 },
    }));
  }
  return out;
}

async function main(): Promise<void> {
  const dir = join(__dirname, '..', 'scenarios');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const shipped: Row[] = [];
  for (const f of files) shipped.push(...(await benchScenario(loadScenario(join(dir, f)))));
  const lines = ['## bench:calibrate', '', ...summarize(`scenarios/ (${files.length})`, shipped), '', ...detail(shipped)];
  const randomCount = Number(process.env.BENCH_RANDOM ?? 0);
  if (randomCount > 0) {
    const random: Row[] = [];
    for (const s of randomScenarios(randomCount, Number(process.env.BENCH_SEED ?? 2026))) random.push(...(await benchScenario(s)));
    lines.push('', ...summarize(`${randomCount} random unseen scenarios (BENCH_SEED ${process.env.BENCH_SEED ?? 2026})`, random));
    const misses = random.filter((r) => r.method === 'ours' && (!r.atFewest || r.infeasible || !r.verdictOk));
    if (misses.length > 0) lines.push('', 'Where ours missed:', '', ...detail(misses));
    if (process.env.BENCH_DETAIL) lines.push('', ...detail(random));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:calibrate failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
