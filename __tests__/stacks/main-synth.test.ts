/**
 * main.ts end to end, as `cdktf synth` runs it: both stacks by default, one when chosen, and on any
 * config problem one line per problem, a non-zero exit and nothing written.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtureJar, projectRoot } from './helpers';

const tsx = require.resolve('tsx/cli');

function runMain(env: Record<string, string>) {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-synth-')), 'cdktf.out');
  const result = spawnSync(process.execPath, [tsx, 'main.ts'], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, KPUFIT_ENV: '', CDKTF_CONTEXT_JSON: '{}', KPUFIT_FLINK_JAR: fixtureJar, CDKTF_OUTDIR: outdir, ...env },
  });
  const stacks = fs.existsSync(path.join(outdir, 'stacks')) ? fs.readdirSync(path.join(outdir, 'stacks')).sort() : [];
  const written = fs.existsSync(outdir) ? fs.readdirSync(outdir) : [];
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr.trim(), stacks, written };
}

describe('main.ts (what `cdktf synth` runs)', () => {
  it('writes both stacks when no environment is chosen', () => {
    const run = runMain({});
    expect(run.status).toBe(0);
    expect(run.stacks).toEqual(['kpufit-dev', 'kpufit-prod']);
  });

  it('writes only the stack KPUFIT_ENV chooses', () => {
    expect(runMain({ KPUFIT_ENV: 'prod' }).stacks).toEqual(['kpufit-prod']);
  });

  it('writes only the stack the cdktf context env chooses', () => {
    expect(runMain({ CDKTF_CONTEXT_JSON: JSON.stringify({ env: 'dev' }) }).stacks).toEqual(['kpufit-dev']);
  });

  it('fails with one line and writes nothing when the jar is missing', () => {
    const run = runMain({ KPUFIT_FLINK_JAR: 'flink-app/target/does-not-exist.jar' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'KPUFIT_FLINK_JAR: Flink jar not found at flink-app/target/does-not-exist.jar: run `npm run build:flink` (or set KPUFIT_FLINK_JAR to a built jar)');
    expect(run.written).toEqual([]);
  });

  it('fails with one line and writes nothing for an unknown environment', () => {
    const run = runMain({ KPUFIT_ENV: 'staging' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('KPUFIT_ENV: must be one of dev, prod, all (got "staging")');
    expect(run.written).toEqual([]);
  });
});
