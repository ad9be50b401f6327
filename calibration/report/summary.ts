/**
 * The few lines a person reads after a calibration (stdout without --json), the same on the twin and on AWS.
 */
import { join } from 'node:path';
import type { CalibrationReport } from '../report-types';
import { describeConstraint } from '../algorithm/binding-constraints';

export function summary(report: CalibrationReport, dir?: string): string[] {
  const rec = report.recommendation;
  const lines = [`verdict: ${report.verdict}${report.bottleneck ? ` (bottleneck: ${report.bottleneck})` : ''}`];
  if (rec) {
    lines.push(
      `recommendation: Parallelism ${rec.parallelism}, ParallelismPerKPU ${rec.parallelismPerKpu} -> ${rec.kpus} KPU(s), ` +
        `~${Math.round(rec.estimatedCapacityRecordsPerSecond).toLocaleString('en-US')} records/s for a peak of ${report.load.recordsPerSecond.toLocaleString('en-US')}/s; ` +
        `$${rec.costPerHourUsd.toFixed(2)}/hour, $${rec.costPerMonthUsd.toFixed(2)}/month`,
    );
  }
  // Every binding constraint with its numbers: causes combine (too few shards and a hot key, say).
  for (const c of report.constraints ?? []) lines.push(`binds: ${describeConstraint(c)}`);
  lines.push(`stream: ${streamLine(report.streamAdvice)}`);
  if (report.explanation) lines.push(`why: ${report.explanation}`);
  lines.push(
    `calibration: ${report.trials.length} trial(s), ${report.reconfigurations} reconfiguration(s), ${(report.elapsedSeconds / 60).toFixed(0)} ${report.target === 'twin' ? 'simulated ' : ''}minutes, ${report.calibrationKpuHours} KPU-hours`,
  );
  const b = report.builtInAutoscaling;
  if (b) {
    lines.push(
      `built-in autoscaling on the same load: ${b.secondsToWithinSlo === null ? `lag not within the SLO after ${(b.simulatedSeconds / 3600).toFixed(1)} h` : `lag within the SLO after ${(b.secondsToWithinSlo / 60).toFixed(0)} min`}, ` +
        `${b.scalingEvents} scaling event(s), ends at ${b.finalKpus} KPU(s) (P=${b.finalParallelism}), ${b.kpuHours} KPU-hours over ${(b.simulatedSeconds / 3600).toFixed(1)} h`,
    );
  }
  if (dir) lines.push(`report: ${join(dir, 'report.json')} (and report.md, report.html, trials.csv)`);
  return lines;
}

/** The shards needed: the fewest that accept the peak, or none until a hot partition key is spread. */
function streamLine(s: CalibrationReport['streamAdvice']): string {
  const cause = s.cause ? ` (${s.cause})` : '';
  if (s.cause === 'hot-partition-key') {
    const then = s.shardsOnceKeySpread !== undefined ? `, then ${s.shardsOnceKeySpread} needed` : '';
    return `${s.shards} shard(s); none suffice until the hot partition key is spread${then}${cause}`;
  }
  const needed = s.minimumShards ?? s.requiredShards;
  // No throttling, or every shard saturated: the skew could not show, so the count assumes even keys.
  const even = s.partitionKeyShare === undefined && (needed < s.shards || s.cause === 'write-throughput') ? ' with evenly spread keys' : '';
  return `${s.shards} shard(s), ${needed} needed${even}${cause}`;
}
