/**
 * The defaults of the stream Lambdas' props (stacks/private/stream-lambda.ts), in a module without construct
 * imports so the config schema can check against them (stacks/config.ts) without loading esbuild or the provider.
 */
export const STREAM_LAMBDA_DEFAULTS = {
  batchSize: 100, maximumBatchingWindowSeconds: 5, maximumRetryAttempts: 3, maximumRecordAgeSeconds: 3600,
  bisectBatchOnFunctionError: true, parallelizationFactor: 1, startingPosition: 'LATEST', reservedConcurrency: 5,
  memorySizeMb: 256, timeoutSeconds: 60, logRetentionDays: 365, dlqRetentionSeconds: 1_209_600, architecture: 'arm64',
} as const;
