/**
 * The CLI as a real process (bin/kpufit.js): --version, quiet EPIPE, output locations checked before any
 * work, flags that do not apply to the chosen target refused, load's wall-clock duration with the
 * schedule shortfall, and input files that are BOM-prefixed, not UTF-8 or offer 0 records/s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/spawn-kpufit';

const dir = mkdtempSync(join(tmpdir(), 'kpufit-safety-'));
const scenario = join(ROOT, 'scenarios', 'taxi-io-bound.json');

function kpufit(args: string[], shell?: string) {
  const r = shell
    ? spawnSync('bash', ['-o', 'pipefail', '-c', shell], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', KPUFIT: join(ROOT, 'bin', 'kpufit.js') } })
    : spawnSync(process.execPath, [join(ROOT, 'bin', 'kpufit.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^\(node:\d+\) Warning[\s\S]*?trace-warnings[^\n]*\n/m, '') };
}

describe('kpufit as a package', () => {
  it('--version prints the package version', () => {
    const r = kpufit(['--version']);
    expect(r).toMatchObject({ status: 0, stdout: `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n` });
  });

  it('a reader that closes the pipe early (twin sweep | head -1) ends kpufit quietly, exit 0', () => {
    const r = kpufit([], `node "$KPUFIT" twin sweep --scenario ${scenario} --max-kpu 64 | head -1`);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split(/\s+/).slice(0, 3)).toEqual(['P', 'K', 'KPUs']);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
});

describe('output locations are checked before any work', () => {
  it('calibrate --out naming an existing file fails at once, exit 2, writing nothing', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'keep me');
    const r = kpufit(['calibrate', '--target', 'twin', '--scenario', scenario, '--out', file]);
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toBe(`kpufit: error: --out ${file}: is an existing file, not a directory\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('calibrate --out /proc/x is refused at once instead of hanging', () => {
    const r = kpufit(['calibrate', '--target', 'twin', '--scenario', scenario, '--out', '/proc/kpufit-x']);
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toBe('kpufit: error: --out /proc/kpufit-x: is on the proc file system, not storage; choose a directory on a disk\n');
  });

  it('calibrate into a directory that holds a report needs --force', () => {
    const out = join(dir, 'reported');
    mkdirSync(out);
    writeFileSync(join(out, 'report.json'), '{}');
    const refused = kpufit(['calibrate', '--target', 'twin', '--scenario', scenario, '--out', out]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`kpufit: error: --out ${out}: ${join(out, 'report.json')} exists; pass --force to overwrite it or choose another --out\n`);
    const forced = kpufit(['calibrate', '--target', 'twin', '--scenario', scenario, '--out', out, '--force', '--json']);
    expect(forced.status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).verdict).toBe('recommended');
  });

  it('load --target file never overwrites an existing --out without --force', () => {
    const out = join(dir, 'records.jsonl');
    writeFileSync(out, 'precious\n');
    const args = ['load', '--target', 'file', '--out', out, '--workload', 'taxi', '--rate', '10', '--duration', '0.2'];
    const refused = kpufit(args);
    expect(refused).toMatchObject({ status: 2, stdout: '' });
    expect(refused.stderr).toBe(`kpufit: error: --out ${out}: exists; pass --force to overwrite it or choose another file\n`);
    expect(readFileSync(out, 'utf8')).toBe('precious\n');
    expect(kpufit([...args, '--force']).status).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toContain('precious');
  });
});

describe('flags that do not apply to the chosen target are errors', () => {
  it.each([
    [['load', '--target', 'null', '--workload', 'taxi', '--rate', '5', '--duration', '1', '--out', 'x.jsonl'], '--out: only applies to --target file, not --target null'],
    [['load', '--target', 'file', '--out', 'y.jsonl', '--workload', 'taxi', '--rate', '5', '--duration', '1', '--stream', 's'], '--stream: only applies to --target twin or kinesis, not --target file'],
    [['load', '--target', 'null', '--workload', 'taxi', '--rate', '5', '--duration', '1', '--anomaly-share', '0.1'], '--anomaly-share: only applies to --workload iot'],
    [['calibrate', '--target', 'twin', '--scenario', scenario, '--endpoint-url', 'http://127.0.0.1:1'], '--endpoint-url: only with --target aws (the twin takes everything from --scenario)'],
    [['calibrate', '--target', 'aws', '--app', 'a', '--stream', 's', '--rate', '5', '--force-resume'], '--force-resume: only with --resume FILE'],
  ])('%j', (args, line) => {
    const r = kpufit(args as string[]);
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toBe(`kpufit: error: ${line}\n`);
  });
});

describe('kpufit load: --duration is wall-clock time', () => {
  it('a rate no producer keeps up with stops at the duration and reports planned vs sent and the shortfall', () => {
    const started = Date.now();
    const r = kpufit(['load', '--target', 'null', '--workload', 'taxi', '--rate', '1000000', '--duration', '2', '--json']);
    const elapsed = (Date.now() - started) / 1000;
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.planned).toBe(2_000_000);
    expect(stats.sent).toBeLessThan(stats.planned);
    expect(stats.scheduleShortfall).toBe(stats.planned - stats.sent);
    expect(stats.durationSeconds).toBeLessThan(4);
    expect(elapsed).toBeLessThan(15);
    expect(r.stderr).toMatch(/planned 2,000,000, not sent on schedule [\d,]+/);
  });

  it('--rate above what one producer process can offer is refused, naming the bound', () => {
    const r = kpufit(['load', '--target', 'null', '--workload', 'taxi', '--rate', '1e12', '--duration', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('kpufit: error: --rate: must be a number > 0 and <= 1000000 (records per second; one load process offers at most that, run several for more), got 1000000000000\n');
  });
});

describe('input files', () => {
  const json = readFileSync(scenario, 'utf8');

  it('a scenario with a UTF-8 byte-order mark reads like one without', () => {
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, `\uFEFF${json}`);
    expect(kpufit(['twin', 'run', '--scenario', bom, '--parallelism', '16', '--parallelism-per-kpu', '8', '--duration', '60']).status).toBe(0);
  });

  it('a scenario that is not UTF-8 is one line saying so', () => {
    const latin1 = join(dir, 'latin1.json');
    writeFileSync(latin1, Buffer.from(json.replace('"name"', '"n\u00e4me"'), 'latin1'));
    const r = kpufit(['twin', 'sweep', '--scenario', latin1]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`kpufit: error: ${latin1}: not valid UTF-8 (save the file as UTF-8)\n`);
  });

  it('a scenario whose load offers 0 records/s is refused by twin run and sweep', () => {
    const zero = join(dir, 'zero.json');
    const parsed = JSON.parse(json);
    writeFileSync(zero, JSON.stringify({ ...parsed, load: { ...parsed.load, profile: { type: 'daily', min: 0, max: 0, periodSeconds: 86400 } } }));
    for (const args of [['twin', 'sweep', '--scenario', zero], ['twin', 'run', '--scenario', zero, '--parallelism', '1', '--parallelism-per-kpu', '1']]) {
      const r = kpufit(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`kpufit: error: ${zero}: load.profile: peaks at 0 records/s: the load must offer records (peak > 0)\n`);
    }
    expect(existsSync(join(dir, 'zero-out'))).toBe(false);
  });
});

describe('kpufit load: failures say why', () => {
  it('a record over 1 MiB is reported as rejected without a retry, not as failed after retries', () => {
    const replay = join(dir, 'huge.jsonl');
    const trip = (id: number, extra = '') => JSON.stringify({ trip_id: `t${id}`, dropoff_datetime: `2026-01-01T00:00:0${id}Z`, note: extra });
    writeFileSync(replay, `${trip(1)}\n${trip(2, 'x'.repeat(1_100_000))}\n${trip(3)}\n`);
    const dlq = join(dir, 'huge-dlq.jsonl');
    const r = kpufit(['load', '--target', 'twin', '--workload', 'taxi', '--replay', replay, '--speedup', '100', '--dead-letter', dlq, '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 3, acknowledged: 2, failed: 1, rejectedTooLarge: 1, deadLetterFile: dlq });
    expect(r.stderr).toMatch(new RegExp(`^kpufit: error: 1 records were over Kinesis's 1 MiB limit and rejected without a retry; they are in ${dlq}$`, 'm'));
    expect(r.stderr).not.toMatch(/failed after \d+ retries/);
  });
});
