/**
 * The Lambda entry point (bundled by esbuild at synth): wires the real SNS client, clock and stdout into
 * the batch handler. Configuration comes from the environment the AlertsConsumer construct sets.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { type AlertsBatchHandler, createAlertsConsumer } from './consume';
import { snsPublisher } from './notify';

export const ENV = {
  topicArn: 'ALERTS_TOPIC_ARN',
  metricsNamespace: 'METRICS_NAMESPACE',
} as const;

export const DEFAULT_METRICS_NAMESPACE = 'kpufit/Alerts';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  // Fail the cold start loudly: a consumer without a topic would drop every alert.
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is required`);
  return value;
}

export function handlerFromEnvironment(env: NodeJS.ProcessEnv = process.env): AlertsBatchHandler {
  return createAlertsConsumer({
    publisher: snsPublisher(new SNSClient({}), required(env, ENV.topicArn)),
    clock: Date.now,
    writeLine: (line) => process.stdout.write(`${line}\n`),
    metricsNamespace: env[ENV.metricsNamespace] || DEFAULT_METRICS_NAMESPACE,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME || 'kpufit-alerts',
  });
}

export const handler: AlertsBatchHandler = handlerFromEnvironment();
