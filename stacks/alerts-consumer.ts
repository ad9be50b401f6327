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
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AwsContext } from './aws-context';
import { ConsumerAlarmOptions, ConsumerPanel, createConsumerAlarms } from './consumer-alarms';
import { MetricSpec } from './metric';
import { PolicyStatement } from './policy-document';
import {
  StreamLambdaConsumer, StreamLambdaMetrics, StreamLambdaNames, StreamLambdaSettings, streamLambdaNames,
} from './private/stream-lambda';

export const ALERTS_HANDLER_ENTRY = path.join(__dirname, 'lambda', 'alerts', 'handler.ts');
/** Namespace of the handler's EMF metrics (MalformedRecords, NotificationsFailed, ...). */
export const DEFAULT_ALERTS_METRICS_NAMESPACE = 'kpufit/Alerts';

/** The Lambda tunables (batchSize, retries, concurrency, ...) are StreamLambdaSettings'. */
export interface AlertsConsumerProps extends StreamLambdaSettings {
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
  /** @default DEFAULT_ALERTS_METRICS_NAMESPACE */
  readonly metricsNamespace?: string;
  /** Alarms on errors, throttles, iterator age, DLQ depth and failed notifications. @default no alarms */
  readonly alarms?: ConsumerAlarmOptions & {
    /** Iterator age (ms) that means alerts arrive late. @default 60000 */
    readonly iteratorAgeThresholdMs?: number;
  };
}

/** Names derived from the prefix, so metrics and dashboards can be drawn before the resources exist. */
export function alertsConsumerNames(namePrefix: string): StreamLambdaNames {
  return streamLambdaNames(`${namePrefix}-alerts`);
}

/** The consumer's metrics, each with the statistic that makes sense for it. */
export class AlertsConsumerMetrics extends StreamLambdaMetrics {
  constructor(functionName: string, queueName: string, namespace: string = DEFAULT_ALERTS_METRICS_NAMESPACE) {
    super(functionName, queueName, namespace, 'Alerts', 'Dead-lettered alert batches');
  }

  static forPrefix(namePrefix: string, namespace?: string): AlertsConsumerMetrics {
    const n = alertsConsumerNames(namePrefix);
    return new AlertsConsumerMetrics(n.functionName, n.queueName, namespace);
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

export class AlertsConsumer extends StreamLambdaConsumer {
  readonly metrics: AlertsConsumerMetrics;
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};

  constructor(scope: Construct, id: string, props: AlertsConsumerProps) {
    const names = alertsConsumerNames(props.namePrefix);
    const namespace = props.metricsNamespace ?? DEFAULT_ALERTS_METRICS_NAMESPACE;
    super(scope, id, {
      ...props, construct: 'AlertsConsumer', names, streamArn: props.alertsStreamArn, streamKeyArn: props.streamKeyArn,
      streamSid: 'AlertsStream', encryptionKeyArn: props.encryptionKeyArn, statements: AlertsConsumer.permissions(props),
      entry: ALERTS_HANDLER_ENTRY, bundleName: 'alerts',
      functionDescription: 'kpufit: alerts stream -> grouped SNS notifications',
      roleDescription: 'kpufit alerts consumer: reads the alerts stream, notifies SNS, dead-letters to SQS',
      policyName: 'alerts-consumer', environment: { ALERTS_TOPIC_ARN: props.topicArn, METRICS_NAMESPACE: namespace },
      mappingId: 'alerts_stream',
    });
    this.metrics = new AlertsConsumerMetrics(names.functionName, names.queueName, namespace);

    if (props.alarms) {
      const m = this.metrics;
      this.alarms = createConsumerAlarms(this, [
        ...m.baseAlarms('alerts', { name: 'alerts', records: 'Alerts', batches: 'Alert batches', stream: 'the alerts stream' },
          props.alarms.iteratorAgeThresholdMs ?? 60000),
        { suffix: 'alerts-notifications-failed', metric: m.notificationsFailed(), threshold: 0,
          description: 'SNS rejected alert notifications (retried from the stream): check the topic and its KMS key.' },
      ], props.alarms);
    }
  }

  /** The alerts consumer's own grants: publishing, and the topic's key when it is encrypted. */
  private static permissions(props: AlertsConsumerProps): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      { Sid: 'PublishNotifications', Effect: 'Allow', Action: 'sns:Publish', Resource: props.topicArn },
    ];
    if (props.topicKeyArn) {
      statements.push({
        Sid: 'EncryptForTopic', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: props.topicKeyArn,
      });
    }
    return statements;
  }
}
