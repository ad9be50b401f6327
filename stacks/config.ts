/**
 * The per-environment configuration (config/<env>.json): one strict zod sub-schema per section, composed
 * into `pipelineConfigSchema`. Every default lives here, so a config file states only what differs.
 * Errors come out as `config/prod.json: stream.shards: must be >= 1`, one line per problem.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { formatIssues } from '../core/validation';

export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** setMaxParallelism of the flink-app job: no subtask count above it can run or restore. */
export const FLINK_APP_MAX_PARALLELISM = 256;

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

const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
  2557, 2922, 3288, 3653];
const logRetentionDays = () => int(1).refine((d) => LOG_RETENTION_DAYS.includes(d), {
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
   * registered consumer nobody reads from still costs money. ApplicationRole already grants EFO.
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

export const applicationSchema = z.strictObject({
  name: text(/^[a-zA-Z0-9_.-]{1,128}$/, '1-128 characters of a-z A-Z 0-9 _ . -'),
  runtime: oneOf(['FLINK-1_20'] as const).default('FLINK-1_20'),
  /** Up to the job's max parallelism (flink-app fixes its key groups at 256 so snapshots stay restorable). */
  parallelism: int(1).max(FLINK_APP_MAX_PARALLELISM, {
    message: `must be <= ${FLINK_APP_MAX_PARALLELISM} (the flink-app job's max parallelism)`,
  }).default(1),
  parallelismPerKpu: int(1, 8).default(1),
  autoScalingEnabled: bool().default(false),
  /** Upper bound on KPUs (cost guard): checked against parallelism here, alarmed on at run time. */
  maxKpus: int(1, 1024).default(8),
  /** The shaded job jar, relative to the project root; KPUFIT_FLINK_JAR overrides it. */
  jarPath: z.string({ error: 'must be a string' }).min(1, { message: 'must not be empty' }).default(DEFAULT_FLINK_JAR),
  /**
   * Leave Parallelism/ParallelismPerKPU to whoever changes them outside Terraform (kpufit calibrate,
   * built-in autoscaling), so `cdktf deploy` does not revert them.
   */
  ignoreParallelismChanges: bool().default(false),
  checkpointIntervalMs: int(1000).default(60000),
  minPauseBetweenCheckpointsMs: int(0).default(5000),
  snapshotsEnabled: bool().default(true),
  logLevel: oneOf(['INFO', 'WARN', 'ERROR', 'DEBUG'] as const).default('INFO'),
  metricsLevel: oneOf(['APPLICATION', 'TASK', 'OPERATOR', 'PARALLELISM'] as const).default('OPERATOR'),
  /** CloudWatch Logs accepts only these retention values; checkov's gate wants >= 365. */
  logRetentionDays: logRetentionDays().default(365),
}, sectionError);

/** What the Java job computes; becomes the `Job` runtime property group. */
export const jobSchema = z.strictObject({
  workload: oneOf(['taxi', 'iot', 'clickstream'] as const),
  windowSizeSeconds: int(1, 86400).default(60),
  watermarkMaxOutOfOrdernessSeconds: int(0, 3600).default(5),
  watermarkIdlenessSeconds: int(1, 3600).default(60),
  /** Synthetic per-record cost, so calibration has something CPU- or I/O-bound to right-size. */
  cost: z.strictObject({
    cpuSpinMicros: int(0, 1_000_000).optional(),
    ioMode: oneOf(['none', 'blocking', 'async'] as const).optional(),
    ioWaitMillis: int(0, 60_000).optional(),
  }).optional(),
}, sectionError);

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
 * The consumers (stacks/consumers.ts): the alerts Lambda, the raw archive (Firehose to raw-data/) and the
 * Glue/Athena catalog. Each is off unless `enabled`, so a config states only what it runs.
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
  analyticsCatalog: z.strictObject({
    enabled: bool().default(false),
    /** Athena's minimum is 10 MB; the default cancels queries scanning more than 10 GiB. */
    bytesScannedCutoffPerQuery: int(10 * 1024 * 1024).default(10 * 1024 * 1024 * 1024),
    projectionStartDate: text(/^\d{4}-\d{2}-\d{2}$/, 'a date yyyy-MM-dd').default('2025-01-01'),
  }, sectionError).prefault({}),
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
  opensearch: opensearchSchema.prefault({}),
}).superRefine((c, ctx) => {
  if (c.consumers?.alerts?.enabled === true && c.alertsStream?.enabled === false) {
    ctx.addIssue({
      code: 'custom', path: ['consumers', 'alerts', 'enabled'],
      message: 'needs alertsStream.enabled true (the Lambda reads the alerts stream)',
    });
  }
  const { parallelism, parallelismPerKpu, maxKpus } = c.application;
  // zod still runs this when a field failed its own check; that failure is already reported.
  if (!(parallelism >= 1 && parallelismPerKpu >= 1 && parallelismPerKpu <= 8 && maxKpus >= 1)) return;
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
