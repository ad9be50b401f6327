/**
 * The autoscaler Lambda (bundled by esbuild at synth, stacks/autoscaler.ts, with every SDK client it uses,
 * @aws-sdk/client-dynamodb included): an EventBridge schedule runs it every minute; it wires the AWS
 * clients (adapters/autoscaler-clients.ts) into the port adapters and runs one autoscaleTick.
 * Configuration comes from the environment the Autoscaler construct sets. Everything but this file is
 * shared with `kpufit autoscale simulate`, which runs the same tick against the twin.
 */
import type { CloudWatchApi, KinesisAnalyticsApi } from '../../../core/aws-api';
import type { Clock } from '../../../core/clock';
import { KinesisAnalyticsApplicationControl } from '../../adapters/application-control';
import { createAutoscalerApis } from '../../adapters/autoscaler-clients';
import { CloudWatchMetricsSource } from '../../adapters/cloudwatch-metrics';
import { DynamoDbStateStore, type DynamoDbItemApi } from '../../adapters/dynamodb-state-store';
import { SnsDecisionNotifier, type SnsPublishApi } from '../../adapters/sns-decision-notifier';
import { priorModel } from '../job-model';
import { parseJobModel } from '../model-file';
import { autoscalerOptions, type AutoscalerOptions } from '../options';
import { autoscaleTick, type AutoscalerSettings, type TickResult } from '../tick';

/** The environment variables the construct sets. */
export const AUTOSCALER_ENV = {
  application: 'APPLICATION_NAME',
  stream: 'STREAM_NAME',
  table: 'STATE_TABLE_NAME',
  topicArn: 'TOPIC_ARN',
  maxLagMs: 'SLO_MAX_LAG_MS',
  /** JSON of AutoscalerOptions overrides (limits, utilizations, cost cap). */
  options: 'AUTOSCALER_OPTIONS',
  /** JSON of the model.json `kpufit calibrate` wrote; absent: start from priors. */
  model: 'AUTOSCALER_MODEL',
  metricsDelaySeconds: 'METRICS_DELAY_SECONDS',
} as const;

export interface AutoscalerHandlerDeps {
  kinesisAnalytics: KinesisAnalyticsApi;
  cloudWatch: CloudWatchApi;
  dynamoDb: DynamoDbItemApi;
  sns: SnsPublishApi;
  clock: Clock;
  writeLine?: (line: string) => void;
}

export interface AutoscalerRunSummary {
  application: string;
  action: 'keep' | 'scale';
  outcome: TickResult['outcome'];
  target: TickResult['decision']['target'];
  reason: string;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is required`);
  return value;
}

function json(env: NodeJS.ProcessEnv, name: string): unknown {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`environment variable ${name} is not valid JSON: ${(err as Error).message}`);
  }
}

/** The settings of one application from the environment; any bad value fails the cold start loudly. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): AutoscalerSettings & { stream: string; table: string; topicArn: string } {
  const maxLagMs = Number(required(env, AUTOSCALER_ENV.maxLagMs));
  if (!(maxLagMs > 0)) throw new Error(`environment variable ${AUTOSCALER_ENV.maxLagMs} must be a number > 0, got ${env[AUTOSCALER_ENV.maxLagMs]}`);
  const delay = Number(env[AUTOSCALER_ENV.metricsDelaySeconds] ?? '120');
  if (!(delay >= 0)) throw new Error(`environment variable ${AUTOSCALER_ENV.metricsDelaySeconds} must be a number >= 0`);
  const options = autoscalerOptions((json(env, AUTOSCALER_ENV.options) ?? {}) as Partial<AutoscalerOptions>);
  const model = json(env, AUTOSCALER_ENV.model);
  return {
    application: required(env, AUTOSCALER_ENV.application),
    stream: required(env, AUTOSCALER_ENV.stream),
    table: required(env, AUTOSCALER_ENV.table),
    topicArn: required(env, AUTOSCALER_ENV.topicArn),
    slo: { maxLagMs },
    options,
    initialModel: model === undefined ? priorModel(options) : parseJobModel(model, AUTOSCALER_ENV.model),
    metricsDelaySeconds: delay,
  };
}

export function createAutoscalerHandler(deps: AutoscalerHandlerDeps, env: NodeJS.ProcessEnv = process.env): () => Promise<AutoscalerRunSummary> {
  const settings = settingsFromEnvironment(env);
  const ports = {
    control: new KinesisAnalyticsApplicationControl(deps.kinesisAnalytics, settings.application, deps.clock),
    metrics: new CloudWatchMetricsSource(deps.cloudWatch, { application: settings.application, stream: settings.stream }),
    store: new DynamoDbStateStore(deps.dynamoDb, settings.table, settings.application),
    notifier: new SnsDecisionNotifier(deps.sns, settings.topicArn),
    clock: deps.clock,
  };
  const writeLine = deps.writeLine ?? ((line: string) => process.stdout.write(`${line}\n`));
  return async () => {
    const result = await autoscaleTick(ports, settings);
    const summary: AutoscalerRunSummary = {
      application: settings.application, action: result.decision.action, outcome: result.outcome, target: result.decision.target, reason: result.decision.reason,
    };
    writeLine(JSON.stringify({ ...summary, ...decisionMetrics(settings.application, result, deps.clock.now()) }));
    return summary;
  };
}

/** Namespace of the decision metrics (the stack's dashboard panel reads it). */
export const AUTOSCALER_METRICS_NAMESPACE = 'kpufit/Autoscaler';

/**
 * The decision as CloudWatch embedded-metric-format fields of the run's log line: Lambda's log group turns
 * them into metrics without a PutMetricData call (ScaleUp, ScaleDown, Conflict: counts; TargetKpus).
 */
export function decisionMetrics(application: string, result: TickResult, nowMs: number): Record<string, unknown> {
  const d = result.decision;
  const applied = result.outcome === 'updated';
  const metrics: Record<string, number> = {
    ScaleUp: applied && (d.kind === 'scale-up' || d.kind === 'memory') ? 1 : 0,
    ScaleDown: applied && d.kind === 'scale-down' ? 1 : 0,
    Conflict: result.outcome === 'conflict' ? 1 : 0,
  };
  if (applied && d.target) metrics.TargetKpus = Math.ceil(d.target.parallelism / d.target.parallelismPerKpu);
  return {
    _aws: {
      Timestamp: nowMs,
      CloudWatchMetrics: [{
        Namespace: AUTOSCALER_METRICS_NAMESPACE,
        Dimensions: [['Application']],
        Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: Name === 'TargetKpus' ? 'None' : 'Count' })),
      }],
    },
    Application: application,
    ...metrics,
  };
}

let run: (() => Promise<AutoscalerRunSummary>) | undefined;

export const handler = async (): Promise<AutoscalerRunSummary> => {
  // Region, credentials and any endpoint override (AWS_ENDPOINT_URL[_<SERVICE>]) come from the
  // Lambda's environment through the SDK's own resolution.
  run ??= createAutoscalerHandler({
    ...createAutoscalerApis(),
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
  });
  return run();
};
