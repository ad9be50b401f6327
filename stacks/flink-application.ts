/**
 * A Managed Service for Apache Flink application (aws_kinesisanalyticsv2_application), modelled on
 * aws-cdk's flink-alpha `Application`: the jar uploaded as a content-addressed S3 object (a new jar is a
 * new key, so `cdktf deploy` updates the running application), runtime properties, checkpoints and
 * snapshots, operator-level metrics, its own encrypted log group, and typed metric helpers.
 */
import * as path from 'node:path';
import { Construct } from 'constructs';
import { AssetType, TerraformAsset } from 'cdktf';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogStream } from '@cdktf/provider-aws/lib/cloudwatch-log-stream';
import { Kinesisanalyticsv2Application } from '@cdktf/provider-aws/lib/kinesisanalyticsv2-application';
import { AwsContext, arnFor } from './aws-context';
import { ApplicationRole } from './application-role';
import { MetricSpec, metricSpec } from './metric';
import { METRICS, metricDimensions, type MetricDefinition } from '../core/metric-catalogue';
import { PipelineKey } from './pipeline-key';
import { SecureBucket } from './secure-bucket';
import {
  FLINK_APPLICATION_DEFAULTS as DEFAULTS, LOG_LEVELS, METRICS_LEVELS, validateFlinkApplicationProps,
} from './private/flink-application-validation';

/** Flink runtimes this project builds for. */
export class Runtime {
  static readonly FLINK_1_20 = new Runtime('FLINK-1_20');
  /** The runtime a config names (stacks/config.ts accepts only these values). */
  static of(value: 'FLINK-1_20'): Runtime {
    return { 'FLINK-1_20': Runtime.FLINK_1_20 }[value];
  }
  private constructor(readonly value: string) {}
}

/** The job's code: a local shaded jar, uploaded to a bucket under a key that contains its hash. */
export class ApplicationCode {
  static fromJar(jarPath: string, bucket: SecureBucket, keyPrefix = 'flink-app/'): ApplicationCode {
    return new ApplicationCode(jarPath, bucket, keyPrefix);
  }
  private constructor(readonly jarPath: string, readonly bucket: SecureBucket, readonly keyPrefix: string) {}
}

export type LogLevel = (typeof LOG_LEVELS)[number];
export type MetricsLevel = (typeof METRICS_LEVELS)[number];
/** Runtime properties: group id -> key -> value; the Java job reads them with KinesisAnalyticsRuntime. */
export type PropertyGroups = Record<string, Record<string, string>>;

/** The Terraform paths of the parallelism settings that calibration and autoscaling change in place. */
export const PARALLELISM_FIELDS = [
  'application_configuration[0].flink_application_configuration[0].parallelism_configuration[0].parallelism',
  'application_configuration[0].flink_application_configuration[0].parallelism_configuration[0].parallelism_per_kpu',
];

export interface FlinkApplicationProps {
  readonly env: AwsContext;
  /** 1-128 characters of a-z A-Z 0-9 _ . - (Managed Flink's ApplicationName). */
  readonly applicationName: string;
  readonly code: ApplicationCode;
  readonly role: ApplicationRole;
  /** Encrypts the uploaded jar and the log group. */
  readonly encryptionKey: PipelineKey;
  /** @default Runtime.FLINK_1_20 */
  readonly runtime?: Runtime;
  /** @default {} */
  readonly propertyGroups?: PropertyGroups;
  /** Parallel subtasks of the job, 1..256 (the job's max parallelism). @default 1 */
  readonly parallelism?: number;
  /** Subtasks per KPU (1..8). @default 1 */
  readonly parallelismPerKpu?: number;
  /** Let the service scale parallelism on CPU. @default false (kpufit calibrates instead) */
  readonly autoScalingEnabled?: boolean;
  /** Checkpoint interval, ms, >= 1. @default 60000 */
  readonly checkpointIntervalMs?: number;
  /** Pause between checkpoints, ms, >= 0. @default 5000 */
  readonly minPauseBetweenCheckpointsMs?: number;
  /** Take a snapshot on update/stop and restore from the latest on start. @default true */
  readonly snapshotsEnabled?: boolean;
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** OPERATOR so busy/back-pressured time exist per operator. @default 'OPERATOR' */
  readonly metricsLevel?: MetricsLevel;
  /** One of CloudWatch Logs' retention values (1, 3, 5, ... 3653). @default 365 */
  readonly logRetentionDays?: number;
  /**
   * Stop Terraform from reverting Parallelism/ParallelismPerKPU changed by kpufit calibrate or by
   * autoscaling (lifecycle.ignore_changes). @default false
   */
  readonly ignoreParallelismChanges?: boolean;
  /** Start the application after create. @default true */
  readonly startApplication?: boolean;
}

export class FlinkApplication extends Construct {
  readonly application: Kinesisanalyticsv2Application;
  readonly applicationName: string;
  readonly applicationArn: string;
  readonly codeObject: S3Object;
  readonly logGroup: CloudwatchLogGroup;
  readonly logStream: CloudwatchLogStream;
  readonly role: ApplicationRole;
  /** The literal name: metric dimensions and dashboards stay readable and need no resource to exist. */
  private readonly nameForMetrics: string;

  constructor(scope: Construct, id: string, props: FlinkApplicationProps) {
    super(scope, id);
    // Before any resource exists: a bad prop fails synth with one error naming it.
    const settings = validateFlinkApplicationProps(props);
    const { env, applicationName } = props;
    this.role = props.role;
    this.nameForMetrics = applicationName;

    const jar = new TerraformAsset(this, 'jar', { path: props.code.jarPath, type: AssetType.FILE });
    const base = path.basename(props.code.jarPath, '.jar');
    this.codeObject = new S3Object(this, 'code', {
      bucket: props.code.bucket.bucket.id,
      key: `${props.code.keyPrefix}${base}-${jar.assetHash}.jar`,
      source: jar.path,
      sourceHash: jar.assetHash,
      kmsKeyId: props.encryptionKey.arn,
      serverSideEncryption: 'aws:kms',
    });

    const logGroupName = `/aws/kinesis-analytics/${applicationName}`;
    props.encryptionKey.allowLogGroups('CloudWatchLogsEncryptFlinkLogGroup', arnFor(env, 'logs', `log-group:${logGroupName}`));
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      name: logGroupName,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: props.encryptionKey.arn,
    });
    this.logStream = new CloudwatchLogStream(this, 'log_stream', {
      name: 'kinesis-analytics-log-stream', logGroupName: this.logGroup.name,
    });

    props.role.allowReadObject('ReadApplicationCode', props.code.bucket.bucketArn, this.codeObject.key);
    props.role.allowLogging(this.logGroup.arn, this.logStream.arn);

    const groups = props.propertyGroups ?? {};
    const snapshots = props.snapshotsEnabled ?? DEFAULTS.snapshotsEnabled;
    this.application = new Kinesisanalyticsv2Application(this, 'application', {
      name: applicationName,
      runtimeEnvironment: (props.runtime ?? Runtime.FLINK_1_20).value,
      serviceExecutionRole: props.role.roleArn,
      applicationMode: 'STREAMING',
      startApplication: props.startApplication ?? DEFAULTS.startApplication,
      applicationConfiguration: {
        applicationCodeConfiguration: {
          codeContentType: 'ZIPFILE', // what the API calls a jar in S3
          codeContent: {
            s3ContentLocation: {
              bucketArn: props.code.bucket.bucketArn,
              fileKey: this.codeObject.key,
              objectVersion: this.codeObject.versionId,
            },
          },
        },
        applicationSnapshotConfiguration: { snapshotsEnabled: snapshots },
        environmentProperties: {
          propertyGroup: Object.entries(groups).map(([propertyGroupId, propertyMap]) => ({ propertyGroupId, propertyMap })),
        },
        flinkApplicationConfiguration: {
          checkpointConfiguration: {
            configurationType: 'CUSTOM',
            checkpointingEnabled: true,
            checkpointInterval: settings.checkpointIntervalMs,
            minPauseBetweenCheckpoints: settings.minPauseBetweenCheckpointsMs,
          },
          monitoringConfiguration: {
            configurationType: 'CUSTOM',
            logLevel: settings.logLevel,
            metricsLevel: settings.metricsLevel,
          },
          parallelismConfiguration: {
            configurationType: 'CUSTOM',
            parallelism: settings.parallelism,
            parallelismPerKpu: settings.parallelismPerKpu,
            autoScalingEnabled: props.autoScalingEnabled ?? DEFAULTS.autoScalingEnabled,
          },
        },
        runConfiguration: {
          applicationRestoreConfiguration: {
            applicationRestoreType: snapshots ? 'RESTORE_FROM_LATEST_SNAPSHOT' : 'SKIP_RESTORE_FROM_SNAPSHOT',
          },
          flinkRunConfiguration: { allowNonRestoredState: false },
        },
      },
      cloudwatchLoggingOptions: { logStreamArn: this.logStream.arn },
      lifecycle: (props.ignoreParallelismChanges ?? DEFAULTS.ignoreParallelismChanges) ? { ignoreChanges: PARALLELISM_FIELDS } : undefined,
      // The service validates the role's access at create time: the grants must exist first.
      dependsOn: [props.role.inlinePolicy],
    });
    this.applicationName = this.application.name;
    this.applicationArn = this.application.arn;
  }

  private metric(def: MetricDefinition, streamName = ''): MetricSpec {
    // CloudWatch matches dimensions as a set; alphabetical order is how the console lists them.
    const dimensions = Object.fromEntries(Object.entries(metricDimensions(def, { application: this.nameForMetrics, stream: streamName })).sort(([a], [b]) => a.localeCompare(b)));
    return metricSpec(def.namespace, def.name, dimensions, def.statistic, def.label);
  }

  /** How far the Kinesis source is behind the newest record of `streamName`, in ms; the calibration SLO. */
  metricMillisBehindLatest(streamName: string): MetricSpec { return this.metric(METRICS.millisBehindLatest, streamName); }
  /** ms the job was not running during the period (restarting, failing). */
  metricDowntime(): MetricSpec { return this.metric(METRICS.downtime); }
  metricUptime(): MetricSpec { return this.metric(METRICS.uptime); }
  /** Count of full restarts since the job started; an increase is a failure. */
  metricFullRestarts(): MetricSpec { return this.metric(METRICS.fullRestarts); }
  metricNumberOfFailedCheckpoints(): MetricSpec { return this.metric(METRICS.numberOfFailedCheckpoints); }
  metricLastCheckpointDuration(): MetricSpec { return this.metric(METRICS.lastCheckpointDuration); }
  metricLastCheckpointSize(): MetricSpec { return this.metric(METRICS.lastCheckpointSize); }
  metricHeapMemoryUtilization(): MetricSpec { return this.metric(METRICS.heapMemoryUtilization); }
  /** KPUs billed; what calibration minimises. */
  metricKpus(): MetricSpec { return this.metric(METRICS.KPUs); }
  metricCpuUtilization(): MetricSpec { return this.metric(METRICS.cpuUtilization); }
  metricContainerCpuUtilization(): MetricSpec { return this.metric(METRICS.containerCPUUtilization); }
  metricContainerMemoryUtilization(): MetricSpec { return this.metric(METRICS.containerMemoryUtilization); }
  metricNumRecordsInPerSecond(): MetricSpec { return this.metric(METRICS.numRecordsInPerSecond); }
  metricNumRecordsOutPerSecond(): MetricSpec { return this.metric(METRICS.numRecordsOutPerSecond); }
  /** ms per second the busiest subtask worked: near 1000 means that operator is the bottleneck. */
  metricBusyTimeMsPerSecond(): MetricSpec { return this.metric(METRICS.busyTimeMsPerSecond); }
  /** ms per second a subtask waited on its downstream. */
  metricBackPressuredTimeMsPerSecond(): MetricSpec { return this.metric(METRICS.backPressuredTimeMsPerSecond); }
  metricIdleTimeMsPerSecond(): MetricSpec { return this.metric(METRICS.idleTimeMsPerSecond); }
  /** The job's count of records its parser refused, since the job started. */
  metricMalformedRecords(): MetricSpec { return this.metric(METRICS.malformedRecords); }
  /** The job's count of records that arrived after their window closed, since the job started. */
  metricLateRecords(): MetricSpec { return this.metric(METRICS.lateRecords); }
}
