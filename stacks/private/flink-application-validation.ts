/**
 * FlinkApplication's prop checks and defaults, kept apart from the construct the way aws-cdk's flink-alpha
 * keeps them in `private/validation.ts`. The construct resolves its props here before it creates anything,
 * so a bad value fails synth with one error naming the prop and what it accepts. These defaults are the only
 * ones: the config schema (stacks/config.ts) leaves the application's optional fields undefined and lets
 * the construct fill them in.
 */
import { integerIn as checkInteger, invalidProp } from './prop-checks';
import { DEFAULT_MAX_PARALLELISM, MAX_PARALLELISM_PER_KPU, MIN_PARALLELISM_PER_KPU } from '../../core/aws-facts';

/** CloudWatch Logs accepts only these retention values (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
  2557, 2922, 3288, 3653] as const;

/** Managed Flink's ApplicationName: 1..128 characters of [a-zA-Z0-9_.-] (CreateApplication API reference). */
export const APPLICATION_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;

/** Managed Flink's CheckpointInterval and MinPauseBetweenCheckpoints are longs >= 1 ms and >= 0 ms. */
const MAX_MILLIS = Number.MAX_SAFE_INTEGER;

/** What FlinkApplication uses for every optional prop left undefined. */
export const FLINK_APPLICATION_DEFAULTS = {
  parallelism: 1,
  parallelismPerKpu: 1,
  autoScalingEnabled: false,
  checkpointIntervalMs: 60000,
  minPauseBetweenCheckpointsMs: 5000,
  snapshotsEnabled: true,
  logLevel: 'INFO',
  metricsLevel: 'OPERATOR',
  logRetentionDays: 365,
  ignoreParallelismChanges: false,
  startApplication: true,
} as const;

export const LOG_LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG'] as const;
export const METRICS_LEVELS = ['APPLICATION', 'TASK', 'OPERATOR', 'PARALLELISM'] as const;

/** The props validation reads; FlinkApplicationProps is a superset. */
export interface ValidatedFlinkProps {
  readonly applicationName: string;
  readonly parallelism?: number;
  readonly parallelismPerKpu?: number;
  readonly checkpointIntervalMs?: number;
  readonly minPauseBetweenCheckpointsMs?: number;
  readonly logLevel?: string;
  readonly metricsLevel?: string;
  readonly logRetentionDays?: number;
}

const CONSTRUCT = 'FlinkApplication';
const fail = (prop: string, allowed: string, got: unknown): never => invalidProp(CONSTRUCT, prop, allowed, got);
const integerIn = (prop: string, value: number, min: number, max: number, why = '') =>
  checkInteger(CONSTRUCT, prop, value, min, max, why);

function oneOf<T extends string>(prop: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) fail(prop, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

/** Throws on the first invalid prop; returns the numeric and enum settings with defaults applied. */
export function validateFlinkApplicationProps(props: ValidatedFlinkProps) {
  const d = FLINK_APPLICATION_DEFAULTS;
  if (!APPLICATION_NAME_PATTERN.test(props.applicationName)) {
    fail('applicationName', '1-128 characters of a-z A-Z 0-9 _ . -', props.applicationName);
  }
  const retention = props.logRetentionDays ?? d.logRetentionDays;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
    fail('logRetentionDays', `one of ${LOG_RETENTION_DAYS.join(', ')}`, retention);
  }
  return {
    parallelism: integerIn('parallelism', props.parallelism ?? d.parallelism, 1, DEFAULT_MAX_PARALLELISM,
      ' (the flink-app job\'s max parallelism)'),
    parallelismPerKpu: integerIn('parallelismPerKpu', props.parallelismPerKpu ?? d.parallelismPerKpu,
      MIN_PARALLELISM_PER_KPU, MAX_PARALLELISM_PER_KPU),
    checkpointIntervalMs: integerIn('checkpointIntervalMs', props.checkpointIntervalMs ?? d.checkpointIntervalMs, 1, MAX_MILLIS),
    minPauseBetweenCheckpointsMs: integerIn('minPauseBetweenCheckpointsMs',
      props.minPauseBetweenCheckpointsMs ?? d.minPauseBetweenCheckpointsMs, 0, MAX_MILLIS),
    logLevel: oneOf('logLevel', props.logLevel ?? d.logLevel, LOG_LEVELS),
    metricsLevel: oneOf('metricsLevel', props.metricsLevel ?? d.metricsLevel, METRICS_LEVELS),
    logRetentionDays: retention,
  };
}
