/**
 * The security gate's contract when Python is missing: a loud skip on a developer machine, a failure
 * where the scan is mandatory (KPUFIT_REQUIRE_CHECKOV=1, as .ci/run sets). The scan itself runs in
 * `npm run test:security`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const script = path.resolve(__dirname, '..', '..', 'scripts', 'checkov.sh');

function runWithoutPython(env: Record<string, string>) {
  return spawnSync('bash', [script], {
    encoding: 'utf8',
    env: { ...process.env, KPUFIT_PYTHON: 'kpufit-no-such-python', KPUFIT_REQUIRE_CHECKOV: '', ...env },
  });
}

describe('scripts/checkov.sh without Python', () => {
  it('skips with a loud warning and exit 0 on a developer machine', () => {
    const run = runWithoutPython({});
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('WARNING: security scan (checkov) SKIPPED: kpufit-no-such-python not found');
    expect(run.stderr).toContain('The infrastructure was NOT checked');
  });

  it('fails when KPUFIT_REQUIRE_CHECKOV=1', () => {
    const run = runWithoutPython({ KPUFIT_REQUIRE_CHECKOV: '1' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'checkov gate: FAILED: kpufit-no-such-python not found (KPUFIT_REQUIRE_CHECKOV=1 makes the security scan mandatory)');
  });
});
