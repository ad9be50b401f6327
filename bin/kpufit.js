#!/usr/bin/env node
'use strict';
// The built CLI (dist/kpufit.js, written by `npm run build`, which `npm install` runs through `prepare`),
// loaded into this very process: no wrapper process, so a signal (Ctrl-C, kill, a closed terminal) reaches
// the CLI alone and its restore-on-stop path runs exactly once.
let cli;
try {
  cli = require('../dist/kpufit.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /dist[\\/]kpufit\.js/.test(String(err.message))) {
    process.stderr.write('kpufit: error: the CLI is not built: run `npm run build` (npm install runs it)\n');
    process.exit(1);
  }
  throw err;
}
cli.main(process.argv.slice(2));
