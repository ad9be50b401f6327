/**
 * The flags of `kpufit calibrate --target aws` (docs/json-shapes.md, plus --from-outputs and --workload), checked
 * and resolved into one settings object. Flags win over the stack outputs; every problem is one line naming
 * its flag and what is allowed, all reported together.
 */
import { join } from 'node:path';
import type { Slo } from '../report-types';
import { numberFlagProblem, ValidationError, type NumberRule } from '../../core/validation';
import { MAX_RECORD_BYTES } from '../../core/aws-facts';
import { MAX_RECORDS_PER_SECOND } from '../../simulator/load-run';
import { endpointUrlProblem } from '../../simulator/kinesis-client';
import { GeneratedRecords } from '../../simulator/records';
import { WORKLOAD_NAMES, type WorkloadName } from '../../simulator/workloads';
import { readStackOutputs, type StackOutputs } from './stack-outputs';

export interface AwsCalibrationArgs {
  app?: string;
  stream?: string;
  rate?: number;
  recordBytes?: number;
  region?: string;
  endpointUrl?: string;
  sloLagMs?: number;
  catchUpS?: number;
  targetUtilization?: number;
  maxKpu?: number;
  maxCostUsd?: number;
  dryRun?: boolean;
  keep?: boolean;
  resume?: string;
  /** Continue from --resume even though its app, stream, load or SLO differ from the flags. */
  forceResume?: boolean;
  out?: string;
  /** Overwrite report files already in --out. */
  force?: boolean;
  json?: boolean;
  fromOutputs?: string;
  workload?: string;
  seed?: number;
  /** No other consumer reads the stream: its iterator age may stand in for a missing millisBehindLatest. */
  soleConsumer?: boolean;
}

export interface AwsRunSettings {
  application: string;
  stream: string;
  region?: string;
  endpointUrl?: string;
  workload: WorkloadName;
  seed: number;
  recordsPerSecond: number;
  recordBytes: number;
  slo: Slo;
  maxKpu: number;
  maxParallelism: number;
  maxCostUsd?: number;
  dryRun: boolean;
  keep: boolean;
  resume?: string;
  forceResume: boolean;
  outDir: string;
  force: boolean;
  json: boolean;
  /** --sole-consumer: the metrics source may read lag from the stream's iterator age (docs/metrics.md). */
  soleConsumer: boolean;
  outputs: StackOutputs;
}

/** Managed Flink's defaults: 64 KPUs per application (a quota) and Parallelism up to 256. */
export const DEFAULT_MAX_KPU = 64;
export const DEFAULT_MAX_PARALLELISM = 256;

/**
 * The load's record size when --record-bytes is not given: the mean over the first records the workload
 * generator produces (data plus partition key, what a shard's 1 MiB/s write limit counts), rounded up.
 */
export function workloadRecordBytes(workload: WorkloadName, seed: number, sample = 1000): number {
  const records = new GeneratedRecords({ workload, seed });
  let total = 0;
  for (let i = 0; i < sample; i++) {
    const r = records.next(i * 10);
    total += Buffer.byteLength(r.data) + Buffer.byteLength(r.partitionKey);
  }
  return Math.ceil(total / sample);
}

export async function resolveAwsSettings(args: AwsCalibrationArgs, env: NodeJS.ProcessEnv = process.env): Promise<AwsRunSettings> {
  const outputs = args.fromOutputs ? await readStackOutputs(args.fromOutputs) : {};
  const problems: string[] = [];
  const need = (flag: string, value: string | undefined, output: string) => {
    if (!value) problems.push(`--${flag}: required for --target aws${args.fromOutputs ? ` (${args.fromOutputs} has no ${output})` : ' (or --from-outputs FILE)'}`);
    return value ?? '';
  };
  const num = (flag: string, value: number | undefined, fallback: number | undefined, rule: NumberRule) => {
    if (value === undefined) return fallback;
    const problem = numberFlagProblem(flag, value, rule);
    if (problem) problems.push(problem);
    return value;
  };

  const application = need('app', args.app ?? outputs.application_name, 'application_name');
  const stream = need('stream', args.stream ?? outputs.stream_name, 'stream_name');
  const rate = num('rate', args.rate, undefined, { above: 0, max: MAX_RECORDS_PER_SECOND, unit: 'records per second' });
  if (args.rate === undefined) problems.push('--rate: required for --target aws (the peak records/s to size for)');
  const recordBytes = num('record-bytes', args.recordBytes, undefined, { integer: true, min: 1, max: MAX_RECORD_BYTES });
  const maxLagMs = num('slo-lag-ms', args.sloLagMs, 60000, { above: 0 });
  const catchUpSeconds = num('catch-up-s', args.catchUpS, 600, { above: 0 });
  const targetUtilization = num('target-utilization', args.targetUtilization, 0.8, { above: 0, max: 1 });
  const maxKpu = num('max-kpu', args.maxKpu, DEFAULT_MAX_KPU, { integer: true, min: 1 });
  const maxCostUsd = num('max-cost-usd', args.maxCostUsd, undefined, { above: 0, unit: 'US dollars' });
  const seed = num('seed', args.seed, 1, { integer: true, min: 0, max: 4294967295 });
  const workload = args.workload ?? 'taxi';
  if (!(WORKLOAD_NAMES as readonly string[]).includes(workload)) problems.push(`--workload: must be one of ${WORKLOAD_NAMES.join(', ')}, got "${workload}"`);
  if (args.endpointUrl !== undefined) {
    const problem = endpointUrlProblem(args.endpointUrl);
    if (problem) problems.push(`--endpoint-url: ${problem}`);
  }
  if (problems.length) throw new ValidationError(problems);

  return {
    application,
    stream,
    region: args.region ?? outputs.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    endpointUrl: args.endpointUrl,
    workload: workload as WorkloadName,
    seed: seed!,
    recordsPerSecond: rate!,
    recordBytes: recordBytes ?? workloadRecordBytes(workload as WorkloadName, seed!),
    slo: { maxLagMs: maxLagMs!, catchUpSeconds: catchUpSeconds!, targetUtilization: targetUtilization!, maxHeapUtilization: 0.9 },
    maxKpu: maxKpu!,
    maxParallelism: DEFAULT_MAX_PARALLELISM,
    maxCostUsd,
    dryRun: Boolean(args.dryRun),
    keep: Boolean(args.keep),
    resume: args.resume,
    forceResume: Boolean(args.forceResume),
    force: Boolean(args.force),
    outDir: args.out ?? join('reports', application),
    json: Boolean(args.json),
    soleConsumer: Boolean(args.soleConsumer),
    outputs,
  };
}
