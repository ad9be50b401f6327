#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `npx kpufit` works in a checkout without a build step.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const cli = path.join(__dirname, '..', 'calibration', 'cli', 'main.ts');
const tsx = require.resolve('tsx/cli');
// Ctrl-C reaches the CLI too (same process group): this wrapper must outlive it so that the CLI can restore
// what it changed (calibrate --target aws) before the shell gets its prompt back.
process.on('SIGINT', () => {});
const result = spawnSync(process.execPath, [tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
