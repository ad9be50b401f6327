/**
 * The parts every Kinesis-consuming Lambda of the pipeline shares (the alerts consumer, the stream
 * processor): an encrypted on-failure queue that refuses plain HTTP, an encrypted log group, a role only
 * this account's Lambda can assume with a least-privilege inline policy, the esbuild-bundled function, and
 * an event source mapping built so a poison record never stalls a shard (ReportBatchItemFailures, bisect on
 * error, bounded retries and record age, batches given up on described in the queue).
 *
 * Resources are created directly in the caller's scope, so each consumer keeps its own construct ids.
 */
import { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { AwsContext, arnFor } from '../aws-context';
import { ConsumerAlarmDef } from '../consumer-alarms';
import { bundleLambda } from '../lambda/bundle';
import { MetricSpec, metricSpec } from '../metric';
import { PolicyDocument, PolicyStatement, denyInsecureTransport } from '../policy-document';
import { integerIn } from './prop-checks';
import { STREAM_LAMBDA_DEFAULTS } from './stream-lambda-defaults';

/** The names of one stream Lambda, derived from its function name. */
export interface StreamLambdaNames {
  readonly functionName: string;
  readonly queueName: string;
  readonly roleName: string;
  readonly logGroupName: string;
}

export function streamLambdaNames(functionName: string): StreamLambdaNames {
  return { functionName, queueName: `${functionName}-dlq`, roleName: `${functionName}-lambda`, logGroupName: `/aws/lambda/${functionName}` };
}

/**
 * The tunables every stream Lambda exposes as props (AlertsConsumerProps and StreamProcessorProps extend
 * this), documented once; the defaults are STREAM_LAMBDA_DEFAULTS.
 */
export interface StreamLambdaSettings {
  /** Records per invocation (the processor writes one object per batch). @default 100 */
  readonly batchSize?: number;
  /** Seconds Lambda gathers records before invoking (the recipes' 5 s), 0..300. @default 5 */
  readonly maximumBatchingWindowSeconds?: number;
  /** Retries of a failing batch (after bisecting) before it goes to the on-failure queue; never -1. @default 3 */
  readonly maximumRetryAttempts?: number;
  /** Records older than this go to the on-failure queue instead of being retried. @default 3600 */
  readonly maximumRecordAgeSeconds?: number;
  /** Split a failing batch in two and retry each half, isolating a poison record. @default true */
  readonly bisectBatchOnFunctionError?: boolean;
  /** Concurrent batches per shard, 1..10. @default 1 (keeps per-key order) */
  readonly parallelizationFactor?: number;
  /** Where a new mapping starts reading. @default 'LATEST' (no flood of old records on first deploy) */
  readonly startingPosition?: 'LATEST' | 'TRIM_HORIZON';
  /**
   * Reserved concurrency: caps what a flood costs. Must be >= shards x parallelizationFactor of the stream
   * (an on-demand stream starts with 4 shards) or reads are throttled. @default 5
   */
  readonly reservedConcurrency?: number;
  /** @default 256 */
  readonly memorySizeMb?: number;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** One of CloudWatch Logs' retention values. @default 365 */
  readonly logRetentionDays?: number;
  /** How long descriptions of batches given up on are kept (SQS maximum: 14 days). @default 1209600 */
  readonly dlqRetentionSeconds?: number;
  /** @default 'arm64' (cheaper per GB-second) */
  readonly architecture?: 'arm64' | 'x86_64';
}

export interface StreamLambdaSpec extends StreamLambdaSettings {
  /** Construct name in validation errors, e.g. `AlertsConsumer`. */
  readonly construct: string;
  readonly env: AwsContext;
  readonly names: StreamLambdaNames;
  readonly streamArn: string;
  /** Key that encrypts the stream: the function decrypts records with it. */
  readonly streamKeyArn: string;
  /** Statement ids `Read<streamSid>` and `Decrypt<streamSid>`, e.g. `AlertsStream`. */
  readonly streamSid: string;
  /** Encrypts the on-failure queue, the log group and the function's environment. */
  readonly encryptionKeyArn: string;
  /** The consumer's own grants, placed between the stream's and the shared ones. */
  readonly statements: readonly PolicyStatement[];
  readonly entry: string;
  readonly bundleName: string;
  readonly functionDescription: string;
  readonly roleDescription: string;
  readonly policyName: string;
  readonly environment: Record<string, string>;
  /** Construct id of the event source mapping. */
  readonly mappingId: string;
}

export interface StreamLambdaParts {
  readonly function: LambdaFunction;
  readonly eventSourceMapping: LambdaEventSourceMapping;
  readonly deadLetterQueue: SqsQueue;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly policy: PolicyDocument;
  readonly queuePolicy: PolicyDocument;
  readonly bundleBytes: number;
}

/**
 * A consumer built on createStreamLambda: the parts as public fields, created in the consumer's own scope
 * (so each keeps its construct ids). Subclasses build the spec before calling super, so a bad prop fails
 * before any resource exists.
 */
export abstract class StreamLambdaConsumer extends Construct implements StreamLambdaParts {
  readonly function: LambdaFunction;
  readonly eventSourceMapping: LambdaEventSourceMapping;
  readonly deadLetterQueue: SqsQueue;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  /** The execution role's permissions, parsed back by the IAM tests. */
  readonly policy: PolicyDocument;
  readonly queuePolicy: PolicyDocument;
  /** Bytes of the esbuild bundle shipped to Lambda. */
  readonly bundleBytes: number;

  protected constructor(scope: Construct, id: string, spec: StreamLambdaSpec) {
    super(scope, id);
    const parts = createStreamLambda(this, spec);
    this.function = parts.function;
    this.eventSourceMapping = parts.eventSourceMapping;
    this.deadLetterQueue = parts.deadLetterQueue;
    this.logGroup = parts.logGroup;
    this.role = parts.role;
    this.policy = parts.policy;
    this.queuePolicy = parts.queuePolicy;
    this.bundleBytes = parts.bundleBytes;
  }
}

/** Checks the settings before anything exists; returns them with defaults applied. */
function resolveSettings(spec: StreamLambdaSpec) {
  const d = STREAM_LAMBDA_DEFAULTS;
  const check = (prop: keyof typeof d, min: number, max: number) =>
    integerIn(spec.construct, prop, (spec[prop] as number | undefined) ?? (d[prop] as number), min, max);
  return {
    batchSize: check('batchSize', 1, 10000),
    window: check('maximumBatchingWindowSeconds', 0, 300),
    // -1 (infinite) is exactly what a poison record must never get.
    retries: check('maximumRetryAttempts', 0, 10000),
    recordAge: check('maximumRecordAgeSeconds', 60, 604800),
    parallelization: check('parallelizationFactor', 1, 10),
    concurrency: check('reservedConcurrency', 1, 10000),
    memory: check('memorySizeMb', 128, 10240),
    timeout: check('timeoutSeconds', 1, 900),
    dlqRetention: check('dlqRetentionSeconds', 60, 1_209_600),
  };
}

export function createStreamLambda(scope: Construct, spec: StreamLambdaSpec): StreamLambdaParts {
  const s = resolveSettings(spec);
  const { env, names } = spec;
  const d = STREAM_LAMBDA_DEFAULTS;

  const deadLetterQueue = new SqsQueue(scope, 'dlq', {
    name: names.queueName,
    kmsMasterKeyId: spec.encryptionKeyArn,
    kmsDataKeyReusePeriodSeconds: 300,
    messageRetentionSeconds: s.dlqRetention,
  });
  const queuePolicy = new PolicyDocument([denyInsecureTransport('sqs:*', [deadLetterQueue.arn])]);
  new SqsQueuePolicy(scope, 'dlq_policy', { queueUrl: deadLetterQueue.url, policy: queuePolicy.toJson() });

  const logGroup = new CloudwatchLogGroup(scope, 'logs', {
    name: names.logGroupName,
    retentionInDays: spec.logRetentionDays ?? d.logRetentionDays,
    kmsKeyId: spec.encryptionKeyArn,
  });

  const role = new IamRole(scope, 'role', {
    name: names.roleName,
    description: spec.roleDescription,
    assumeRolePolicy: new PolicyDocument([{
      Sid: 'LambdaAssumesRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole',
      // Only on behalf of this account's functions (confused-deputy guard; Lambda sets aws:SourceAccount).
      Condition: { StringEquals: { 'aws:SourceAccount': env.account } },
    }]).toJson(),
  });
  const policy = new PolicyDocument([
    {
      Sid: `Read${spec.streamSid}`, Effect: 'Allow',
      Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords',
        'kinesis:GetShardIterator', 'kinesis:ListShards'],
      Resource: spec.streamArn,
    },
    { Sid: `Decrypt${spec.streamSid}`, Effect: 'Allow', Action: 'kms:Decrypt', Resource: spec.streamKeyArn },
    ...spec.statements,
    { Sid: 'DeadLetterFailedBatches', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: deadLetterQueue.arn },
    {
      // The queue is encrypted with it and Lambda decrypts the function's environment with it.
      Sid: 'UseEncryptionKey', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: spec.encryptionKeyArn,
    },
    {
      Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: arnFor(env, 'logs', `log-group:${names.logGroupName}:log-stream:*`),
    },
    {
      Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      // X-Ray has no resource-level permissions: AWS requires "*" here.
      Resource: '*',
    },
  ]);
  const rolePolicy = new IamRolePolicy(scope, 'role_policy', { name: spec.policyName, role: role.id, policy: policy.toJson() });

  const bundle = bundleLambda({ entry: spec.entry, name: spec.bundleName, target: 'node22' });
  const code = new TerraformAsset(scope, 'code', { path: bundle.dir, type: AssetType.ARCHIVE });

  const fn = new LambdaFunction(scope, 'function', {
    functionName: names.functionName,
    description: spec.functionDescription,
    role: role.arn,
    runtime: 'nodejs22.x',
    architectures: [spec.architecture ?? d.architecture],
    handler: 'index.handler',
    filename: code.path,
    sourceCodeHash: Fn.filebase64sha256(code.path),
    memorySize: s.memory,
    timeout: s.timeout,
    reservedConcurrentExecutions: s.concurrency,
    tracingConfig: { mode: 'Active' },
    kmsKeyArn: spec.encryptionKeyArn,
    environment: { variables: spec.environment },
    loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
    // Only asynchronous invocations use this; the stream's failures go through the mapping's destination.
    deadLetterConfig: { targetArn: deadLetterQueue.arn },
    dependsOn: [logGroup, rolePolicy],
  });

  const eventSourceMapping = new LambdaEventSourceMapping(scope, spec.mappingId, {
    eventSourceArn: spec.streamArn,
    functionName: fn.arn,
    startingPosition: spec.startingPosition ?? d.startingPosition,
    batchSize: s.batchSize,
    maximumBatchingWindowInSeconds: s.window,
    functionResponseTypes: ['ReportBatchItemFailures'],
    bisectBatchOnFunctionError: spec.bisectBatchOnFunctionError ?? d.bisectBatchOnFunctionError,
    maximumRetryAttempts: s.retries,
    maximumRecordAgeInSeconds: s.recordAge,
    parallelizationFactor: s.parallelization,
    destinationConfig: { onFailure: { destinationArn: deadLetterQueue.arn } },
    // Creating the mapping checks the role can read the stream and reach the destination.
    dependsOn: [rolePolicy],
  });

  return { function: fn, eventSourceMapping, deadLetterQueue, logGroup, role, policy, queuePolicy, bundleBytes: bundle.bytes };
}

/** The AWS/Lambda and AWS/SQS metrics of one stream Lambda; `subject` starts each label (`Alerts`). */
export class StreamLambdaMetrics {
  constructor(readonly functionName: string, readonly queueName: string, readonly namespace: string,
    private readonly subject: string, private readonly dlqLabel: string) {}

  protected lambda(name: string, statistic: 'Sum' | 'Maximum' | 'Average', label: string): MetricSpec {
    return metricSpec('AWS/Lambda', name, { FunctionName: this.functionName }, statistic, label);
  }
  protected handler(name: string, label: string, extra: Record<string, string> = {}): MetricSpec {
    return metricSpec(this.namespace, name, { FunctionName: this.functionName, ...extra }, 'Sum', label);
  }

  errors(): MetricSpec { return this.lambda('Errors', 'Sum', `${this.subject} Lambda errors`); }
  throttles(): MetricSpec { return this.lambda('Throttles', 'Sum', `${this.subject} Lambda throttles`); }
  /** How old the newest record of the last batch was when read: the consumer falling behind. */
  iteratorAge(): MetricSpec { return this.lambda('IteratorAge', 'Maximum', `${this.subject} iterator age (ms)`); }
  dlqDepth(): MetricSpec {
    return metricSpec('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: this.queueName }, 'Maximum', this.dlqLabel);
  }

  /**
   * Errors, throttles, iterator age and queue depth alarms. `what` names the consumer in the descriptions:
   * `name` the Lambda (`alerts`), `records` and `batches` what it reads (`Alerts`, `Alert batches`), `stream` its source.
   */
  baseAlarms(suffixPrefix: string, what: { name: string; records: string; batches: string; stream: string },
    iteratorAgeThresholdMs: number): ConsumerAlarmDef[] {
    return [
      { suffix: `${suffixPrefix}-lambda-errors`, metric: this.errors(), threshold: 0,
        description: `The ${what.name} Lambda failed: the batch is retried, then dead-lettered. See its log group.` },
      { suffix: `${suffixPrefix}-lambda-throttles`, metric: this.throttles(), threshold: 0,
        description: `The ${what.name} Lambda is throttled: raise reservedConcurrency to >= shards x parallelizationFactor.` },
      { suffix: `${suffixPrefix}-iterator-age`, metric: this.iteratorAge(), threshold: iteratorAgeThresholdMs,
        firesOnFirstBreach: false, description: `${what.records} are read late: the consumer is falling behind ${what.stream}.` },
      { suffix: `${suffixPrefix}-dlq-depth`, metric: this.dlqDepth(), threshold: 0,
        description: `${what.batches} were given up on: the DLQ holds their shard and sequence numbers for replay.` },
    ];
  }
}
