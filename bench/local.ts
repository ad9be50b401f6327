/**
 * `npm run bench:local [-- --out DIR] [-- --settings a,b]`: the calibrator on the real job, four settings, each
 * calibrated and then swept (calibration/local/): blocking I/O, CPU per record, async I/O with a capacity, and
 * a hot key. Per setting: the calibrated KPUs against the sweep's cheapest configuration meeting the SLO
 * (calibration/local/agreement.ts: equal, or one more where the sweep's margin is inside the noise it
 * measured), reconfigurations, wall time, and the error of the twin fitted to the sweep
 * (calibration/local/twin-fit.ts). The table goes to stdout as markdown, progress to stderr, and every report,
 * sweep and fit as JSON under --out (default reports/bench-local). Needs the shaded jar and, for the KPUs'
 * CPU, a writable cgroup CPU controller (root). Takes ~5-8 minutes per setting on a 2-core machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLocalCalibration } from '../calibration/local/calibrate-local';
import { assertJarBuilt } from '../calibration/local/local-job';
import { resolveLocalSettings, type LocalArgs } from '../calibration/local/settings';
import { runLocalSweep } from '../calibration/local/sweep';
import { cpuControllerUnavailable } from '../calibration/local/cpu-cgroup';
import { agreement, type Agreement } from '../calibration/local/agreement';
import { fitTwin } from '../calibration/local/twin-fit';

interface Setting {
  name: string;
  /** What makes it interesting, for the table. */
  what: string;
  args: LocalArgs;
  /** The sweep's grid: P up to this (KPUs up to the calibration's --max-kpu). */
  sweepMaxParallelism: number;
}

/**
 * Each sized so the answer is a few subtasks and neither kinesis-local nor the host decides it: low rates (its
 * PutRecords slows as shards fill and with the machine's load; at 130 records/s a six-minute calibration
 * fell 35 s behind), a whole core per KPU where the job is meant to be I/O-bound, and ~6-second calibrator
 * minutes so a calibration takes minutes.
 */
const SETTINGS: Setting[] = [
  {
    name: 'blocking-io', what: '16 ms blocking I/O per record, 65 records/s',
    args: { rate: 65, set: ['cost.io.mode=BLOCKING', 'cost.io.wait.millis=16'], maxKpu: 2, maxParallelism: 4, kpuCpu: 1 },
    sweepMaxParallelism: 3,
  },
  {
    name: 'cpu', what: '4 ms of CPU per record (spin) on 0.5-core KPUs, 100 records/s',
    // At most 2 KPUs: 3 x 0.5 cores plus the JVM's ~0.5-core overhead is this 2-core machine's every core,
    // which then binds before the KPUs do (P=3 on 3 KPUs swept no faster than P=2 on 2).
    args: { rate: 100, set: ['cost.cpu.spin.micros=4000'], maxKpu: 2, maxParallelism: 4, kpuCpu: 0.5 },
    sweepMaxParallelism: 3,
  },
  {
    name: 'async-io', what: 'async I/O, 100 ms per call, capacity 5 per subtask (~50/s each), 65 records/s',
    args: { rate: 65, set: ['cost.io.mode=ASYNC', 'cost.io.wait.millis=100', 'cost.io.async.capacity=5'], maxKpu: 2, maxParallelism: 4, kpuCpu: 1 },
    sweepMaxParallelism: 3,
  },
  {
    name: 'hot-key', what: '16 ms blocking I/O, 30% of records on one partition key, 55 records/s',
    args: { rate: 55, set: ['cost.io.mode=BLOCKING', 'cost.io.wait.millis=16'], hotKeyShare: 0.3, maxKpu: 2, maxParallelism: 4, kpuCpu: 1 },
    sweepMaxParallelism: 3,
  },
];

interface Row {
  setting: string;
  what: string;
  calibrated: string;
  calibratedKpus: number | null;
  sweep: string;
  sweepKpus: number | null;
  required: number;
  agreement: Agreement;
  noise: number | null;
  reconfigurations: number;
  calibrationWallSeconds: number;
  sweepWallSeconds: number;
  twinFitMaxError: number | null;
  twinFitMeanError: number | null;
  loadAverage: string;
  /** Most seconds of offered load kinesis-local was behind during the calibration (above ~3: the emulator bound it). */
  emulatorShortfallSeconds: number;
}

function parseArgs(argv: string[]): { out: string; only: Setting[] } {
  let out = 'reports/bench-local';
  let only = SETTINGS;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = argv[i + 1];
    if (a === '--out') {
      if (!value || value.startsWith('--')) throw new Error('--out: expected a directory');
      out = value;
      i++;
    } else if (a === '--settings') {
      const names = (value ?? '').split(',').filter(Boolean);
      const unknown = names.filter((n) => !SETTINGS.some((s) => s.name === n));
      if (names.length === 0 || unknown.length > 0) throw new Error(`--settings: expected a comma-separated list of ${SETTINGS.map((s) => s.name).join(', ')}, got "${value ?? ''}"`);
      only = SETTINGS.filter((s) => names.includes(s.name));
      i++;
    } else {
      throw new Error(`unknown argument "${a}"; allowed: --out DIR, --settings ${SETTINGS.map((s) => s.name).join(',')}`);
    }
  }
  return { out, only };
}

const loadAverage = async (): Promise<string> => {
  const { loadavg } = await import('node:os');
  return loadavg().map((x) => x.toFixed(1)).join(' ');
};

async function runSetting(s: Setting, out: string, log: (m: string) => void): Promise<Row> {
  const settings = resolveLocalSettings({ workload: 'iot', periodSeconds: 6, ...s.args });
  const before = await loadAverage();
  const started = Date.now();
  const report = await runLocalCalibration(settings, {
    log: (m) => log(`${s.name}: ${m}`), workDir: `reports/local-work/bench-${s.name}-calibration`,
    onTrial: (t) => log(`${s.name}: trial P=${t.parallelism} K=${t.parallelismPerKpu} ${t.verdict}: ${t.reason}`),
  });
  const calibrationWallSeconds = (Date.now() - started) / 1000;
  const rec = report.recommendation;
  const downtimes = report.local?.updates.filter((u) => !u.error).map((u) => u.downtimeWallSeconds) ?? [];
  const sweepStarted = Date.now();
  const sweep = await runLocalSweep({ ...settings, maxParallelism: Math.max(s.sweepMaxParallelism, rec?.parallelism ?? 1) }, {
    workDir: `reports/local-work/bench-${s.name}-sweep`, log: (m) => log(`${s.name}: ${m}`), backlogRecords: 6_000, noiseRepeats: 1,
    overheadCores: report.local?.overheadCores,
    ...(downtimes.length > 0 ? { updateDowntimeSeconds: Math.max(...downtimes) } : {}),
  });
  const sweepWallSeconds = (Date.now() - sweepStarted) / 1000;
  const noise = sweep.local.noise?.relativeSpread ?? null;
  const verdict = agreement({ recommendation: rec, configurations: sweep.configurations, requiredRecordsPerSecond: sweep.requiredCapacityRecordsPerSecond, noise: noise ?? 0 });
  let fit: ReturnType<typeof fitTwin> | null = null;
  try {
    fit = fitTwin(sweep.configurations, `${s.name}/sweep.json`);
  } catch (e) {
    log(`${s.name}: twin fit failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const dir = join(out, s.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'sweep.json'), `${JSON.stringify(sweep, null, 2)}\n`);
  if (fit) writeFileSync(join(dir, 'twin-fit.json'), `${JSON.stringify(fit, null, 2)}\n`);
  writeFileSync(join(dir, 'agreement.json'), `${JSON.stringify(verdict, null, 2)}\n`);
  const best = sweep.rightSize;
  return {
    setting: s.name, what: s.what,
    calibrated: rec ? `P=${rec.parallelism} K=${rec.parallelismPerKpu}` : report.verdict,
    calibratedKpus: rec?.kpus ?? null,
    sweep: best ? `P=${best.parallelism} K=${best.parallelismPerKpu} (${best.capacityRecordsPerSecond.toFixed(0)}/s)` : sweep.verdict,
    sweepKpus: best?.kpus ?? null,
    required: sweep.requiredCapacityRecordsPerSecond,
    agreement: verdict, noise,
    reconfigurations: report.reconfigurations,
    calibrationWallSeconds, sweepWallSeconds,
    twinFitMaxError: fit?.maxAbsRelativeError ?? null, twinFitMeanError: fit?.meanAbsRelativeError ?? null,
    loadAverage: `${before} → ${await loadAverage()}`,
    emulatorShortfallSeconds: report.local?.worstLoadShortfallSeconds ?? 0,
  };
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

export function table(rows: Row[]): string {
  const lines = [
    '| setting | calibrated | KPUs | sweep cheapest meeting the SLO | KPUs | required rec/s | agreement | sweep noise | reconf. | calibration wall s | sweep wall s | twin-fit error max (mean) | load average (1/5/15 min, before → after) | emulator behind (s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.setting}: ${r.what} | ${r.calibrated} | ${r.calibratedKpus ?? '-'} | ${r.sweep} | ${r.sweepKpus ?? '-'} | ${r.required.toFixed(1)} | `
      + `${r.agreement.agree ? (r.agreement.kind === 'equal' ? 'equal' : `+1, sweep margin ${pct(r.agreement.cheaperMargin)} inside noise`) : `NO: ${r.agreement.reasons.join('; ')}`} | `
      + `${pct(r.noise)} | ${r.reconfigurations} | ${r.calibrationWallSeconds.toFixed(0)} | ${r.sweepWallSeconds.toFixed(0)} | ${pct(r.twinFitMaxError)} (${pct(r.twinFitMeanError)}) | ${r.loadAverage} | ${r.emulatorShortfallSeconds.toFixed(0)}${r.emulatorShortfallSeconds > 3 ? ' (bound the run)' : ''} |`),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { out, only } = parseArgs(process.argv.slice(2));
  assertJarBuilt();
  const why = cpuControllerUnavailable();
  if (why) throw new Error(`needs a writable cgroup CPU controller to emulate KPUs: ${why}`);
  const log = (m: string): void => void process.stderr.write(`bench:local: ${m}\n`);
  const rows: Row[] = [];
  for (const s of only) {
    log(`${s.name}: ${s.what}`);
    rows.push(await runSetting(s, out, log));
    log(`${s.name}: done\n${table(rows.slice(-1))}`);
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'bench-local.json'), `${JSON.stringify({ generatedAt: new Date().toISOString(), rows }, null, 2)}\n`);
  process.stdout.write(`## bench:local (${new Date().toISOString().slice(0, 16)} UTC)\n\n${table(rows)}`);
  const ok = rows.every((r) => r.agreement.agree && r.reconfigurations <= 3);
  if (!ok) log('not every setting agrees with its sweep within 3 reconfigurations (see the table)');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:local: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
