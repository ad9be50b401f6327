/**
 * Opt-in: `terraform validate` on both synthesized stacks. It needs the terraform CLI and the AWS provider
 * (hashicorp/aws, the version @cdktf/provider-aws pins) on this machine, because CI and most sandboxes cannot
 * download providers. Run with KPUFIT_TERRAFORM_TESTS=1; point KPUFIT_TERRAFORM_PLUGIN_DIR at a provider
 * mirror (`terraform providers mirror`) unless the provider is in an implied local mirror directory.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtureJar, projectRoot } from './helpers';

const PROVIDER = 'registry.terraform.io/hashicorp/aws';

function providerVersion(): string {
  const pkg = fs.readFileSync(path.join(projectRoot, 'node_modules', '@cdktf', 'provider-aws', 'lib', 'provider', 'index.js'), 'utf8');
  const match = /terraformGeneratorMetadata:\s*\{[^}]*providerVersion:\s*'([^']+)'/.exec(pkg) ?? /providerVersion:\s*['"]([^'"]+)['"]/.exec(pkg);
  if (!match) throw new Error('cannot find the AWS provider version @cdktf/provider-aws was generated for');
  return match[1];
}

/** Where terraform finds providers without a network: the opt-in dir, then the implied local mirrors. */
function pluginDirs(): string[] {
  const home = os.homedir();
  return [process.env.KPUFIT_TERRAFORM_PLUGIN_DIR, path.join(home, '.terraform.d', 'plugins'),
    path.join(home, '.local', 'share', 'terraform', 'plugins'), '/usr/local/share/terraform/plugins', '/usr/share/terraform/plugins']
    .filter((d): d is string => !!d);
}

function whyNotRunnable(): { reason: string } | { pluginDir: string } {
  if (process.env.KPUFIT_TERRAFORM_TESTS !== '1') return { reason: 'set KPUFIT_TERRAFORM_TESTS=1 to run it' };
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (version.status !== 0) return { reason: 'the terraform CLI is not on PATH' };
  const wanted = providerVersion();
  const dir = pluginDirs().find((d) => fs.existsSync(path.join(d, PROVIDER, wanted)) || fs.existsSync(path.join(d, PROVIDER, `terraform-provider-aws_${wanted}_${process.platform}_amd64.zip`)));
  if (!dir) return { reason: `the AWS provider ${wanted} is not in any local plugin directory (${pluginDirs().join(', ')}); it cannot be downloaded here` };
  return { pluginDir: dir };
}

const runnable = whyNotRunnable();

if ('reason' in runnable) {
  // Logged, not silent: a reader of the test output sees why the validation did not run.
  console.warn(`terraform validate SKIPPED: ${runnable.reason}`);
}

(('reason' in runnable) ? describe.skip : describe)(`terraform validate${'reason' in runnable ? ` (skipped: ${runnable.reason})` : ''}`, () => {
  let outdir: string;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-validate-'));
    const synth = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'main.ts'], {
      cwd: projectRoot, encoding: 'utf8',
      env: { ...process.env, KPUFIT_ENV: 'all', KPUFIT_FLINK_JAR: fixtureJar, CDKTF_OUTDIR: outdir },
    });
    if (synth.status !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it.each(['kpufit-dev', 'kpufit-prod'])('%s is valid Terraform', (stack) => {
    const cwd = path.join(outdir, 'stacks', stack);
    const { pluginDir } = runnable as { pluginDir: string };
    const init = spawnSync('terraform', ['init', '-backend=false', '-input=false', `-plugin-dir=${pluginDir}`], { cwd, encoding: 'utf8' });
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const validate = spawnSync('terraform', ['validate', '-json'], { cwd, encoding: 'utf8' });
    const result = JSON.parse(validate.stdout) as { valid: boolean; diagnostics: Array<{ summary: string }> };
    expect(result.diagnostics.map((d) => d.summary)).toEqual([]);
    expect(result.valid).toBe(true);
  }, 120000);
});
