/**
 * One environment's pipeline: Kinesis input stream -> Managed Flink -> S3 results and an alerts stream,
 * with its key, buckets, role, alarms and dashboard, and the outputs `kpufit calibrate --from-outputs`
 * reads. Pieces are public so consumers (issue 7) can attach to them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { AwsContext, arnFor, awsContext } from './aws-context';
import { ApplicationRole } from './application-role';
import { Buckets, RESULT_PREFIXES } from './buckets';
import { Consumers, consumerPanels } from './consumers';
import { Autoscaler, AutoscalerMetrics, autoscalerNames } from './autoscaler';
import { ConfigError, EnvironmentName, PipelineConfig } from './config';
import { DEFAULT_MAX_PARALLELISM } from '../core/aws-facts';
import { ApplicationCode, FlinkApplication, Runtime } from './flink-application';
import { IngestStream } from './ingest-stream';
import { Monitoring } from './monitoring';
import { OpenSearchDomain } from './opensearch-domain';
import { PipelineKey } from './pipeline-key';
import { runtimeProperties } from './runtime-properties';

/** autoscaler.modelPath, relative to the project root (cdktf runs there): the text of model.json. */
function readModelFile(modelPath: string): string {
  try {
    return fs.readFileSync(path.resolve(modelPath), 'utf8');
  } catch (e) {
    throw new ConfigError([`autoscaler.modelPath: cannot read ${modelPath}: ${(e as Error).message}`]);
  }
}

/** CloudWatch namespace the job may publish its own metrics to. */
export const CUSTOM_METRICS_NAMESPACE = 'kpufit';

export interface PipelineStackProps {
  readonly environment: EnvironmentName;
  readonly config: PipelineConfig;
  /** Absolute path of the jar to deploy (checked to exist by resolveFlinkJar). */
  readonly flinkJarPath: string;
}

export class PipelineStack extends TerraformStack {
  readonly config: PipelineConfig;
  readonly env: AwsContext;
  readonly kmsKey: PipelineKey;
  readonly ingestStream: IngestStream;
  /** Absent when alertsStream.enabled is false. */
  readonly alertsStream?: IngestStream;
  readonly buckets: Buckets;
  readonly role: ApplicationRole;
  readonly application: FlinkApplication;
  readonly monitoring: Monitoring;
  readonly topic: SnsTopic;
  readonly dashboard: CloudwatchDashboard;
  /** The alerts Lambda, raw archive and analytics catalog, as config `consumers` switches them on. */
  readonly consumers: Consumers;
  /** The kpufit autoscaler; absent unless config `autoscaler.enabled`. */
  readonly autoscaler?: Autoscaler;
  /** Absent unless config `opensearch.enabled`. */
  readonly openSearch?: OpenSearchDomain;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id);
    const config = (this.config = props.config);
    const prefix = config.name;

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { Project: 'kpufit', Environment: props.environment, ManagedBy: 'cdktf', ...config.tags } }],
    });
    if (config.backend) {
      const s3 = config.backend.s3;
      new S3Backend(this, {
        bucket: s3.bucket, key: s3.key, region: s3.region ?? config.region, encrypt: true,
        dynamodbTable: s3.dynamodbTable, kmsKeyId: s3.kmsKeyId,
      });
    }
    const env = (this.env = awsContext(this, config.region));

    this.kmsKey = new PipelineKey(this, 'key', { env, alias: prefix, description: `kpufit ${prefix}: pipeline data at rest` });

    const stream = config.stream;
    this.ingestStream = new IngestStream(this, 'ingest', {
      streamName: stream.name ?? `${prefix}-input`, encryptionKey: this.kmsKey,
      mode: stream.mode, shardCount: stream.shards, retentionHours: stream.retentionHours,
    });
    const alerts = config.alertsStream;
    if (alerts.enabled) {
      this.alertsStream = new IngestStream(this, 'alerts', {
        streamName: alerts.name ?? `${prefix}-alerts`, encryptionKey: this.kmsKey,
        mode: alerts.mode, shardCount: alerts.shards, retentionHours: alerts.retentionHours,
      });
    }

    this.buckets = new Buckets(this, 'buckets', {
      env, namePrefix: prefix, encryptionKey: this.kmsKey,
      resultsInfrequentAccessAfterDays: config.storage.resultsInfrequentAccessAfterDays,
      resultsGlacierAfterDays: config.storage.resultsGlacierAfterDays,
      noncurrentVersionExpirationDays: config.storage.noncurrentVersionExpirationDays,
      accessLogExpirationDays: config.storage.accessLogExpirationDays,
    });

    const app = config.application;
    this.role = new ApplicationRole(this, 'role', { env, roleName: `${prefix}-flink`, applicationName: app.name });
    this.role.allowReadStream(this.ingestStream.streamArn);
    if (this.alertsStream) this.role.allowWriteStream('WriteAlertsStream', this.alertsStream.streamArn);
    this.role.allowWritePrefixes('WriteResults', this.buckets.resultsBucket.bucketArn,
      [RESULT_PREFIXES.analyticsResults, RESULT_PREFIXES.errors]);
    this.role.allowKeyUse(this.kmsKey.arn);
    this.role.allowPutMetricData(CUSTOM_METRICS_NAMESPACE);

    const os = config.opensearch;
    if (os.enabled) {
      this.openSearch = new OpenSearchDomain(this, 'opensearch', {
        env, domainName: os.domainName ?? `${prefix}-os`, encryptionKey: this.kmsKey, writerRoleArn: this.role.roleArn,
        masterUserArn: os.masterUserArn!, indexPrefix: os.indexPrefix, engineVersion: os.engineVersion,
        instanceType: os.instanceType, instanceCount: os.instanceCount, availabilityZoneCount: os.availabilityZoneCount,
        dedicatedMasterCount: os.dedicatedMasterCount, dedicatedMasterType: os.dedicatedMasterType,
        volumeSizeGb: os.volumeSizeGb, allowedCidrs: os.allowedCidrs, logRetentionDays: os.logRetentionDays,
        jvmMemoryPressureThresholdPercent: os.jvmMemoryPressureThresholdPercent,
      });
      this.role.allowOpenSearchWrite(this.openSearch.writerResources());
    }

    this.application = new FlinkApplication(this, 'flink', {
      env,
      applicationName: app.name,
      runtime: app.runtime === undefined ? undefined : Runtime.of(app.runtime),
      code: ApplicationCode.fromJar(props.flinkJarPath, this.buckets.artifactsBucket),
      role: this.role,
      encryptionKey: this.kmsKey,
      propertyGroups: runtimeProperties(config.job, {
        region: config.region,
        inputStreamName: this.ingestStream.streamName,
        inputStreamArn: this.ingestStream.streamArn,
        resultsBucketName: this.buckets.resultsBucket.bucketName,
        alertsStreamArn: this.alertsStream?.streamArn,
        openSearch: this.openSearch && {
          endpoint: this.openSearch.endpoint, indexPrefix: this.openSearch.indexPrefix,
          bulkFlushMaxActions: os.bulkFlushMaxActions, bulkFlushMaxSizeMb: os.bulkFlushMaxSizeMb, bulkFlushIntervalMs: os.bulkFlushIntervalMs,
        },
      }),
      parallelism: app.parallelism,
      parallelismPerKpu: app.parallelismPerKpu,
      autoScalingEnabled: app.autoScalingEnabled,
      checkpointIntervalMs: app.checkpointIntervalMs,
      minPauseBetweenCheckpointsMs: app.minPauseBetweenCheckpointsMs,
      snapshotsEnabled: app.snapshotsEnabled,
      logLevel: app.logLevel,
      metricsLevel: app.metricsLevel,
      logRetentionDays: app.logRetentionDays,
      ignoreParallelismChanges: app.ignoreParallelismChanges,
    });

    const mon = config.monitoring;
    this.monitoring = new Monitoring(this, 'monitoring', {
      env, namePrefix: prefix, application: this.application, inputStream: this.ingestStream,
      alertsStream: this.alertsStream, encryptionKey: this.kmsKey, alarmEmail: mon.alarmEmail,
      millisBehindLatestThresholdMs: mon.millisBehindLatestThresholdMs, iteratorAgeThresholdMs: mon.iteratorAgeThresholdMs,
      heapMemoryUtilizationThresholdPercent: mon.heapMemoryUtilizationThresholdPercent, maxKpus: app.maxKpus,
      periodSeconds: mon.periodSeconds, evaluationPeriods: mon.evaluationPeriods,
      incomingRecordsFloor: mon.incomingRecordsFloor, incomingRecordsAnomalyBandWidth: mon.incomingRecordsAnomalyBandWidth,
      malformedRatioThresholdPercent: mon.malformedRatioThresholdPercent,
      extraPanels: [
        ...consumerPanels(prefix, config.consumers, config.job.workload),
        ...(config.autoscaler.enabled ? AutoscalerMetrics.forPrefix(prefix, app.name).panels() : []),
        ...(this.openSearch?.metrics.panels() ?? []),
      ],
    });
    this.topic = this.monitoring.topic;
    this.dashboard = this.monitoring.dashboard;

    this.openSearch?.createAlarms(this.topic.arn, `${prefix}-`, os, mon.evaluationPeriods);

    this.consumers = new Consumers(this, 'consumers', {
      env, namePrefix: prefix, settings: config.consumers, encryptionKey: this.kmsKey, inputStream: this.ingestStream,
      alertsStream: this.alertsStream, resultsBucket: this.buckets.resultsBucket, workload: config.job.workload, topicArn: this.topic.arn,
      evaluationPeriods: mon.evaluationPeriods, iteratorAgeThresholdMs: mon.iteratorAgeThresholdMs,
    });

    const auto = config.autoscaler;
    if (auto.enabled) {
      this.kmsKey.allowLogGroups('CloudWatchLogsEncryptAutoscalerLogGroup', arnFor(env, 'logs', `log-group:${autoscalerNames(prefix).logGroupName}`));
      this.autoscaler = new Autoscaler(this, 'autoscaler', {
        env, namePrefix: prefix, applicationName: app.name, applicationArn: this.application.applicationArn,
        streamName: this.ingestStream.streamName, topicArn: this.topic.arn, encryptionKeyArn: this.kmsKey.arn,
        maxLagMs: auto.maxLagMs ?? mon.millisBehindLatestThresholdMs,
        policy: {
          minKpus: auto.minKpus, maxKpus: auto.maxKpus ?? app.maxKpus, maxParallelism: DEFAULT_MAX_PARALLELISM,
          maxCostPerHourUsd: auto.maxCostPerHourUsd, targetUtilization: auto.targetUtilization, catchUpSeconds: auto.catchUpSeconds,
          predictDaily: auto.predictDaily,
        },
        modelJson: auto.modelPath !== undefined ? readModelFile(auto.modelPath) : undefined,
        metricsDelaySeconds: auto.metricsDelaySeconds, logRetentionDays: config.consumers.logRetentionDays,
        alarms: { topicArn: this.topic.arn, alarmNamePrefix: `${prefix}-`, evaluationPeriods: mon.evaluationPeriods },
      });
    }

    this.declareOutputs();
  }

  /** The names `kpufit calibrate --from-outputs` reads; fixed, see README "Deploy". */
  private declareOutputs(): void {
    const out = (name: string, value: string, description: string) =>
      new TerraformOutput(this, name, { value, description });
    out('region', this.config.region, 'AWS region of the pipeline');
    out('stream_name', this.ingestStream.stream.name, 'Input Kinesis stream (load goes here)');
    out('stream_arn', this.ingestStream.streamArn, 'Input Kinesis stream ARN');
    out('alerts_stream_name', this.alertsStream ? this.alertsStream.stream.name : '',
      'Alerts Kinesis stream the job writes to; empty when alertsStream.enabled is false');
    out('alerts_stream_arn', this.alertsStream ? this.alertsStream.streamArn : '', 'Alerts stream ARN; empty when disabled');
    out('application_name', this.application.applicationName, 'Managed Flink application (calibration changes its parallelism)');
    out('application_arn', this.application.applicationArn, 'Managed Flink application ARN');
    out('results_bucket', this.buckets.resultsBucket.bucketName, 'Bucket of job results (analytics-results/, errors/, ...)');
    out('artifacts_bucket', this.buckets.artifactsBucket.bucketName, 'Bucket holding the Flink jar');
    out('alerts_topic_arn', this.topic.arn, 'SNS topic every alarm notifies');
    out('dashboard_url', this.monitoring.dashboardUrl, 'CloudWatch dashboard of the pipeline');
    out('opensearch_endpoint', this.openSearch ? this.openSearch.endpoint : '',
      'OpenSearch domain endpoint the job indexes into (kpufit dashboards apply reads it); empty when opensearch.enabled is false');
    out('opensearch_dashboards_url', this.openSearch ? this.openSearch.dashboardsUrl : '',
      'OpenSearch Dashboards of the domain; empty when opensearch.enabled is false');
    out('opensearch_index_prefix', this.openSearch ? this.openSearch.indexPrefix : '',
      'Prefix of the indices the job writes (<prefix>-<workload>-yyyy.MM.dd, <prefix>-alerts-yyyy.MM.dd)');
    out('max_kpus', String(this.config.application.maxKpus), 'application.maxKpus: the KPU cap calibration should respect');
  }
}
