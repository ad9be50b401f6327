/**
 * The alerts consumer: a Lambda on the alerts stream that turns the Flink job's alert records into SNS
 * notifications, one per device/cell and minute. Built so a poison record never stalls the shard:
 * partial batch responses (ReportBatchItemFailures), bisect on error, bounded retries and record age, and
 * an encrypted SQS dead-letter queue that receives the shard/sequence range of every batch given up on.
 *
 * The handler (stacks/lambda/alerts) is bundled with esbuild when the stack is synthesized.
 */
import * as path from 'node:path';
import { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { AwsContext, arnFor } from './aws-context';
import { ConsumerAlarmOptions, ConsumerPanel, createConsumerAlarms } from './consumer-alarms';
import { bundleLambda } from './lambda/bundle';
import { integerIn } from './private/prop-checks';
import { MetricSpec, metricSpec } from './metric';
import { PolicyDocument, PolicyStatement, denyInsecureTransport } from './policy-document';

export const ALERTS_HANDLER_ENTRY = path.join(__dirname, 'lambda', 'alerts', 'handler.ts');
/** Namespace of the handler's EMF metrics (MalformedRecords, NotificationsFailed, ...). */
export const DEFAULT_ALERTS_METRICS_NAMESPACE = 'kpufit/Alerts';

export interface AlertsConsumerProps {
  readonly env: AwsContext;
  /** Prefix of every name: function `<prefix>-alerts`, queue `<prefix>-alerts-dlq`. */
  readonly namePrefix: string;
  /** The Kinesis stream the Flink job writes alert records to. */
  readonly alertsStreamArn: string;
  /** Key that encrypts the alerts stream: the function decrypts records with it. */
  readonly streamKeyArn: string;
  /** Topic the notifications go to. */
  readonly topicArn: string;
  /** Key that encrypts the topic, when it is encrypted: publishing needs GenerateDataKey/Decrypt. @default none */
  readonly topicKeyArn?: string;
  /**
   * Encrypts the dead-letter queue, the log group and the function's environment. Its key policy must let
   * CloudWatch Logs use it for `/aws/lambda/<prefix>-alerts` (PipelineKey.allowLogGroups).
   */
  readonly encryptionKeyArn: string;
  /** Records per invocation. @default 100 */
  readonly batchSize?: number;
  /** Seconds Lambda gathers records before invoking (the recipes' 5 s). @default 5 */
  readonly maximumBatchingWindowSeconds?: number;
  /** Retries of a failing batch (after bisecting) before it goes to the DLQ. @default 3 */
  readonly maximumRetryAttempts?: number;
  /** Records older than this are sent to the DLQ instead of being retried; alerts go stale. @default 3600 */
  readonly maximumRecordAgeSeconds?: number;
  /** Split a failing batch in two and retry each half, isolating a poison record. @default true */
  readonly bisectBatchOnFunctionError?: boolean;
  /** Concurrent batches per shard, 1..10. @default 1 (keeps per-device order) */
  readonly parallelizationFactor?: number;
  /** Where a new mapping starts reading. @default 'LATEST' (no flood of old alerts on first deploy) */
  readonly startingPosition?: 'LATEST' | 'TRIM_HORIZON';
  /**
   * Reserved concurrency: caps what a flood of alerts can cost. Must be >= shards x parallelizationFactor
   * of the alerts stream (an on-demand stream starts with 4 shards) or reads are throttled. @default 5
   */
  readonly reservedConcurrency?: number;
  /** @default 256 */
  readonly memorySizeMb?: number;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** One of CloudWatch Logs' retention values. @default 365 */
  readonly logRetentionDays?: number;
  /** How long dead-lettered batch descriptions are kept (SQS maximum: 14 days). @default 1209600 */
  readonly dlqRetentionSeconds?: number;
  /** @default 'arm64' (cheaper per GB-second) */
  readonly architecture?: 'arm64' | 'x86_64';
  /** @default DEFAULT_ALERTS_METRICS_NAMESPACE */
  readonly metricsNamespace?: string;
  /** Alarms on errors, throttles, iterator age, DLQ depth and failed notifications. @default no alarms */
  readonly alarms?: ConsumerAlarmOptions & {
    /** Iterator age (ms) that means alerts arrive late. @default 60000 */
    readonly iteratorAgeThresholdMs?: number;
  };
}

/** Names derived from the prefix, so metrics and dashboards can be drawn before the resources exist. */
export function alertsConsumerNames(namePrefix: string) {
  const functionName = `${namePrefix}-alerts`;
  return { functionName, queueName: `${functionName}-dlq`, roleName: `${functionName}-lambda`,
    logGroupName: `/aws/lambda/${functionName}` };
}

/** The consumer's metrics, each with the statistic that makes sense for it. */
export class AlertsConsumerMetrics {
  constructor(readonly functionName: string, readonly queueName: string,
    readonly namespace: string = DEFAULT_ALERTS_METRICS_NAMESPACE) {}

  static forPrefix(namePrefix: string, namespace?: string): AlertsConsumerMetrics {
    const n = alertsConsumerNames(namePrefix);
    return new AlertsConsumerMetrics(n.functionName, n.queueName, namespace);
  }

  private lambda(name: string, statistic: 'Sum' | 'Maximum', label: string): MetricSpec {
    return metricSpec('AWS/Lambda', name, { FunctionName: this.functionName }, statistic, label);
  }
  private handler(name: string, label: string): MetricSpec {
    return metricSpec(this.namespace, name, { FunctionName: this.functionName }, 'Sum', label);
  }

  errors(): MetricSpec { return this.lambda('Errors', 'Sum', 'Alerts Lambda errors'); }
  throttles(): MetricSpec { return this.lambda('Throttles', 'Sum', 'Alerts Lambda throttles'); }
  /** How old the newest record of the last batch was when read: alerts arriving late. */
  iteratorAge(): MetricSpec { return this.lambda('IteratorAge', 'Maximum', 'Alerts iterator age (ms)'); }
  dlqDepth(): MetricSpec {
    return metricSpec('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: this.queueName }, 'Maximum',
      'Dead-lettered alert batches');
  }
  alertsReceived(): MetricSpec { return this.handler('AlertsReceived', 'Alerts received'); }
  notificationsPublished(): MetricSpec { return this.handler('NotificationsPublished', 'Notifications sent'); }
  notificationsFailed(): MetricSpec { return this.handler('NotificationsFailed', 'Notifications failed'); }
  malformedRecords(): MetricSpec { return this.handler('MalformedRecords', 'Malformed alert records'); }

  panels(): ConsumerPanel[] {
    return [
      { title: 'Alerts: received, notified, malformed',
        metrics: [this.alertsReceived(), this.notificationsPublished(), this.notificationsFailed(), this.malformedRecords()] },
      { title: 'Alerts Lambda: errors, throttles, dead-lettered batches',
        metrics: [this.errors(), this.throttles(), this.dlqDepth()] },
      { title: 'Alerts Lambda: iterator age', metrics: [this.iteratorAge()] },
    ];
  }
}

const DEFAULTS = {
  batchSize: 100, maximumBatchingWindowSeconds: 5, maximumRetryAttempts: 3, maximumRecordAgeSeconds: 3600,
  parallelizationFactor: 1, reservedConcurrency: 5, memorySizeMb: 256, timeoutSeconds: 60, logRetentionDays: 365,
  dlqRetentionSeconds: 1_209_600,
} as const;

const check = (prop: string, value: number, min: number, max: number) => integerIn('AlertsConsumer', prop, value, min, max);

export class AlertsConsumer extends Construct {
  readonly function: LambdaFunction;
  readonly eventSourceMapping: LambdaEventSourceMapping;
  readonly deadLetterQueue: SqsQueue;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  /** The execution role's permissions, parsed back by the IAM tests. */
  readonly policy: PolicyDocument;
  readonly queuePolicy: PolicyDocument;
  readonly metrics: AlertsConsumerMetrics;
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};
  /** Bytes of the esbuild bundle shipped to Lambda. */
  readonly bundleBytes: number;

  constructor(scope: Construct, id: string, props: AlertsConsumerProps) {
    super(scope, id);
    const { env } = props;
    const names = alertsConsumerNames(props.namePrefix);
    const s = {
      batchSize: check('batchSize', props.batchSize ?? DEFAULTS.batchSize, 1, 10000),
      window: check('maximumBatchingWindowSeconds', props.maximumBatchingWindowSeconds ?? DEFAULTS.maximumBatchingWindowSeconds, 0, 300),
      // -1 (infinite) is exactly what a poison record must never get.
      retries: check('maximumRetryAttempts', props.maximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts, 0, 10000),
      recordAge: check('maximumRecordAgeSeconds', props.maximumRecordAgeSeconds ?? DEFAULTS.maximumRecordAgeSeconds, 60, 604800),
      parallelization: check('parallelizationFactor', props.parallelizationFactor ?? DEFAULTS.parallelizationFactor, 1, 10),
      concurrency: check('reservedConcurrency', props.reservedConcurrency ?? DEFAULTS.reservedConcurrency, 1, 10000),
      memory: check('memorySizeMb', props.memorySizeMb ?? DEFAULTS.memorySizeMb, 128, 10240),
      timeout: check('timeoutSeconds', props.timeoutSeconds ?? DEFAULTS.timeoutSeconds, 1, 900),
      dlqRetention: check('dlqRetentionSeconds', props.dlqRetentionSeconds ?? DEFAULTS.dlqRetentionSeconds, 60, 1_209_600),
    };
    const namespace = props.metricsNamespace ?? DEFAULT_ALERTS_METRICS_NAMESPACE;
    this.metrics = new AlertsConsumerMetrics(names.functionName, names.queueName, namespace);

    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: names.queueName,
      kmsMasterKeyId: props.encryptionKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: s.dlqRetention,
    });
    this.queuePolicy = new PolicyDocument([denyInsecureTransport('sqs:*', [this.deadLetterQueue.arn])]);
    new SqsQueuePolicy(this, 'dlq_policy', { queueUrl: this.deadLetterQueue.url, policy: this.queuePolicy.toJson() });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: names.logGroupName,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.encryptionKeyArn,
    });

    this.role = new IamRole(this, 'role', {
      name: names.roleName,
      description: 'kpufit alerts consumer: reads the alerts stream, notifies SNS, dead-letters to SQS',
      assumeRolePolicy: new PolicyDocument([{
        Sid: 'LambdaAssumesRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole',
        // Only on behalf of this account's functions (confused-deputy guard; Lambda sets aws:SourceAccount).
        Condition: { StringEquals: { 'aws:SourceAccount': env.account } },
      }]).toJson(),
    });
    this.policy = new PolicyDocument(this.permissions(props, env, names.logGroupName));
    const rolePolicy = new IamRolePolicy(this, 'role_policy', {
      name: 'alerts-consumer', role: this.role.id, policy: this.policy.toJson(),
    });

    const bundle = bundleLambda({ entry: ALERTS_HANDLER_ENTRY, name: 'alerts', target: 'node22' });
    this.bundleBytes = bundle.bytes;
    const code = new TerraformAsset(this, 'code', { path: bundle.dir, type: AssetType.ARCHIVE });

    this.function = new LambdaFunction(this, 'function', {
      functionName: names.functionName,
      description: 'kpufit: alerts stream -> grouped SNS notifications',
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: [props.architecture ?? 'arm64'],
      handler: 'index.handler',
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      memorySize: s.memory,
      timeout: s.timeout,
      reservedConcurrentExecutions: s.concurrency,
      tracingConfig: { mode: 'Active' },
      kmsKeyArn: props.encryptionKeyArn,
      environment: { variables: { ALERTS_TOPIC_ARN: props.topicArn, METRICS_NAMESPACE: namespace } },
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      // Only asynchronous invocations use this; the stream's failures go through the mapping's destination.
      deadLetterConfig: { targetArn: this.deadLetterQueue.arn },
      dependsOn: [this.logGroup, rolePolicy],
    });

    this.eventSourceMapping = new LambdaEventSourceMapping(this, 'alerts_stream', {
      eventSourceArn: props.alertsStreamArn,
      functionName: this.function.arn,
      startingPosition: props.startingPosition ?? 'LATEST',
      batchSize: s.batchSize,
      maximumBatchingWindowInSeconds: s.window,
      functionResponseTypes: ['ReportBatchItemFailures'],
      bisectBatchOnFunctionError: props.bisectBatchOnFunctionError ?? true,
      maximumRetryAttempts: s.retries,
      maximumRecordAgeInSeconds: s.recordAge,
      parallelizationFactor: s.parallelization,
      destinationConfig: { onFailure: { destinationArn: this.deadLetterQueue.arn } },
      // Creating the mapping checks the role can read the stream and reach the destination.
      dependsOn: [rolePolicy],
    });

    if (props.alarms) {
      const m = this.metrics;
      this.alarms = createConsumerAlarms(this, [
        { suffix: 'alerts-lambda-errors', metric: m.errors(), threshold: 0,
          description: 'The alerts Lambda failed: the batch is retried, then dead-lettered. See its log group.' },
        { suffix: 'alerts-lambda-throttles', metric: m.throttles(), threshold: 0,
          description: 'The alerts Lambda is throttled: raise reservedConcurrency to >= shards x parallelizationFactor.' },
        { suffix: 'alerts-iterator-age', metric: m.iteratorAge(), threshold: props.alarms.iteratorAgeThresholdMs ?? 60000,
          firesOnFirstBreach: false, description: 'Alerts are read late: the consumer is falling behind the alerts stream.' },
        { suffix: 'alerts-dlq-depth', metric: m.dlqDepth(), threshold: 0,
          description: 'Alert batches were given up on: the DLQ holds their shard and sequence numbers for replay.' },
        { suffix: 'alerts-notifications-failed', metric: m.notificationsFailed(), threshold: 0,
          description: 'SNS rejected alert notifications (retried from the stream): check the topic and its KMS key.' },
      ], props.alarms);
    }
  }

  private permissions(props: AlertsConsumerProps, env: AwsContext, logGroupName: string): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      {
        Sid: 'ReadAlertsStream', Effect: 'Allow',
        Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords',
          'kinesis:GetShardIterator', 'kinesis:ListShards'],
        Resource: props.alertsStreamArn,
      },
      { Sid: 'DecryptAlertsStream', Effect: 'Allow', Action: 'kms:Decrypt', Resource: props.streamKeyArn },
      { Sid: 'PublishNotifications', Effect: 'Allow', Action: 'sns:Publish', Resource: props.topicArn },
      {
        Sid: 'DeadLetterFailedBatches', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.deadLetterQueue.arn,
      },
      {
        // The DLQ is encrypted with it and Lambda decrypts the function's environment with it.
        Sid: 'UseEncryptionKey', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: props.encryptionKeyArn,
      },
      {
        Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: arnFor(env, 'logs', `log-group:${logGroupName}:log-stream:*`),
      },
      {
        Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        // X-Ray has no resource-level permissions: AWS requires "*" here.
        Resource: '*',
      },
    ];
    if (props.topicKeyArn) {
      statements.splice(3, 0, {
        Sid: 'EncryptForTopic', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: props.topicKeyArn,
      });
    }
    return statements;
  }
}
