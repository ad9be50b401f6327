/**
 * The CLI's build: calibration/cli/main.ts and everything it imports from the repo bundled into one
 * CommonJS file, dist/kpufit.js, that bin/kpufit.js loads in-process. npm packages stay external (they are
 * the package's "dependencies", installed beside it). Run by `npm run build`, by `npm install` (prepare)
 * and by jest's global setup, so a spawned `kpufit` in a test is always the current source.
 */
const { buildSync } = require('esbuild');
const { join } = require('node:path');

const root = join(__dirname, '..');

function build(outfile = join(root, 'dist', 'kpufit.js')) {
  buildSync({
    entryPoints: [join(root, 'calibration', 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

module.exports = { build };
if (require.main === module) build();
