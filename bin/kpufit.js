#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `npx kpufit` works in a checkout without a build step.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const cli = path.join(__dirname, '..', 'calibration', 'cli', 'main.ts');
const tsx = require.resolve('tsx/cli');
const result = spawnSync(process.execPath, [tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
