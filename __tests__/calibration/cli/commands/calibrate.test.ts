/**
 * `kpufit calibrate` as users run it (bin/kpufit.js in a child process): bad input fails with one line
 * naming the flag or file and a non-zero exit, writing nothing; --json prints the report and nothing
 * else on stdout; without --json the summary names the verdict, the recommendation and the report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCalibrateArgs } from '../../../../calibration/cli/commands/calibrate';

const root = join(__dirname, '..', '..', '..', '..');
const scenario = join(root, 'scenarios', 'taxi-io-bound.json');

function kpufit(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'kpufit.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kpufit calibrate (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kpufit-calibrate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: stdout is exactly the report, the same as DIR/report.json; progress stays on stderr', () => {
    const out = join(dir, 'taxi');
    const r = kpufit('calibrate', '--target', 'twin', '--scenario', scenario, '--out', out, '--json');
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed).toEqual(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(printed).toMatchObject({ schemaVersion: 1, target: 'twin', verdict: 'recommended', recommendation: { parallelism: 16, parallelismPerKpu: 8, kpus: 2 } });
    expect(printed.builtInAutoscaling.simulatedSeconds).toBeGreaterThan(0);
    for (const f of ['report.md', 'report.html', 'trials.csv']) expect(existsSync(join(out, f))).toBe(true);
    expect(r.stderr).toMatch(/trial 1: P=1 K=1/);
  });

  it('without --json: the verdict, the recommendation with its cost, and where the report is', () => {
    const r = kpufit('calibrate', '--target', 'twin', '--scenario', scenario, '--out', join(dir, 'summary'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^verdict: recommended/m);
    expect(r.stdout).toMatch(/recommendation: Parallelism 16, ParallelismPerKPU 8 -> 2 KPU\(s\).*\$0\.34\/hour, \$250\.90\/month/);
    expect(r.stdout).toMatch(/built-in autoscaling on the same load/);
    expect(r.stdout).toContain(`report: ${join(dir, 'summary', 'report.json')}`);
  });

  it('a missing scenario file: one line naming the file, exit non-zero, nothing on stdout or disk', () => {
    const out = join(dir, 'never');
    const r = kpufit('calibrate', '--target', 'twin', '--scenario', join(dir, 'nope.json'), '--out', out, '--json');
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`kpufit: error: ${join(dir, 'nope.json')}: cannot read scenario file: no such file`]);
    expect(existsSync(out)).toBe(false);
  });

  it('an invalid scenario: one line per problem naming the JSON path', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', stream: { shards: 2 }, load: { recordBytes: 100, profile: { type: 'constant', recordsPerSecond: 10 } }, job: { cpuMsPerRecord: -1, ioWaitMsPerRecord: 0 } }));
    const r = kpufit('calibrate', '--target', 'twin', '--scenario', bad);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/job\.cpuMsPerRecord: must be > 0/);
  });

  it('an unknown target names the flag and the allowed values', () => {
    const r = kpufit('calibrate', '--target', 'gcp', '--scenario', scenario);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/target.*gcp.*Choices: "twin", "aws"/s);
    expect(r.stdout).toBe('');
  });
});

describe('calibrate flag rules', () => {
  it('--target twin needs --scenario and takes no AWS flags; --target aws takes no --scenario', () => {
    expect(() => checkCalibrateArgs({ target: 'twin' })).toThrow(/--scenario: required with --target twin/);
    expect(() => checkCalibrateArgs({ target: 'twin', scenario: 's.json', maxCostUsd: 1 })).toThrow(/--max-cost-usd: only with --target aws/);
    expect(() => checkCalibrateArgs({ target: 'aws', scenario: 's.json' })).toThrow(/--scenario: only with --target twin/);
    expect(() => checkCalibrateArgs({ target: 'twin', scenario: 's.json', out: 'd', json: true })).not.toThrow();
    // The local target shares --rate, --workload, the SLO flags and --max-kpu with AWS and has its own.
    expect(() => checkCalibrateArgs({ target: 'local', rate: 150, workload: 'iot', maxKpu: 2, set: ['cost.io.mode=BLOCKING'], kpuCpu: 0.25 })).not.toThrow();
    expect(() => checkCalibrateArgs({ target: 'local', app: 'a' })).toThrow('--app: only with --target aws');
    expect(() => checkCalibrateArgs({ target: 'local', scenario: 's.json' })).toThrow(/^--scenario: only with --target twin/);
    expect(() => checkCalibrateArgs({ target: 'aws', kpuCpu: 1 })).toThrow('--kpu-cpu: only with --target local');
    expect(() => checkCalibrateArgs({ target: 'twin', scenario: 's.json', set: ['a=b'] })).toThrow('--set: only with --target local');
  });

  it('--sole-consumer belongs to --target aws: the twin and the local job have no other consumers to rule out', () => {
    expect(() => checkCalibrateArgs({ target: 'aws', app: 'a', stream: 's', rate: 5, soleConsumer: true })).not.toThrow();
    expect(() => checkCalibrateArgs({ target: 'twin', scenario: 's.json', soleConsumer: true })).toThrow('--sole-consumer: only with --target aws (the twin takes everything from --scenario)');
    expect(() => checkCalibrateArgs({ target: 'local', soleConsumer: false })).toThrow('--sole-consumer: only with --target aws');
  });

  it('--sole-consumer on the command line: refused with exit 2 before any work on the twin, described in --help', () => {
    const r = kpufit('calibrate', '--target', 'twin', '--scenario', scenario, '--sole-consumer');
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'kpufit: error: --sole-consumer: only with --target aws (the twin takes everything from --scenario)\n' });
    const help = kpufit('calibrate', '--help').stdout.replace(/\s+/g, ' ');
    expect(help).toContain("--sole-consumer [aws] assert that no other consumer reads --stream: if the application has no millisBehindLatest series, its lag is read from the stream's GetRecords.IteratorAgeMilliseconds (which covers every consumer) [boolean]");
  });
});
