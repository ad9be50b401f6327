/**
 * Scenario files (docs/file-formats.md): what the twin simulates. Validated strictly (unknown keys, wrong types and
 * out-of-range values are one `path: message` line each) and completed with the defaults of docs/twin-model.md.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_PRICING } from '../../core/pricing';
import { GET_RECORDS_MAX_RECORDS } from '../../core/aws-facts';
import { rateProfileSchema } from '../../core/rate-profile-schema';
import { ValidationError, decodeUtf8, parseOrThrow } from '../../core/validation';
import { peakRate } from '../../core/rate-profile';

const requiredOr = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

const objectError = { error: requiredOr('an object') };

const number = () => z.number({ error: requiredOr('a number') });
const positive = () => number().gt(0, { message: 'must be > 0' });
const nonNegative = () => number().min(0, { message: 'must be >= 0' });
const fraction = (max: number, exclusiveMin = false) =>
  (exclusiveMin ? number().gt(0, { message: 'must be > 0' }) : nonNegative()).max(max, { message: `must be <= ${max}` });
const integer = (min: number, max: number) =>
  z.number({ error: requiredOr('an integer') })
    .int({ message: 'must be an integer' })
    .min(min, { message: `must be >= ${min}` })
    .max(max, { message: `must be <= ${max}` });
// AWS's naming rule for applications and streams.
const awsName = () =>
  z.string({ error: requiredOr('a string') })
    .regex(/^[a-zA-Z0-9_.-]{1,128}$/, { message: 'must be 1-128 characters of a-z, A-Z, 0-9, _ . -' });

const streamSchema = z.strictObject({
  name: awsName().default('kpufit-stream'),
  shards: integer(1, 10000),
  shardSkew: fraction(1).default(0),
}, objectError);

const loadSchema = z.strictObject({
  recordBytes: integer(1, 1048576),
  profile: rateProfileSchema,
}, objectError);

const jobSchema = z.strictObject({
  cpuMsPerRecord: positive(),
  ioWaitMsPerRecord: nonNegative(),
  slotContention: fraction(1).default(0.02),
  hotKeyShare: fraction(1).default(0),
  stateMb: nonNegative().default(0),
  restartSeconds: nonNegative().default(30),
  snapshotMbps: positive().default(50),
  baseHeapMb: nonNegative().default(600),
  oomAfterSeconds: positive().default(120),
  startSeconds: nonNegative().default(60),
  // Above 1/3, the ±3σ clip could make the capacity negative.
  noise: fraction(0.3).default(0.02),
  // Fetched-but-unprocessed records per shard: one GetRecords page by default (docs/twin-model.md section 4).
  fetchAheadRecords: z.number({ error: requiredOr('an integer') })
    .int({ message: 'must be an integer' })
    .min(0, { message: 'must be >= 0' })
    .default(GET_RECORDS_MAX_RECORDS),
}, objectError);

const initialSchema = z.strictObject({
  parallelism: integer(1, 100000).default(1),
  parallelismPerKpu: integer(1, 8).default(1),
  autoScalingEnabled: z.boolean({ error: requiredOr('true or false') }).default(false),
}, objectError);

const limitsSchema = z.strictObject({
  maxKpu: integer(1, 100000).default(64),
  maxParallelism: integer(1, 100000).default(256),
}, objectError);

const sloSchema = z.strictObject({
  maxLagMs: positive().default(60000),
  catchUpSeconds: positive().default(600),
  targetUtilization: fraction(1, true).default(0.8),
  maxHeapUtilization: fraction(1, true).default(0.9),
}, objectError);

const pricingSchema = z.strictObject({
  kpuHourUsd: nonNegative().default(DEFAULT_PRICING.kpuHourUsd),
  storageGbMonthUsd: nonNegative().default(DEFAULT_PRICING.storageGbMonthUsd),
}, objectError);

export const scenarioSchema = z
  .strictObject(
    {
      name: z.string({ error: requiredOr('a string') }).min(1, { message: 'must not be empty' }),
      seed: integer(0, 4294967295).default(1),
      application: awsName().default('kpufit-twin'),
      stream: streamSchema,
      load: loadSchema,
      job: jobSchema,
      initial: initialSchema.prefault({}),
      limits: limitsSchema.prefault({}),
      slo: sloSchema.prefault({}),
      pricing: pricingSchema.prefault({}),
    },
    objectError,
  )
  .superRefine((s, ctx) => {
    // A profile that never offers a record sizes nothing: every configuration would "keep up".
    // (A negative rate is already reported by the profile's own rules.)
    if (peakRate(s.load.profile) === 0) {
      ctx.addIssue({ code: 'custom', path: ['load', 'profile'], message: 'peaks at 0 records/s: the load must offer records (peak > 0)' });
    }
    const kpus = Math.ceil(s.initial.parallelism / s.initial.parallelismPerKpu);
    if (kpus > s.limits.maxKpu) {
      ctx.addIssue({ code: 'custom', path: ['initial', 'parallelism'], message: `needs ${kpus} KPUs, above limits.maxKpu ${s.limits.maxKpu}` });
    }
    if (s.initial.parallelism > s.limits.maxParallelism) {
      ctx.addIssue({ code: 'custom', path: ['initial', 'parallelism'], message: `must be <= limits.maxParallelism ${s.limits.maxParallelism}` });
    }
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type JobParameters = Scenario['job'];

/** Validates a parsed JSON document; throws a ValidationError with one line per problem. */
export function parseScenario(json: unknown, source?: string): Scenario {
  return parseOrThrow(scenarioSchema, json, source);
}

/** Reads and validates a scenario file; an unreadable file or bad JSON is one clear error naming the file. */
export function loadScenario(path: string): Scenario {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new ValidationError([`cannot read scenario file: ${why}`], path);
  }
  // UTF-8 only; a byte-order mark (as Windows editors write) is dropped rather than failing JSON.parse.
  let text: string;
  try {
    text = decodeUtf8(bytes, path);
  } catch {
    throw new ValidationError(['not valid UTF-8 (save the file as UTF-8)'], path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValidationError([`not valid JSON: ${(err as Error).message}`], path);
  }
  return parseScenario(json, path);
}
