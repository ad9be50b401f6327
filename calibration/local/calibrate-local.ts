/**
 * `kpufit calibrate --target local`: the calibrator, unchanged, on the real job (./local-world.ts). The run
 * starts the job at P=1 k=1 with no load, measures the emulation's fixed overhead and the emulator's
 * ceiling, refuses a rate the emulator could not carry, calibrates, and always tears everything down.
 */
import { calibrate, type CalibrationHooks, type CalibrationOptions } from '../calibrate';
import type { CalibrationReport } from '../report-types';
import { DEFAULT_PRICING } from '../../core/pricing';
import { openLocalWorld, type LocalWorld } from './local-world';
import type { LocalSettings } from './settings';
import { workloadRecordBytes } from '../aws/settings';

export interface LocalCalibrationHooks extends CalibrationHooks {
  log?(message: string): void;
  workDir?: string;
}

export function localCalibrationOptions(s: LocalSettings, recordBytes: number): CalibrationOptions {
  const scale = 60 / s.periodSeconds;
  return {
    target: 'local',
    application: `local-${s.workload}`,
    stream: `kpufit-${s.workload}-input`,
    load: { recordsPerSecond: s.recordsPerSecond, recordBytes },
    slo: s.slo,
    limits: { maxKpu: s.maxKpu, maxParallelism: s.maxParallelism },
    pricing: DEFAULT_PRICING,
    keep: true,
    algorithm: {
      // Compressed clock: a wall second of start-up or catch-up is `scale` calibrator seconds.
      caughtUpLagMs: 2000,
      pollSeconds: 1,
      updateTimeoutSeconds: 300 * scale,
      metricsDelaySeconds: 0,
    },
  };
}

export async function runLocalCalibration(s: LocalSettings, hooks: LocalCalibrationHooks = {}): Promise<CalibrationReport> {
  const log = hooks.log ?? (() => undefined);
  const started = Date.now();
  const world: LocalWorld = await openLocalWorld({
    workload: s.workload, shards: s.shards, jobProperties: s.jobProperties, kpuCpu: s.kpuCpu, kpuHeapMb: s.kpuHeapMb,
    periodSeconds: s.periodSeconds, workDir: hooks.workDir ?? `reports/local-work/${s.workload}`,
    initial: { parallelism: 1, parallelismPerKpu: 1 }, hotKeyShare: s.hotKeyShare, log,
  });
  try {
    if (s.recordsPerSecond > world.ceiling.usableRecordsPerSecond) {
      throw new Error(`--rate ${s.recordsPerSecond}: above what kinesis-local carries on this machine now `
        + `(${Math.round(world.ceiling.usableRecordsPerSecond)} records/s usable of ${Math.round(world.ceiling.putRecordsPerSecond)}/s PutRecords measured); lower --rate`);
    }
    const recordBytes = workloadRecordBytes(s.workload, 1);
    // The emulator must never bind: watch the load's shortfall and say so when it does.
    let worstShortfallSeconds = 0;
    const watch = setInterval(() => {
      const rate = world.load.recordsPerSecond;
      if (rate <= 0) return;
      const behind = world.load.shortfall() / rate;
      if (behind > 3 && behind > worstShortfallSeconds + 3) {
        log(`warning: kinesis-local is ${behind.toFixed(0)} s of load behind the offered ${rate} records/s (PutRecords slows as shards fill): trials now offer less than the calibrator assumes`);
      }
      worstShortfallSeconds = Math.max(worstShortfallSeconds, behind);
    }, 2000);
    let report: CalibrationReport;
    try {
      report = await calibrate(world.ports, localCalibrationOptions(s, recordBytes), hooks);
    } finally {
      clearInterval(watch);
    }
    report.local = {
      workload: s.workload,
      jobProperties: s.jobProperties,
      periodSeconds: s.periodSeconds,
      kpuCpu: s.kpuCpu,
      kpuHeapMb: s.kpuHeapMb,
      shards: s.shards,
      overheadCores: world.overheadCores,
      emulatorPutRecordsPerSecond: world.ceiling.putRecordsPerSecond,
      emulatorUsableRecordsPerSecond: world.ceiling.usableRecordsPerSecond,
      updates: world.ports.control.updates.map((u) => ({
        fromParallelism: u.from.parallelism, fromParallelismPerKpu: u.from.parallelismPerKpu,
        parallelism: u.to.parallelism, parallelismPerKpu: u.to.parallelismPerKpu,
        downtimeWallSeconds: u.downtimeMs / 1000, ...(u.error ? { error: u.error } : {}),
      })),
      wallSeconds: (Date.now() - started) / 1000,
      worstLoadShortfallSeconds: worstShortfallSeconds,
    };
    return report;
  } finally {
    await world.dispose();
  }
}
