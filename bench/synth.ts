/**
 * `npm run bench:synth`: wall time of `cdktf synth` writing both stacks (target < 15 s), as a user runs it
 * (the CLI, which starts the app through tsx), with the built jar when there is one, else the fixture.
 * Runs BENCH_SYNTH_RUNS times (default 3) into a temporary directory and reports min and median.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const runs = Number(process.env.BENCH_SYNTH_RUNS ?? 3);
const builtJar = path.join(root, 'flink-app', 'target', 'kpufit-flink-app.jar');
const jar = fs.existsSync(builtJar) ? builtJar : path.join(root, '__tests__', 'fixtures', 'flink-app-fixture.jar');
const TARGET_SECONDS = 15;

const seconds: number[] = [];
for (let i = 0; i < runs; i++) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-bench-synth-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(path.join(root, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', out], {
    cwd: root, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', KPUFIT_ENV: 'all', KPUFIT_FLINK_JAR: jar },
  });
  seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  const stacks = fs.existsSync(path.join(out, 'stacks')) ? fs.readdirSync(path.join(out, 'stacks')).sort() : [];
  fs.rmSync(out, { recursive: true, force: true });
  if (result.status !== 0 || stacks.length !== 2) {
    console.error(`synth failed (exit ${result.status}, stacks: ${stacks.join(', ') || 'none'})\n${result.stderr}`);
    process.exit(1);
  }
}
seconds.sort((a, b) => a - b);
const median = seconds[Math.floor(seconds.length / 2)];
console.log(`cdktf synth, both stacks, jar ${path.relative(root, jar)} (${(fs.statSync(jar).size / 1e6).toFixed(1)} MB), ${runs} runs, load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
console.log(`  min ${seconds[0].toFixed(1)} s, median ${median.toFixed(1)} s: target < ${TARGET_SECONDS} s ${median < TARGET_SECONDS ? 'met' : 'MISSED'}`);
if (median >= TARGET_SECONDS) process.exit(1);
