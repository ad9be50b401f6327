/**
 * The consumers of one pipeline, wired to its key, streams, results bucket and alarm topic: the stream
 * processor and alerts Lambdas, the raw archive and the analytics catalog, each switched on per environment (config `consumers`).
 * The pipeline stack creates this after Monitoring and hands Monitoring `consumerPanels()` for its dashboard
 * (the panels need only names, so the dashboard can be drawn first).
 */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AlertsConsumer, AlertsConsumerMetrics, alertsConsumerNames } from './alerts-consumer';
import { AnalyticsCatalog } from './analytics-catalog';
import { WORKLOADS } from './analytics-tables';
import { AwsContext, arnFor } from './aws-context';
import { RESULT_PREFIXES } from './buckets';
import { ConsumerPanel } from './consumer-alarms';
import { IngestStream } from './ingest-stream';
import { PipelineKey } from './pipeline-key';
import { RawArchive, RawArchiveMetrics, rawArchiveNames } from './raw-archive';
import { QuickSightDatasets, QuickSightRefreshInterval } from './quicksight-datasets';
import { SecureBucket } from './secure-bucket';
import { ProcessorWorkload, StreamProcessor, StreamProcessorMetrics, streamProcessorNames } from './stream-processor';

/** The validated `consumers` section of the config (stacks/config.ts holds the schema and defaults). */
export interface ConsumersSettings {
  readonly logRetentionDays: number;
  readonly alerts: {
    readonly enabled: boolean;
    readonly batchSize: number;
    readonly maximumRetryAttempts: number;
    readonly maximumRecordAgeSeconds: number;
    readonly parallelizationFactor: number;
    readonly reservedConcurrency: number;
    readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
  };
  /** Unset tunables take StreamProcessor's defaults. */
  readonly streamProcessor: {
    readonly enabled: boolean;
    readonly batchSize?: number;
    readonly maximumBatchingWindowSeconds?: number;
    readonly maximumRetryAttempts?: number;
    readonly maximumRecordAgeSeconds?: number;
    readonly parallelizationFactor?: number;
    readonly reservedConcurrency?: number;
    readonly memorySizeMb?: number;
    readonly timeoutSeconds?: number;
  };
  readonly rawArchive: {
    readonly enabled: boolean;
    readonly bufferingSizeMb: number;
    readonly bufferingIntervalSeconds: number;
  };
  /** Unset fields take QuickSightDatasets' defaults. */
  readonly quickSight: {
    readonly enabled: boolean;
    readonly serviceRoleName?: string;
    readonly ownerArn?: string;
    readonly refreshInterval?: QuickSightRefreshInterval;
  };
  readonly analyticsCatalog: {
    readonly enabled: boolean;
    readonly bytesScannedCutoffPerQuery: number;
    readonly projectionStartDate: string;
  };
}

export interface ConsumersProps {
  readonly env: AwsContext;
  readonly namePrefix: string;
  readonly settings: ConsumersSettings;
  readonly encryptionKey: PipelineKey;
  readonly inputStream: IngestStream;
  /** Required when alerts are enabled (the config schema checks it). */
  readonly alertsStream?: IngestStream;
  readonly resultsBucket: SecureBucket;
  /** The workload the input stream carries (config job.workload): what the stream processor parses. */
  readonly workload: ProcessorWorkload;
  /** The pipeline's alarm topic: alert notifications and the consumers' alarms go there. */
  readonly topicArn: string;
  /** As the pipeline's other alarms. */
  readonly evaluationPeriods: number;
  readonly iteratorAgeThresholdMs: number;
}

/** The dashboard panels of the enabled consumers, from names alone. */
export function consumerPanels(namePrefix: string, settings: ConsumersSettings, workload: ProcessorWorkload): ConsumerPanel[] {
  return [
    ...(settings.streamProcessor.enabled ? StreamProcessorMetrics.forPrefix(namePrefix, workload).panels() : []),
    ...(settings.alerts.enabled ? AlertsConsumerMetrics.forPrefix(namePrefix).panels() : []),
    ...(settings.rawArchive.enabled ? RawArchiveMetrics.forPrefix(namePrefix).panels() : []),
  ];
}

export class Consumers extends Construct {
  readonly streamProcessor?: StreamProcessor;
  readonly alerts?: AlertsConsumer;
  readonly rawArchive?: RawArchive;
  readonly analyticsCatalog?: AnalyticsCatalog;
  readonly quickSight?: QuickSightDatasets;

  constructor(scope: Construct, id: string, props: ConsumersProps) {
    super(scope, id);
    const { env, namePrefix, settings, encryptionKey: key } = props;
    const alarms = { topicArn: props.topicArn, alarmNamePrefix: `${namePrefix}-`, evaluationPeriods: props.evaluationPeriods };

    if (settings.streamProcessor.enabled) {
      const { enabled: _enabled, ...tunables } = settings.streamProcessor;
      key.allowLogGroups('CloudWatchLogsEncryptProcessorLambdaLogGroup',
        arnFor(env, 'logs', `log-group:${streamProcessorNames(namePrefix).logGroupName}`));
      this.streamProcessor = new StreamProcessor(this, 'processor', {
        ...tunables, env, namePrefix, inputStreamArn: props.inputStream.streamArn, streamKeyArn: key.arn,
        workload: props.workload, bucketArn: props.resultsBucket.bucketArn, bucketName: props.resultsBucket.bucketName,
        bucketKeyArn: key.arn, prefix: RESULT_PREFIXES.processedData, encryptionKeyArn: key.arn,
        startingPosition: 'LATEST', logRetentionDays: settings.logRetentionDays,
        alarms: { ...alarms, iteratorAgeThresholdMs: props.iteratorAgeThresholdMs },
      });
    }

    if (settings.alerts.enabled) {
      if (!props.alertsStream) throw new Error('Consumers: alerts need the alerts stream (alertsStream.enabled)');
      const a = settings.alerts;
      key.allowLogGroups('CloudWatchLogsEncryptAlertsLambdaLogGroup',
        arnFor(env, 'logs', `log-group:${alertsConsumerNames(namePrefix).logGroupName}`));
      this.alerts = new AlertsConsumer(this, 'alerts', {
        env, namePrefix, alertsStreamArn: props.alertsStream.streamArn, streamKeyArn: key.arn, topicArn: props.topicArn,
        topicKeyArn: key.arn, encryptionKeyArn: key.arn, batchSize: a.batchSize, maximumRetryAttempts: a.maximumRetryAttempts,
        maximumRecordAgeSeconds: a.maximumRecordAgeSeconds, parallelizationFactor: a.parallelizationFactor,
        reservedConcurrency: a.reservedConcurrency, startingPosition: a.startingPosition, logRetentionDays: settings.logRetentionDays,
        alarms: { ...alarms, iteratorAgeThresholdMs: props.iteratorAgeThresholdMs },
      });
    }

    if (settings.rawArchive.enabled) {
      key.allowLogGroups('CloudWatchLogsEncryptRawArchiveLogGroup',
        arnFor(env, 'logs', `log-group:${rawArchiveNames(namePrefix).logGroupName}`));
      this.rawArchive = new RawArchive(this, 'raw_archive', {
        env, namePrefix, sourceStreamArn: props.inputStream.streamArn, sourceStreamKeyArn: key.arn,
        bucketArn: props.resultsBucket.bucketArn, bucketKeyArn: key.arn, encryptionKeyArn: key.arn,
        prefix: RESULT_PREFIXES.rawData, errorPrefix: `${RESULT_PREFIXES.errors}${RESULT_PREFIXES.rawData}`,
        bufferingSizeMb: settings.rawArchive.bufferingSizeMb, bufferingIntervalSeconds: settings.rawArchive.bufferingIntervalSeconds,
        logRetentionDays: settings.logRetentionDays, alarms,
      });
    }

    if (settings.analyticsCatalog.enabled) {
      this.analyticsCatalog = new AnalyticsCatalog(this, 'analytics', {
        env, namePrefix, resultsBucketName: props.resultsBucket.bucketName, encryptionKeyArn: key.arn,
        resultsPrefix: RESULT_PREFIXES.analyticsResults,
        bytesScannedCutoffPerQuery: settings.analyticsCatalog.bytesScannedCutoffPerQuery,
        projectionStartDate: settings.analyticsCatalog.projectionStartDate,
      });
      if (settings.quickSight.enabled) {
        const { enabled: _enabled, ...quickSight } = settings.quickSight;
        this.quickSight = new QuickSightDatasets(this, 'quicksight', {
          ...quickSight, env, namePrefix, workgroupName: this.analyticsCatalog.workgroup.name,
          databaseName: this.analyticsCatalog.databaseName, workloads: WORKLOADS, resultsBucketArn: props.resultsBucket.bucketArn,
          resultsPrefix: RESULT_PREFIXES.analyticsResults, encryptionKeyArn: key.arn,
        });
      }
    }

    this.declareOutputs();
  }

  /** Always declared (empty when a consumer is off), so scripts read a fixed set of names. */
  private declareOutputs(): void {
    const out = (name: string, value: string, description: string) =>
      new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    out('processor_function_name', this.streamProcessor?.function.functionName ?? '',
      'Stream processor Lambda (input stream -> processed-data/); empty when consumers.streamProcessor is off');
    out('processor_dlq_url', this.streamProcessor?.deadLetterQueue.url ?? '', 'SQS queue of input batches given up on; empty when off');
    out('alerts_function_name', this.alerts?.function.functionName ?? '', 'Alerts Lambda; empty when consumers.alerts is off');
    out('alerts_dlq_url', this.alerts?.deadLetterQueue.url ?? '', 'SQS queue of alert batches given up on; empty when off');
    out('raw_archive_delivery_stream', this.rawArchive?.deliveryStream.name ?? '',
      'Firehose writing raw-data/; empty when consumers.rawArchive is off');
    out('glue_database', this.analyticsCatalog?.databaseName ?? '', 'Glue database of the results tables; empty when off');
    out('quicksight_data_source_id', this.quickSight?.dataSource.dataSourceId ?? '',
      'QuickSight Athena data source; empty when consumers.quickSight is off');
    out('athena_workgroup', this.analyticsCatalog?.workgroup.name ?? '', 'Athena workgroup to query the results in; empty when off');
  }
}
