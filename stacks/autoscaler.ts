/**
 * The kpufit autoscaler: an EventBridge schedule runs a Lambda every minute that reads the application's
 * and the stream's CloudWatch metrics, runs the model-based policy and, when it decides, calls
 * UpdateApplication with the current version id (always with AutoScalingEnabled false: it replaces
 * Managed Flink's CPU autoscaling). Its model, history and cooldowns live in a DynamoDB table (KMS,
 * point-in-time recovery); each decision is published to the pipeline's SNS topic; its own errors alarm.
 *
 * The handler (calibration/autoscaler/lambda/handler.ts) is bundled with esbuild at synth. This module
 * only names its path: stacks/ imports nothing but core/, and the policy it runs is shared with
 * `kpufit autoscale simulate`.
 */
import * as path from 'node:path';
import { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { AwsContext, arnFor } from './aws-context';
import { ConsumerAlarmOptions, ConsumerPanel, createConsumerAlarms } from './consumer-alarms';
import { bundleLambda } from './lambda/bundle';
import { MetricSpec, metricSpec } from './metric';
import { PolicyDocument, PolicyStatement, denyInsecureTransport } from './policy-document';

export const AUTOSCALER_HANDLER_ENTRY = path.join(__dirname, '..', 'calibration', 'autoscaler', 'lambda', 'handler.ts');
/** Namespace of the decision metrics the handler emits (embedded metric format in its log). */
export const AUTOSCALER_METRICS_NAMESPACE = 'kpufit/Autoscaler';

/** The policy's limits and targets (AutoscalerOptions of calibration/autoscaler/options.ts); unset: its defaults. */
export interface AutoscalerPolicySettings {
  readonly minKpus?: number;
  readonly maxKpus?: number;
  readonly maxParallelism?: number;
  /** Highest hourly cost the policy may choose, USD. */
  readonly maxCostPerHourUsd?: number;
  readonly targetUtilization?: number;
  readonly catchUpSeconds?: number;
  readonly predictDaily?: boolean;
}

export interface AutoscalerProps {
  readonly env: AwsContext;
  /** Prefix of every name: function and table `<prefix>-autoscaler`. */
  readonly namePrefix: string;
  /** The Managed Flink application it scales: UpdateApplication/DescribeApplication on this ARN only. */
  readonly applicationName: string;
  readonly applicationArn: string;
  /** The application's input stream (its IncomingRecords is the input the policy sizes for). */
  readonly streamName: string;
  /** Topic each decision is published to. */
  readonly topicArn: string;
  /**
   * Encrypts the table, the log group, the dead-letter queue and the function's environment, and the
   * topic. Its key policy must let CloudWatch Logs use it for `/aws/lambda/<prefix>-autoscaler`.
   */
  readonly encryptionKeyArn: string;
  /** The SLO: minutes with millisBehindLatest above this are violations. @default 60000 */
  readonly maxLagMs?: number;
  /** @default the policy's defaults */
  readonly policy?: AutoscalerPolicySettings;
  /** model.json from `kpufit calibrate` (its text). @default none: the policy learns from priors */
  readonly modelJson?: string;
  /** @default 'rate(1 minute)' */
  readonly scheduleExpression?: string;
  /** Seconds CloudWatch needs to publish a minute completely. @default 120 */
  readonly metricsDelaySeconds?: number;
  /** @default 256 */
  readonly memorySizeMb?: number;
  /** Below the schedule's minute, so runs never overlap. @default 50 */
  readonly timeoutSeconds?: number;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** @default 'arm64' */
  readonly architecture?: 'arm64' | 'x86_64';
  /** Alarms on the function's errors and throttles. @default no alarms */
  readonly alarms?: ConsumerAlarmOptions;
}

export function autoscalerNames(namePrefix: string) {
  const functionName = `${namePrefix}-autoscaler`;
  return { functionName, tableName: functionName, roleName: `${functionName}-lambda`, queueName: `${functionName}-dlq`,
    ruleName: `${functionName}-schedule`, logGroupName: `/aws/lambda/${functionName}` };
}

export class AutoscalerMetrics {
  constructor(readonly functionName: string, readonly application: string) {}

  static forPrefix(namePrefix: string, application: string): AutoscalerMetrics {
    return new AutoscalerMetrics(autoscalerNames(namePrefix).functionName, application);
  }

  errors(): MetricSpec { return metricSpec('AWS/Lambda', 'Errors', { FunctionName: this.functionName }, 'Sum', 'Autoscaler Lambda errors'); }
  throttles(): MetricSpec { return metricSpec('AWS/Lambda', 'Throttles', { FunctionName: this.functionName }, 'Sum', 'Autoscaler Lambda throttles'); }
  private decision(name: string, label: string, statistic: 'Sum' | 'Maximum' = 'Sum'): MetricSpec {
    return metricSpec(AUTOSCALER_METRICS_NAMESPACE, name, { Application: this.application }, statistic, label);
  }
  scaleUps(): MetricSpec { return this.decision('ScaleUp', 'Scale-ups'); }
  scaleDowns(): MetricSpec { return this.decision('ScaleDown', 'Scale-downs'); }
  conflicts(): MetricSpec { return this.decision('Conflict', 'Not applied (concurrent change)'); }
  targetKpus(): MetricSpec { return this.decision('TargetKpus', 'KPUs chosen', 'Maximum'); }

  /** The dashboard panel of its decisions. */
  panels(): ConsumerPanel[] {
    return [{ title: 'Autoscaler: decisions (scale-ups, scale-downs, not applied, KPUs chosen)',
      metrics: [this.scaleUps(), this.scaleDowns(), this.conflicts(), this.targetKpus(), this.errors()] }];
  }
}

const DEFAULTS = { maxLagMs: 60000, metricsDelaySeconds: 120, memorySizeMb: 256, timeoutSeconds: 50, logRetentionDays: 365 } as const;

function check(name: string, value: number, min: number, max: number, integer = true): number {
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new Error(`Autoscaler: ${name} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max} (got ${value})`);
  }
  return value;
}

function checkPolicy(p: AutoscalerPolicySettings = {}): AutoscalerPolicySettings {
  if (p.minKpus !== undefined) check('policy.minKpus', p.minKpus, 1, 100000);
  if (p.maxKpus !== undefined) check('policy.maxKpus', p.maxKpus, p.minKpus ?? 1, 100000);
  if (p.maxParallelism !== undefined) check('policy.maxParallelism', p.maxParallelism, 1, 100000);
  if (p.maxCostPerHourUsd !== undefined) check('policy.maxCostPerHourUsd', p.maxCostPerHourUsd, 0.01, 1e6, false);
  if (p.targetUtilization !== undefined) check('policy.targetUtilization', p.targetUtilization, 0.55, 0.9, false);
  if (p.catchUpSeconds !== undefined) check('policy.catchUpSeconds', p.catchUpSeconds, 1, 86400);
  return p;
}

export class Autoscaler extends Construct {
  readonly function: LambdaFunction;
  readonly table: DynamodbTable;
  readonly schedule: CloudwatchEventRule;
  readonly deadLetterQueue: SqsQueue;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  /** The execution role's permissions, parsed back by the IAM tests. */
  readonly policy: PolicyDocument;
  readonly metrics: AutoscalerMetrics;
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};
  readonly bundleBytes: number;

  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    const { env } = props;
    const names = autoscalerNames(props.namePrefix);
    const s = {
      maxLagMs: check('maxLagMs', props.maxLagMs ?? DEFAULTS.maxLagMs, 1000, 86_400_000),
      delay: check('metricsDelaySeconds', props.metricsDelaySeconds ?? DEFAULTS.metricsDelaySeconds, 0, 900),
      memory: check('memorySizeMb', props.memorySizeMb ?? DEFAULTS.memorySizeMb, 128, 10240),
      timeout: check('timeoutSeconds', props.timeoutSeconds ?? DEFAULTS.timeoutSeconds, 10, 59),
    };
    const policy = checkPolicy(props.policy);
    if (props.modelJson !== undefined) {
      try {
        JSON.parse(props.modelJson);
      } catch (e) {
        throw new Error(`Autoscaler: modelJson is not valid JSON: ${(e as Error).message}`);
      }
    }
    this.metrics = new AutoscalerMetrics(names.functionName, props.applicationName);

    this.table = new DynamodbTable(this, 'state', {
      name: names.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'pk',
      attribute: [{ name: 'pk', type: 'S' }],
      serverSideEncryption: { enabled: true, kmsKeyArn: props.encryptionKeyArn },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
    });

    // EventBridge invokes asynchronously: an invocation that fails its retries lands here.
    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: names.queueName, kmsMasterKeyId: props.encryptionKeyArn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: 1_209_600,
    });
    new SqsQueuePolicy(this, 'dlq_policy', {
      queueUrl: this.deadLetterQueue.url, policy: new PolicyDocument([denyInsecureTransport('sqs:*', [this.deadLetterQueue.arn])]).toJson(),
    });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: names.logGroupName, retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays, kmsKeyId: props.encryptionKeyArn,
    });

    this.role = new IamRole(this, 'role', {
      name: names.roleName,
      description: 'kpufit autoscaler: reads metrics, updates the Flink application, keeps state in DynamoDB, notifies SNS',
      assumeRolePolicy: new PolicyDocument([{
        Sid: 'LambdaAssumesRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': env.account } },
      }]).toJson(),
    });
    this.policy = new PolicyDocument(this.permissions(props, env, names.logGroupName));
    const rolePolicy = new IamRolePolicy(this, 'role_policy', { name: 'autoscaler', role: this.role.id, policy: this.policy.toJson() });

    const bundle = bundleLambda({ entry: AUTOSCALER_HANDLER_ENTRY, name: 'autoscaler', target: 'node22' });
    this.bundleBytes = bundle.bytes;
    const code = new TerraformAsset(this, 'code', { path: bundle.dir, type: AssetType.ARCHIVE });

    const variables: Record<string, string> = {
      APPLICATION_NAME: props.applicationName,
      STREAM_NAME: props.streamName,
      STATE_TABLE_NAME: names.tableName,
      TOPIC_ARN: props.topicArn,
      SLO_MAX_LAG_MS: String(s.maxLagMs),
      METRICS_DELAY_SECONDS: String(s.delay),
      AUTOSCALER_OPTIONS: JSON.stringify(policy),
    };
    if (props.modelJson !== undefined) variables.AUTOSCALER_MODEL = JSON.stringify(JSON.parse(props.modelJson));

    this.function = new LambdaFunction(this, 'function', {
      functionName: names.functionName,
      description: 'kpufit: lag-driven, model-based autoscaler of the Managed Flink application',
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: [props.architecture ?? 'arm64'],
      handler: 'index.handler',
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      memorySize: s.memory,
      timeout: s.timeout,
      // One run at a time: two overlapping decisions would race for the same application.
      reservedConcurrentExecutions: 1,
      tracingConfig: { mode: 'Active' },
      kmsKeyArn: props.encryptionKeyArn,
      environment: { variables },
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      deadLetterConfig: { targetArn: this.deadLetterQueue.arn },
      dependsOn: [this.logGroup, rolePolicy],
    });

    this.schedule = new CloudwatchEventRule(this, 'schedule', {
      name: names.ruleName,
      description: `Runs the kpufit autoscaler of ${props.applicationName}`,
      scheduleExpression: props.scheduleExpression ?? 'rate(1 minute)',
    });
    new CloudwatchEventTarget(this, 'schedule_target', {
      rule: this.schedule.name, arn: this.function.arn, retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
    });
    new LambdaPermission(this, 'schedule_invokes', {
      statementId: 'EventBridgeSchedule', action: 'lambda:InvokeFunction', functionName: this.function.functionName,
      principal: 'events.amazonaws.com', sourceArn: this.schedule.arn,
    });

    if (props.alarms) {
      const m = this.metrics;
      this.alarms = createConsumerAlarms(this, [
        { suffix: 'autoscaler-errors', metric: m.errors(), threshold: 0,
          description: 'The autoscaler Lambda failed: no scaling decision this minute. See its log group.' },
        { suffix: 'autoscaler-throttles', metric: m.throttles(), threshold: 0,
          description: 'The autoscaler Lambda was throttled (a run overlapped the next minute): check its duration.' },
      ], props.alarms);
    }
  }

  private permissions(props: AutoscalerProps, env: AwsContext, logGroupName: string): PolicyStatement[] {
    return [
      {
        Sid: 'ScaleThisApplication', Effect: 'Allow',
        Action: ['kinesisanalytics:DescribeApplication', 'kinesisanalytics:UpdateApplication'], Resource: props.applicationArn,
      },
      // GetMetricData has no resource-level permissions: AWS requires "*" here (read-only).
      { Sid: 'ReadMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
      { Sid: 'KeepState', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: this.table.arn },
      { Sid: 'PublishDecisions', Effect: 'Allow', Action: 'sns:Publish', Resource: props.topicArn },
      { Sid: 'DeadLetterFailedRuns', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.deadLetterQueue.arn },
      {
        // The table, the queue, the environment and the topic are encrypted with it.
        Sid: 'UseEncryptionKey', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: props.encryptionKeyArn,
      },
      {
        Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: arnFor(env, 'logs', `log-group:${logGroupName}:log-stream:*`),
      },
      { Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
    ];
  }
}
