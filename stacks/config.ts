/**
 * The per-environment configuration (config/<env>.json): one strict zod sub-schema per section, composed
 * into `pipelineConfigSchema`. A config file states only what differs: defaults of the fields that exist only
 * in config live here; fields a construct takes as a prop default in that construct (see applicationSchema).
 * Errors come out as `config/prod.json: stream.shards: must be >= 1`, one line per problem.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { formatIssues } from '../core/validation';
import { DEFAULT_MAX_PARALLELISM, MAX_PARALLELISM_PER_KPU, MIN_PARALLELISM_PER_KPU } from '../core/aws-facts';
import {
  APPLICATION_NAME_PATTERN, FLINK_APPLICATION_DEFAULTS, LOG_LEVELS, LOG_RETENTION_DAYS, METRICS_LEVELS,
} from './private/flink-application-validation';
import { STREAM_LAMBDA_DEFAULTS } from './private/stream-lambda-defaults';

export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** Where `npm run build:flink` puts the shaded jar; relative to the project root. */
export const DEFAULT_FLINK_JAR = 'flink-app/target/kpufit-flink-app.jar';

const int = (min: number, max?: number) => {
  let schema = z.number({ error: 'must be a number' }).int({ message: 'must be an integer' })
    .min(min, { message: `must be >= ${min}` });
  if (max !== undefined) schema = schema.max(max, { message: `must be <= ${max}` });
  return schema;
};
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });
/** Error for a section that is missing or not an object. */
const sectionError = { error: (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : 'must be an object') };
const bool = () => z.boolean({ error: 'must be true or false' });
const text = (pattern: RegExp, allowed: string) =>
  z.string({ error: 'must be a string' }).regex(pattern, { message: `must be ${allowed}` });

const logRetentionDays = () => int(1).refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
  message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
});

/** Kinesis stream names: 1..128 of [a-zA-Z0-9_.-]. */
const streamName = text(/^[a-zA-Z0-9_.-]{1,128}$/, '1-128 characters of a-z A-Z 0-9 _ . -');

/** A stream is PROVISIONED (shards required) or ON_DEMAND (no shards: AWS scales them). */
const streamFields = {
  name: streamName.optional(),
  mode: oneOf(['PROVISIONED', 'ON_DEMAND'] as const).default('PROVISIONED'),
  shards: int(1, 4096).optional(),
  retentionHours: int(24, 8760).default(24),
};
function requireShardsForProvisioned(s: { mode: string; shards?: number }, ctx: z.RefinementCtx) {
  if (s.mode === 'PROVISIONED' && s.shards === undefined) {
    ctx.addIssue({ code: 'custom', path: ['shards'], message: 'is required when mode is PROVISIONED (>= 1)' });
  }
  if (s.mode === 'ON_DEMAND' && s.shards !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['shards'], message: 'must be omitted when mode is ON_DEMAND' });
  }
}

export const streamSchema = z.strictObject({
  ...streamFields,
  /**
   * Enhanced fan-out for the Flink source. Refused for now: the flink-app job's connector
   * (flink-connector-kinesis 4.3.0-1.19) polls only and fails on start when asked for EFO, and a
   * registered consumer nobody reads from still costs money. Nothing downstream builds EFO grants or
   * source properties, so lifting this refusal needs those too.
   */
  enhancedFanOut: bool().default(false),
}, sectionError).superRefine(requireShardsForProvisioned).superRefine((s, ctx) => {
  if (s.enhancedFanOut) {
    ctx.addIssue({
      code: 'custom', path: ['enhancedFanOut'],
      message: 'must be false: the flink-app job polls only (its Kinesis connector has no EFO source)',
    });
  }
});

/** The alerts stream the Flink job writes to (issue 7's Lambda reads it); small and on-demand by default. */
export const alertsStreamSchema = z.strictObject({
  enabled: bool().default(true),
  ...streamFields,
  mode: streamFields.mode.default('ON_DEMAND'),
}).superRefine(requireShardsForProvisioned);

/**
 * The Managed Flink application. Fields FlinkApplication takes as props have no default here: left out,
 * they stay undefined and the construct's documented defaults apply (stacks/private/flink-application-validation.ts),
 * so each default lives in one place. The ranges are checked here too, so a config error names the file.
 */
export const applicationSchema = z.strictObject({
  name: text(APPLICATION_NAME_PATTERN, '1-128 characters of a-z A-Z 0-9 _ . -'),
  runtime: oneOf(['FLINK-1_20'] as const).optional(),
  /** Up to the job's max parallelism (flink-app fixes its key groups at 256 so snapshots stay restorable). */
  parallelism: int(1).max(DEFAULT_MAX_PARALLELISM, {
    message: `must be <= ${DEFAULT_MAX_PARALLELISM} (the flink-app job's max parallelism)`,
  }).optional(),
  parallelismPerKpu: int(MIN_PARALLELISM_PER_KPU, MAX_PARALLELISM_PER_KPU).optional(),
  autoScalingEnabled: bool().optional(),
  /** Upper bound on KPUs (cost guard): checked against parallelism here, alarmed on at run time. */
  maxKpus: int(1, 1024).default(8),
  /** The shaded job jar, relative to the project root; KPUFIT_FLINK_JAR overrides it. */
  jarPath: z.string({ error: 'must be a string' }).min(1, { message: 'must not be empty' }).default(DEFAULT_FLINK_JAR),
  /**
   * Leave Parallelism/ParallelismPerKPU to whoever changes them outside Terraform (kpufit calibrate,
   * built-in autoscaling), so `cdktf deploy` does not revert them.
   */
  ignoreParallelismChanges: bool().optional(),
  checkpointIntervalMs: int(1000).optional(),
  minPauseBetweenCheckpointsMs: int(0).optional(),
  snapshotsEnabled: bool().optional(),
  logLevel: oneOf(LOG_LEVELS).optional(),
  metricsLevel: oneOf(METRICS_LEVELS).optional(),
  /** CloudWatch Logs accepts only these retention values; checkov's gate wants >= 365. */
  logRetentionDays: logRetentionDays().optional(),
}, sectionError);

/**
 * Tumbling window length per workload, seconds, when job.windowSizeSeconds is unset: the recipes' own
 * (the IoT recipe aggregates over 5 minutes). flink-app's WorkloadKind has the same values for local runs
 * (a test keeps them equal); the stack always sends the window, so this is the one that applies on AWS.
 */
export const DEFAULT_WINDOW_SECONDS = { taxi: 60, iot: 300, clickstream: 60 } as const;

/** flink-app JobConfig's ranges for the async I/O operator (cost.io.async.*). */
const ASYNC_CAPACITY_MAX = 10_000;
const ASYNC_TIMEOUT_MAX_MS = 600_000;

/** What the Java job computes; becomes the `Job` runtime property group. */
export const jobSchema = z.strictObject({
  workload: oneOf(['taxi', 'iot', 'clickstream'] as const),
  /** Tumbling window length; unset: DEFAULT_WINDOW_SECONDS of the workload. */
  windowSizeSeconds: int(1, 86400).optional(),
  watermarkMaxOutOfOrdernessSeconds: int(0, 3600).default(5),
  watermarkIdlenessSeconds: int(1, 3600).default(60),
  /** Synthetic per-record cost, so calibration has something CPU- or I/O-bound to right-size. */
  cost: z.strictObject({
    cpuSpinMicros: int(0, 1_000_000).optional(),
    ioMode: oneOf(['none', 'blocking', 'async'] as const).optional(),
    ioWaitMillis: int(0, 60_000).optional(),
    /** Requests in flight per subtask in async mode (Flink AsyncDataStream capacity). */
    asyncCapacity: int(1, ASYNC_CAPACITY_MAX).optional(),
    /** How long one async request may take before it counts as a timeout (enrichmentTimeouts). */
    asyncTimeoutMillis: int(1, ASYNC_TIMEOUT_MAX_MS).optional(),
  }).superRefine((c, ctx) => {
    for (const field of ['asyncCapacity', 'asyncTimeoutMillis'] as const) {
      if (c[field] !== undefined && c.ioMode !== 'async') {
        ctx.addIssue({ code: 'custom', path: [field], message: 'needs ioMode "async" (only the async operator uses it)' });
      }
    }
    if (c.asyncTimeoutMillis !== undefined && c.ioWaitMillis !== undefined && c.asyncTimeoutMillis <= c.ioWaitMillis) {
      ctx.addIssue({ code: 'custom', path: ['asyncTimeoutMillis'],
        message: `must be > ioWaitMillis (${c.ioWaitMillis}): otherwise every request times out` });
    }
  }).optional(),
}, sectionError).transform((job) => ({ ...job, windowSizeSeconds: job.windowSizeSeconds ?? DEFAULT_WINDOW_SECONDS[job.workload] }));

export const monitoringSchema = z.strictObject({
  /** Optional e-mail subscribed to the alarm topic (AWS sends a confirmation mail first). */
  alarmEmail: z.email({ message: 'must be an e-mail address' }).optional(),
  /** The AWS KPU-calibration blog alarms at 60 s behind the stream. */
  millisBehindLatestThresholdMs: int(1).default(60000),
  iteratorAgeThresholdMs: int(1).default(60000),
  heapMemoryUtilizationThresholdPercent: z.number({ error: 'must be a number' })
    .gt(0, { message: 'must be > 0' }).max(100, { message: 'must be <= 100' }).default(90),
  periodSeconds: int(60).refine((p) => p % 60 === 0, { message: 'must be a multiple of 60' }).default(60),
  evaluationPeriods: int(1, 100).default(5),
  /**
   * Records per period below which the input stream counts as stopped. Unset: the alarm uses an anomaly band
   * (incomingRecordsAnomalyBandWidth standard deviations) learned from the stream's history instead.
   */
  incomingRecordsFloor: int(0).optional(),
  incomingRecordsAnomalyBandWidth: z.number({ error: 'must be a number' }).gt(0, { message: 'must be > 0' })
    .max(10, { message: 'must be <= 10' }).optional(),
  /** Share of incoming records the job may refuse as malformed before the alarm fires, percent. */
  malformedRatioThresholdPercent: z.number({ error: 'must be a number' }).gt(0, { message: 'must be > 0' })
    .max(100, { message: 'must be <= 100' }).optional(),
}).superRefine((m, ctx) => {
  if (m.incomingRecordsFloor !== undefined && m.incomingRecordsAnomalyBandWidth !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['incomingRecordsAnomalyBandWidth'],
      message: 'must be omitted when incomingRecordsFloor is set (the alarm uses one or the other)' });
  }
});

export const storageSchema = z.strictObject({
  /** Results age into cheaper storage classes; days since creation. */
  resultsInfrequentAccessAfterDays: int(30).default(30),
  resultsGlacierAfterDays: int(1).default(90),
  noncurrentVersionExpirationDays: int(1).default(30),
  accessLogExpirationDays: int(1).default(365),
}).superRefine((s, ctx) => {
  if (s.resultsGlacierAfterDays < s.resultsInfrequentAccessAfterDays + 30) {
    ctx.addIssue({
      code: 'custom', path: ['resultsGlacierAfterDays'],
      message: 'must be >= resultsInfrequentAccessAfterDays + 30 (S3 minimum stay in STANDARD_IA)',
    });
  }
});

/** Optional S3 remote state; absent means local state (terraform.<stack>.tfstate). */
export const backendSchema = z.strictObject({
  s3: z.strictObject({
    bucket: text(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
    key: z.string({ error: 'must be a string' }).min(1, { message: 'must not be empty' }),
    region: z.string({ error: 'must be a string' }).min(1, { message: 'must not be empty' }).optional(),
    dynamodbTable: z.string({ error: 'must be a string' }).optional(),
    kmsKeyId: z.string({ error: 'must be a string' }).optional(),
  }),
});

/**
 * The consumers (stacks/consumers.ts): the alerts Lambda, the stream processor Lambda (input stream to
 * processed-data/), the raw archive (Firehose to raw-data/) and the Glue/Athena catalog. Each is off unless `enabled`, so a config states only what it runs.
 */
export const consumersSchema = z.strictObject({
  /** Retention of the consumers' log groups; checkov's gate wants >= 365. */
  logRetentionDays: logRetentionDays().default(365),
  alerts: z.strictObject({
    enabled: bool().default(false),
    batchSize: int(1, 10000).default(100),
    /** Never -1 (infinite): a poison batch must reach the dead-letter queue. */
    maximumRetryAttempts: int(0, 10000).default(3),
    maximumRecordAgeSeconds: int(60, 604800).default(3600),
    parallelizationFactor: int(1, 10).default(1),
    /** Must be >= shards x parallelizationFactor of the alerts stream (on-demand starts with 4). */
    reservedConcurrency: int(1, 1000).default(5),
    startingPosition: oneOf(['LATEST', 'TRIM_HORIZON'] as const).default('LATEST'),
  }, sectionError).prefault({}),
  rawArchive: z.strictObject({
    enabled: bool().default(false),
    bufferingSizeMb: int(1, 128).default(64),
    bufferingIntervalSeconds: int(0, 900).default(300),
  }, sectionError).prefault({}),
  /**
   * The stream processor Lambda on the input stream (stacks/stream-processor.ts). Unset fields take the
   * construct's defaults; it always starts at LATEST.
   */
  streamProcessor: z.strictObject({
    enabled: bool().default(false),
    /** Records per invocation, and per object written to processed-data/. */
    batchSize: int(1, 10000).optional(),
    /** Seconds Lambda gathers records before invoking (0..300). */
    maximumBatchingWindowSeconds: int(0, 300).optional(),
    /** Never -1 (infinite): a poison batch must reach the on-failure queue. */
    maximumRetryAttempts: int(0, 10000).optional(),
    maximumRecordAgeSeconds: int(60, 604800).optional(),
    parallelizationFactor: int(1, 10).optional(),
    /** Must be >= shards x parallelizationFactor of the input stream, or reads are throttled. */
    reservedConcurrency: int(1, 1000).optional(),
    memorySizeMb: int(128, 10240).optional(),
    timeoutSeconds: int(1, 900).optional(),
  }, sectionError).prefault({}),
  /**
   * QuickSight over the catalog (stacks/quicksight-datasets.ts): off by default because it needs a QuickSight
   * subscription in the account. Needs analyticsCatalog.
   */
  quickSight: z.strictObject({
    enabled: bool().default(false),
    /** The IAM role QuickSight reads AWS sources with; it gets the Athena/Glue/S3/KMS grants. */
    serviceRoleName: text(/^[\w+=,.@-]{1,64}$/, 'an IAM role name').optional(),
    /** QuickSight user or group given owner rights on the data source and data sets. */
    ownerArn: text(/^arn:[a-z-]+:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/.+$/, 'a QuickSight user or group ARN').optional(),
    refreshInterval: oneOf(['MINUTE15', 'MINUTE30', 'HOURLY', 'DAILY'] as const).optional(),
  }, sectionError).prefault({}),
  analyticsCatalog: z.strictObject({
    enabled: bool().default(false),
    /** Athena's minimum is 10 MB; the default cancels queries scanning more than 10 GiB. */
    bytesScannedCutoffPerQuery: int(10 * 1024 * 1024).default(10 * 1024 * 1024 * 1024),
    projectionStartDate: text(/^\d{4}-\d{2}-\d{2}$/, 'a date yyyy-MM-dd').default('2025-01-01'),
  }, sectionError).prefault({}),
}, sectionError);

/**
 * The kpufit autoscaler (stacks/autoscaler.ts): off by default. When on, it replaces Managed Flink's
 * built-in autoscaling and changes Parallelism itself, so the application must have autoScalingEnabled
 * false and ignoreParallelismChanges true (or every deploy would revert its changes with a restart).
 */
export const autoscalerSchema = z.strictObject({
  enabled: bool().default(false),
  /** The SLO's lag; default: monitoring.millisBehindLatestThresholdMs. */
  maxLagMs: int(1000).optional(),
  minKpus: int(1, 1024).default(1),
  /** Default: application.maxKpus. */
  maxKpus: int(1, 1024).optional(),
  maxCostPerHourUsd: z.number({ error: 'must be a number' }).gt(0, { message: 'must be > 0' }).optional(),
  targetUtilization: z.number({ error: 'must be a number' }).min(0.55, { message: 'must be >= 0.55' }).max(0.9, { message: 'must be <= 0.9' }).default(0.8),
  catchUpSeconds: int(1, 86400).default(600),
  predictDaily: bool().default(true),
  /** model.json written by `kpufit calibrate`, relative to the project root; absent: learn from priors. */
  modelPath: z.string({ error: 'must be a string' }).min(1, { message: 'must not be empty' }).optional(),
  metricsDelaySeconds: int(0, 900).default(120),
}, sectionError);

/**
 * The OpenSearch domain the job indexes its results into (stacks/opensearch-domain.ts checks sizes and CIDRs
 * again, naming the prop). Off unless `enabled`: a domain is billed by the hour even when idle.
 */
export const opensearchSchema = z.strictObject({
  enabled: bool().default(false),
  /** Default `<name>-os`. */
  domainName: text(/^[a-z][a-z0-9-]{2,27}$/, '3-28 characters of a-z 0-9 -, starting with a letter').optional(),
  /** The fine-grained-access-control master user: the operator's admin role (required when enabled). */
  masterUserArn: text(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/, 'an IAM role or user ARN').optional(),
  engineVersion: text(/^OpenSearch_\d+\.\d+$/, 'OpenSearch_<major>.<minor>, e.g. OpenSearch_2.19').default('OpenSearch_2.19'),
  instanceType: text(/^[a-z][a-z0-9]*\.[a-z0-9]+\.search$/, 'an OpenSearch instance type such as r6g.large.search').default('t3.small.search'),
  instanceCount: int(1, 80).default(1),
  /** 1: no zone awareness; 2 or 3: data nodes and replicas across zones. */
  availabilityZoneCount: int(1, 3).default(1),
  dedicatedMasterCount: int(0, 5).refine((n) => [0, 3, 5].includes(n), { message: 'must be 0, 3 or 5' }).default(0),
  dedicatedMasterType: text(/^[a-z][a-z0-9]*\.[a-z0-9]+\.search$/, 'an OpenSearch instance type such as m6g.large.search').default('m6g.large.search'),
  volumeSizeGb: int(10, 16384).default(10),
  /** IPv4 CIDRs the master user may reach the domain from (the blog's IP restriction); empty: from anywhere, signed. */
  allowedCidrs: z.array(text(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 CIDR such as 203.0.113.0/24')).default([]),
  /** Index names the job writes start with `<indexPrefix>-`. */
  indexPrefix: text(/^[a-z][a-z0-9_-]{0,30}$/, '1-31 characters of a-z 0-9 _ -, starting with a letter').default('kpufit'),
  logRetentionDays: logRetentionDays().default(365),
  jvmMemoryPressureThresholdPercent: int(1, 100).default(85),
  /** Bulk flushes: whichever comes first. */
  bulkFlushMaxActions: int(1, 10000).default(1000),
  bulkFlushMaxSizeMb: int(1, 100).default(5),
  bulkFlushIntervalMs: int(100, 600000).default(1000),
}, sectionError).superRefine((o, ctx) => {
  if (o.enabled && o.masterUserArn === undefined) {
    ctx.addIssue({ code: 'custom', path: ['masterUserArn'], message: 'is required when enabled (the operator\'s admin role ARN)' });
  }
  if (o.instanceCount % o.availabilityZoneCount !== 0) {
    ctx.addIssue({ code: 'custom', path: ['instanceCount'], message: `must be a multiple of availabilityZoneCount ${o.availabilityZoneCount}` });
  }
});

export const pipelineConfigSchema = z.strictObject({
  /** Stack name and prefix of every resource name; short, because S3 names are capped at 63. */
  name: text(/^[a-z][a-z0-9-]{2,23}$/, '3-24 characters of a-z 0-9 -, starting with a letter'),
  region: text(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
  tags: z.record(z.string(), z.string({ error: 'must be a string' })).default({}),
  backend: backendSchema.optional(),
  stream: streamSchema,
  alertsStream: alertsStreamSchema.prefault({}),
  application: applicationSchema,
  job: jobSchema,
  monitoring: monitoringSchema.prefault({}),
  storage: storageSchema.prefault({}),
  consumers: consumersSchema.prefault({}),
  autoscaler: autoscalerSchema.prefault({}),
  opensearch: opensearchSchema.prefault({}),
}).superRefine((c, ctx) => {
  if (c.autoscaler?.enabled === true) {
    if (c.application?.autoScalingEnabled === true) {
      ctx.addIssue({ code: 'custom', path: ['application', 'autoScalingEnabled'], message: 'must be false when autoscaler.enabled (the autoscaler replaces built-in autoscaling)' });
    }
    // Unset means the construct's default (false): the autoscaler needs it said explicitly.
    if (c.application?.ignoreParallelismChanges !== true) {
      ctx.addIssue({ code: 'custom', path: ['application', 'ignoreParallelismChanges'], message: 'must be true when autoscaler.enabled (else every deploy reverts its changes)' });
    }
    const a = c.autoscaler;
    const maxKpus = a.maxKpus ?? c.application?.maxKpus;
    if (maxKpus !== undefined && a.minKpus > maxKpus) {
      ctx.addIssue({ code: 'custom', path: ['autoscaler', 'minKpus'], message: `must be <= the autoscaler's maxKpus ${maxKpus}` });
    }
  }
  if (c.consumers?.alerts?.enabled === true && c.alertsStream?.enabled === false) {
    ctx.addIssue({
      code: 'custom', path: ['consumers', 'alerts', 'enabled'],
      message: 'needs alertsStream.enabled true (the Lambda reads the alerts stream)',
    });
  }
  if (c.consumers?.quickSight?.enabled === true && c.consumers?.analyticsCatalog?.enabled !== true) {
    ctx.addIssue({
      code: 'custom', path: ['consumers', 'quickSight', 'enabled'],
      message: 'needs consumers.analyticsCatalog.enabled true (QuickSight queries its Athena workgroup and Glue tables)',
    });
  }
  const processor = c.consumers?.streamProcessor;
  if (processor?.enabled && c.stream?.mode === 'PROVISIONED' && c.stream.shards !== undefined) {
    const concurrency = processor.reservedConcurrency ?? STREAM_LAMBDA_DEFAULTS.reservedConcurrency;
    const factor = processor.parallelizationFactor ?? STREAM_LAMBDA_DEFAULTS.parallelizationFactor;
    if (concurrency < c.stream.shards * factor) {
      ctx.addIssue({
        code: 'custom', path: ['consumers', 'streamProcessor', 'reservedConcurrency'],
        message: `must be >= stream.shards x parallelizationFactor (${c.stream.shards} x ${factor} = ${c.stream.shards * factor}), got ${concurrency}`,
      });
    }
  }
  const { maxKpus } = c.application;
  const parallelism = c.application.parallelism ?? FLINK_APPLICATION_DEFAULTS.parallelism;
  const parallelismPerKpu = c.application.parallelismPerKpu ?? FLINK_APPLICATION_DEFAULTS.parallelismPerKpu;
  // zod still runs this when a field failed its own check; that failure is already reported.
  if (!(parallelism >= 1 && parallelismPerKpu >= MIN_PARALLELISM_PER_KPU && parallelismPerKpu <= MAX_PARALLELISM_PER_KPU && maxKpus >= 1)) return;
  const kpus = Math.ceil(parallelism / parallelismPerKpu);
  if (kpus > maxKpus) {
    ctx.addIssue({
      code: 'custom', path: ['application', 'parallelism'],
      message: `needs ${kpus} KPUs at parallelismPerKpu ${parallelismPerKpu}, more than application.maxKpus ${maxKpus}`,
    });
  }
});

export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;

/** A config that cannot be used: `problems` are complete lines, each naming the file and JSON path. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses and validates one config document; `source` names it in every error line. */
export function parseConfig(value: unknown, source: string): PipelineConfig {
  const result = pipelineConfigSchema.safeParse(value);
  if (!result.success) throw new ConfigError(formatIssues(result.error).map((line) => `${source}: ${line}`));
  return result.data;
}

/** Reads config/<env>.json under `projectRoot`; every failure is a ConfigError naming the file. */
export function loadConfig(env: EnvironmentName, projectRoot: string): PipelineConfig {
  const source = `config/${env}.json`;
  let raw: string;
  try {
    raw = fs.readFileSync(path.join(projectRoot, source), 'utf8');
  } catch (e) {
    throw new ConfigError([`${source}: cannot read: ${(e as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new ConfigError([`${source}: not valid JSON: ${(e as Error).message}`]);
  }
  return parseConfig(json, source);
}

/**
 * Which environments to build: KPUFIT_ENV, else the cdktf context `env`; `all` builds every one.
 * Tools that need exactly one environment use `defaultEnvironment` (dev).
 */
export function selectEnvironments(envVar: string | undefined, context: unknown): EnvironmentName[] {
  const chosen = envVar !== undefined && envVar !== '' ? { value: envVar, from: 'KPUFIT_ENV' }
    : context !== undefined ? { value: String(context), from: 'cdktf context env' } : undefined;
  if (chosen === undefined || chosen.value === 'all') return [...ENVIRONMENTS];
  if ((ENVIRONMENTS as readonly string[]).includes(chosen.value)) return [chosen.value as EnvironmentName];
  throw new ConfigError([`${chosen.from}: must be one of ${ENVIRONMENTS.join(', ')}, all (got "${chosen.value}")`]);
}

/** The environment a single-environment tool uses when none is chosen. */
export const defaultEnvironment: EnvironmentName = 'dev';

/**
 * The jar to upload: KPUFIT_FLINK_JAR, else application.jarPath, resolved against the project root.
 * A missing jar is a config error, never a silently broken deployment.
 */
export function resolveFlinkJar(config: PipelineConfig, env: EnvironmentName, projectRoot: string,
  override: string | undefined): string {
  const fromEnv = override !== undefined && override !== '';
  const jar = path.resolve(projectRoot, fromEnv ? override : config.application.jarPath);
  if (!fs.existsSync(jar) || !fs.statSync(jar).isFile()) {
    const field = fromEnv ? 'KPUFIT_FLINK_JAR' : `config/${env}.json: application.jarPath`;
    throw new ConfigError([
      `${field}: Flink jar not found at ${path.relative(projectRoot, jar) || jar}: run \`npm run build:flink\` ` +
      '(or set KPUFIT_FLINK_JAR to a built jar)',
    ]);
  }
  return jar;
}
