/**
 * The stream processor: a Lambda on the input stream, as in the Kinesis + Lambda + CloudWatch recipe. Each
 * batch's records are decoded, checked against their workload's event schema, enriched with derived fields
 * (documented in stacks/lambda/processor/enrich.ts), written as one newline-delimited JSON object under
 * `processed-data/<workload>/dt=.../hour=.../`, and counted as business metrics with EMF (records processed,
 * amounts summed, records refused by reason). The Lambda plumbing (on-failure queue, log group, role,
 * bundle, event source mapping) is the alerts consumer's: stacks/private/stream-lambda.ts.
 */
import * as path from 'node:path';
import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AwsContext } from './aws-context';
import { ConsumerAlarmOptions, ConsumerPanel, createConsumerAlarms } from './consumer-alarms';
import { MetricSpec } from './metric';
import { PolicyStatement } from './policy-document';
import { invalidProp, keyPrefix } from './private/prop-checks';
import {
  StreamLambdaConsumer, StreamLambdaMetrics, StreamLambdaNames, StreamLambdaSettings, streamLambdaNames,
} from './private/stream-lambda';

export const PROCESSOR_HANDLER_ENTRY = path.join(__dirname, 'lambda', 'processor', 'handler.ts');
/** Namespace of the handler's EMF metrics (RecordsProcessed, RecordsFailed, the business sums). */
export const DEFAULT_PROCESSOR_METRICS_NAMESPACE = 'kpufit/Processor';

export const PROCESSOR_WORKLOADS = ['taxi', 'iot', 'clickstream'] as const;
export type ProcessorWorkload = (typeof PROCESSOR_WORKLOADS)[number];

/** The business metric each workload sums, for the dashboard: name and label. */
const BUSINESS_PANELS: Record<ProcessorWorkload, Array<[string, string]>> = {
  taxi: [['FareAmount', 'Fares (USD)'], ['TipAmount', 'Tips (USD)'], ['TotalAmount', 'Total amount (USD)']],
  iot: [['AnomalousReadings', 'Readings above their alert threshold']],
  clickstream: [['Purchases', 'Purchases'], ['PurchaseAmount', 'Purchase amount']],
};

/** Reasons the handler refuses a record (stacks/lambda/shared/kinesis-json.ts, processor/enrich.ts). */
export const REFUSAL_REASONS = ['NotBase64', 'NotUtf8', 'NotJson', 'InvalidFields'] as const;

/** The Lambda tunables (batchSize, retries, concurrency, ...) are StreamLambdaSettings'; it always starts at LATEST in the pipeline. */
export interface StreamProcessorProps extends StreamLambdaSettings {
  readonly env: AwsContext;
  /** Prefix of every name: function `<prefix>-processor`, queue `<prefix>-processor-dlq`. */
  readonly namePrefix: string;
  /** The input stream the load goes to. */
  readonly inputStreamArn: string;
  /** Key that encrypts the input stream: the function decrypts records with it. */
  readonly streamKeyArn: string;
  /** Which workload's records the stream carries (config job.workload). */
  readonly workload: ProcessorWorkload;
  /** Bucket the processed objects go to, and its SSE-KMS key. */
  readonly bucketArn: string;
  readonly bucketName: string;
  readonly bucketKeyArn: string;
  /** Key prefix of the processed objects. @default 'processed-data/' */
  readonly prefix?: string;
  /** Encrypts the on-failure queue, the log group and the function's environment. */
  readonly encryptionKeyArn: string;
  /** @default DEFAULT_PROCESSOR_METRICS_NAMESPACE */
  readonly metricsNamespace?: string;
  /**
   * Alarms on errors, throttles, iterator age, on-failure queue depth, failed object writes and batches
   * that processed nothing. @default no alarms
   */
  readonly alarms?: ConsumerAlarmOptions & {
    /** @default 60000 */
    readonly iteratorAgeThresholdMs?: number;
  };
}

export function streamProcessorNames(namePrefix: string): StreamLambdaNames {
  return streamLambdaNames(`${namePrefix}-processor`);
}

export class StreamProcessorMetrics extends StreamLambdaMetrics {
  constructor(functionName: string, queueName: string, readonly workload: ProcessorWorkload,
    namespace: string = DEFAULT_PROCESSOR_METRICS_NAMESPACE) {
    super(functionName, queueName, namespace, 'Processor', 'Dead-lettered input batches');
  }

  static forPrefix(namePrefix: string, workload: ProcessorWorkload, namespace?: string): StreamProcessorMetrics {
    const n = streamProcessorNames(namePrefix);
    return new StreamProcessorMetrics(n.functionName, n.queueName, workload, namespace);
  }

  private business(name: string, label: string): MetricSpec { return this.handler(name, label, { Workload: this.workload }); }

  recordsProcessed(): MetricSpec { return this.business('RecordsProcessed', 'Records processed'); }
  /** All refused records; recordsFailedBy(reason) splits them. */
  recordsFailed(): MetricSpec { return this.business('RecordsFailed', 'Records refused'); }
  recordsFailedBy(reason: (typeof REFUSAL_REASONS)[number]): MetricSpec {
    return this.handler('RecordsFailedByReason', `Refused: ${reason}`, { Workload: this.workload, Reason: reason });
  }
  batchWriteFailures(): MetricSpec { return this.business('BatchWriteFailures', 'Objects not written'); }
  invocations(): MetricSpec { return this.lambda('Invocations', 'Sum', 'Processor invocations'); }
  duration(): MetricSpec { return this.lambda('Duration', 'Maximum', 'Processor duration, max (ms)'); }
  businessMetrics(): MetricSpec[] { return BUSINESS_PANELS[this.workload].map(([name, label]) => this.business(name, label)); }

  panels(): ConsumerPanel[] {
    return [
      { title: `Processor (${this.workload}): records processed and refused`,
        metrics: [this.recordsProcessed(), this.recordsFailed(), ...REFUSAL_REASONS.map((r) => this.recordsFailedBy(r))] },
      { title: `Processor (${this.workload}): business metrics`, metrics: this.businessMetrics() },
      { title: 'Processor Lambda: invocations, errors, throttles, unwritten objects, dead-lettered batches',
        metrics: [this.invocations(), this.errors(), this.throttles(), this.batchWriteFailures(), this.dlqDepth()] },
      { title: 'Processor Lambda: duration and iterator age', metrics: [this.duration(), this.iteratorAge()] },
    ];
  }
}

export class StreamProcessor extends StreamLambdaConsumer {
  readonly metrics: StreamProcessorMetrics;
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};
  readonly prefix: string;

  constructor(scope: Construct, id: string, props: StreamProcessorProps) {
    if (!(PROCESSOR_WORKLOADS as readonly string[]).includes(props.workload)) {
      invalidProp('StreamProcessor', 'workload', `one of ${PROCESSOR_WORKLOADS.join(', ')}`, props.workload);
    }
    const prefix = keyPrefix('StreamProcessor', 'prefix', props.prefix ?? 'processed-data/');
    const names = streamProcessorNames(props.namePrefix);
    const namespace = props.metricsNamespace ?? DEFAULT_PROCESSOR_METRICS_NAMESPACE;
    super(scope, id, {
      ...props, construct: 'StreamProcessor', names, streamArn: props.inputStreamArn, streamSid: 'InputStream',
      statements: StreamProcessor.permissions(props, prefix), entry: PROCESSOR_HANDLER_ENTRY, bundleName: 'processor',
      functionDescription: `kpufit: input stream -> enriched ${props.workload} records in s3 ${prefix}, business metrics`,
      roleDescription: 'kpufit stream processor: reads the input stream, writes processed-data/, dead-letters to SQS',
      policyName: 'stream-processor',
      environment: {
        PROCESSED_BUCKET: props.bucketName, PROCESSED_PREFIX: prefix, PROCESSED_KMS_KEY_ARN: props.bucketKeyArn,
        WORKLOAD: props.workload, METRICS_NAMESPACE: namespace,
      },
      mappingId: 'input_stream',
    });
    this.prefix = prefix;
    this.metrics = new StreamProcessorMetrics(names.functionName, names.queueName, props.workload, namespace);

    if (props.alarms) {
      const m = this.metrics;
      this.alarms = createConsumerAlarms(this, [
        ...m.baseAlarms('processor', { name: 'stream processor', records: 'Input records', batches: 'Input batches',
          stream: 'the input stream' }, props.alarms.iteratorAgeThresholdMs ?? 60000),
        { suffix: 'processor-write-failures', metric: m.batchWriteFailures(), threshold: 0,
          description: 'The processor could not write a batch to processed-data/ (retried from the stream): check the bucket and its KMS key.' },
        { suffix: 'processor-no-records', metric: m.recordsProcessed(), threshold: 1, comparison: 'LessThanThreshold',
          firesOnFirstBreach: false, treatMissingData: 'breaching',
          description: 'The processor wrote no records for every evaluation period: the input stream is idle, every record is refused, or the Lambda is not running.' },
      ], props.alarms);
    }
  }

  private static permissions(props: StreamProcessorProps, prefix: string): PolicyStatement[] {
    return [
      { Sid: 'WriteProcessedData', Effect: 'Allow', Action: 's3:PutObject', Resource: `${props.bucketArn}/${prefix}*` },
      {
        // SSE-KMS PutObject asks KMS for a data key on the caller's behalf, and only through S3.
        Sid: 'EncryptProcessedData', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: props.bucketKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `s3.${props.env.region}.${props.env.dnsSuffix}` } },
      },
    ];
  }
}
