/**
 * `kpufit autoscale simulate`: every flag checked before any work (one line naming the flag and what is
 * allowed, exit 2), the --json shape, the HTML report, and a model.json from `kpufit calibrate` as the
 * policy's starting point.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { checkSimulateArgs, runAutoscaleSimulate } from '../../../../calibration/cli/commands/autoscale';
import { parseJobModel } from '../../../../calibration/autoscaler/model-file';

const root = join(__dirname, '..', '..', '..', '..');
const scenario = join(root, 'scenarios', 'taxi-io-bound.json');

function kpufit(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'kpufit.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sink() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c) => chunks.push(String(c)));
  return { stream, writeStream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('kpufit autoscale simulate: flags', () => {
  it.each([
    [{ days: 0 }, '--days: must be a number of days > 0 and <= 366 (at least one minute), got 0'],
    [{ days: 400 }, '--days: must be a number of days > 0 and <= 366 (at least one minute), got 400'],
    [{ days: 1, policy: 'cpu' }, '--policy: must be kpufit, builtin, step or a comma-separated list of them, got "cpu"'],
    [{ days: 1, policy: 'kpufit,kpufit' }, '--policy: kpufit is listed twice'],
    [{ days: 1, policy: 'builtin', model: 'm.json' }, '--model: only with --policy kpufit (the baselines have no model)'],
  ])('%j -> %s', (args, message) => {
    expect(() => checkSimulateArgs({ scenario, ...args })).toThrow(message);
  });

  it('exits 2 with the flag named, writing nothing to stdout', () => {
    const r = kpufit('autoscale', 'simulate', '--scenario', scenario, '--days', '1', '--policy', 'aws');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('kpufit: error: --policy: must be kpufit, builtin, step or a comma-separated list of them, got "aws"\n');
  });

  it('exits 2 on a model file that is not a model, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpufit-autoscale-'));
    try {
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ schemaVersion: 1, origin: 'calibration', cpuMsPerRecord: -1 }));
      const r = kpufit('autoscale', 'simulate', '--scenario', scenario, '--days', '0.01', '--model', join(dir, 'model.json'));
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/cpuMsPerRecord: must be > 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('kpufit autoscale simulate: results', () => {
  it('--json prints the scores of each policy; --out writes the HTML with KPUs and lag over time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpufit-autoscale-'));
    try {
      const out = sink();
      await runAutoscaleSimulate({ scenario, days: 0.25, policy: 'kpufit,builtin', out: dir, json: true }, out.stream, sink().writeStream);
      const printed = JSON.parse(out.text());
      expect(printed.map((p: Record<string, unknown>) => Object.keys(p).slice(0, 8))).toEqual([0, 1].map(() => [
        'policy', 'days', 'kpuHours', 'costUsd', 'sloViolationMinutes', 'longestViolationMinutes', 'reconfigurations', 'downtimeMinutes',
      ]));
      expect(printed.map((p: { policy: string }) => p.policy)).toEqual(['kpufit', 'builtin']);
      // taxi-io-bound starts at P=1 (about 475 rec/s) under 5200 rec/s: kpufit scales up in one step. From
      // priors it first watches two minutes, so it also sizes for their backlog, at the pessimistic prior slot
      // contention (0.05; the job's is 0.02): 3 KPUs. From model.json (below) it acts at once: 2.
      expect(printed[0]).toMatchObject({ days: 0.25, reconfigurations: 1, finalParallelism: 24, finalParallelismPerKpu: 8 });
      expect(printed[1].sloViolationMinutes).toBeGreaterThan(300); // I/O-bound at ~5% CPU: built-in never scales
      const html = readFileSync(join(dir, 'autoscale.html'), 'utf8');
      expect(html.match(/<svg /g)).toHaveLength(6);
      expect(html).toContain('KPUs billed (kpufit)');
      expect(html).toContain('millisBehindLatest, Maximum per minute (builtin)');
      expect(existsSync(join(dir, 'autoscale.json'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('kpufit calibrate writes model.json beside report.json, and the policy starts from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpufit-autoscale-'));
    try {
      expect(kpufit('calibrate', '--target', 'twin', '--scenario', scenario, '--out', dir).status).toBe(0);
      const model = parseJobModel(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
      expect(model).toMatchObject({ origin: 'calibration', slotContention: expect.closeTo(0.02, 2) });
      expect(model.ioWaitMsPerRecord).toBeCloseTo(2, 1);
      const r = kpufit('autoscale', 'simulate', '--scenario', scenario, '--days', '0.1', '--model', join(dir, 'model.json'), '--json');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ policy: 'kpufit', reconfigurations: 1, finalParallelism: 16, finalParallelismPerKpu: 8 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
