/**
 * What `npm install kpufit` installs is exactly what the CLI loads: the bundle (scripts/build.cjs) keeps npm
 * packages external, so every package it requires must be a runtime dependency, and every runtime dependency
 * must be one it requires. Synth-only packages (cdktf, the AWS provider, the Lambda bundles' SDK clients) and
 * tools (tsx, esbuild) belong in devDependencies, so a user's install does not pull hundreds of MB it never runs.
 */
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The package a bare import names: '@scope/name/deep' → '@scope/name', 'name/deep' → 'name'. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function externalPackagesOfTheCli(): string[] {
  const result = buildSync({
    entryPoints: [join(root, 'calibration', 'cli', 'main.ts')],
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', write: false, metafile: true, logLevel: 'silent',
  });
  const builtins = new Set(builtinModules);
  const external = new Set<string>();
  for (const input of Object.values(result.metafile!.inputs)) {
    for (const imp of input.imports) {
      // Relative paths listed as external are type-only imports esbuild drops from the output.
      if (!imp.external || imp.path.startsWith('.') || imp.path.startsWith('node:') || builtins.has(imp.path.split('/')[0])) continue;
      external.add(packageOf(imp.path));
    }
  }
  return [...external].sort();
}

describe('the CLI package', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; bin: Record<string, string> };

  it('depends at run time on exactly the packages the built CLI requires', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(externalPackagesOfTheCli());
  });

  it('keeps synth and build tools out of a user\'s install', () => {
    for (const tool of ['cdktf', 'cdktf-cli', '@cdktf/provider-aws', 'constructs', 'tsx', 'esbuild', 'typescript']) {
      expect(pkg.dependencies).not.toHaveProperty(tool);
      expect(pkg.devDependencies).toHaveProperty(tool);
    }
  });
});
