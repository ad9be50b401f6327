/**
 * The built CLI (dist/kpufit.js, spawned as users run it) finds the files it reads at run time from the
 * package root, not from `__dirname` (which is dist/ once bundled), and takes every command's positionals
 * through the lazy command table.
 */
import { tmpdir } from 'node:os';
import { spawnKpufit } from './helpers/spawn-kpufit';

describe('the built CLI', () => {
  it('applies the Dashboards saved objects (dry run) from any working directory', async () => {
    const exit = await spawnKpufit(['dashboards', 'apply', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none', '--dry-run', '--json'], { cwd: tmpdir() }).exited;
    expect(exit.stderr).toContain('would apply 14 saved objects to http://127.0.0.1:9/_dashboards');
    expect(exit.code).toBe(0);
    const json = JSON.parse(exit.stdout) as { objects: { id: string }[] };
    expect(json.objects).toHaveLength(14);
    expect(json.objects.at(-1)).toMatchObject({ id: 'kpufit-overview' });
  });

  it('refuses an unknown dashboards action naming the allowed one', async () => {
    const exit = await spawnKpufit(['dashboards', 'remove', '--endpoint', 'http://127.0.0.1:9', '--auth', 'none'], { cwd: tmpdir() }).exited;
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('kpufit: error: Invalid values:\n  Argument: action, Given: "remove", Choices: "apply"');
  });
});
