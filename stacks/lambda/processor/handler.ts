/**
 * The Lambda entry point (bundled by esbuild at synth): wires the SigV4 S3 writer, EMF on stdout and the
 * clock into the batch handler. Configuration comes from the environment the StreamProcessor construct sets.
 */
import { WORKLOADS, type Workload } from './enrich';
import { emfPublisher } from './metrics';
import { createStreamProcessor, type StreamProcessorHandler } from './process';
import { environmentCredentials, s3ObjectWriter } from './s3-writer';

export const ENV = {
  bucket: 'PROCESSED_BUCKET',
  prefix: 'PROCESSED_PREFIX',
  kmsKeyArn: 'PROCESSED_KMS_KEY_ARN',
  workload: 'WORKLOAD',
  metricsNamespace: 'METRICS_NAMESPACE',
} as const;

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  // Fail the cold start loudly: a processor without a bucket would drop every batch.
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is required`);
  return value;
}

export function handlerFromEnvironment(env: NodeJS.ProcessEnv = process.env): StreamProcessorHandler {
  const workload = required(env, ENV.workload);
  if (!(WORKLOADS as string[]).includes(workload)) {
    throw new Error(`environment variable ${ENV.workload} must be one of ${WORKLOADS.join(', ')} (got "${workload}")`);
  }
  const writeLine = (line: string) => process.stdout.write(`${line}\n`);
  return createStreamProcessor({
    workload: workload as Workload,
    writer: s3ObjectWriter({
      bucket: required(env, ENV.bucket), region: required(env, 'AWS_REGION'), kmsKeyId: required(env, ENV.kmsKeyArn),
      credentials: environmentCredentials(env),
    }),
    metrics: emfPublisher(writeLine),
    clock: Date.now,
    writeLine,
    prefix: required(env, ENV.prefix),
    metricsNamespace: required(env, ENV.metricsNamespace),
    functionName: env.AWS_LAMBDA_FUNCTION_NAME || 'kpufit-processor',
  });
}

export const handler: StreamProcessorHandler = handlerFromEnvironment();
