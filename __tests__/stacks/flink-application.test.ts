import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kinesisanalyticsv2Application } from '@cdktf/provider-aws/lib/kinesisanalyticsv2-application';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogStream } from '@cdktf/provider-aws/lib/cloudwatch-log-stream';
import { PARALLELISM_FIELDS, Runtime } from '../../stacks/flink-application';
import { bucketRef, minimalConfig, refOf, single, statement, synthPipeline, withPatch } from './helpers';

const { text, tf, stack } = synthPipeline(withPatch(minimalConfig(), {
  application: {
    parallelism: 6, parallelismPerKpu: 2, autoScalingEnabled: true, checkpointIntervalMs: 30000,
    minPauseBetweenCheckpointsMs: 2000, logRetentionDays: 731,
  },
}));
const app = single(tf, 'aws_kinesisanalyticsv2_application');
const config = app.application_configuration;
const codeObject = single(tf, 'aws_s3_object');
const objectRef = (attr: string) => refOf(tf, 'aws_s3_object', () => true, attr);

describe('FlinkApplication', () => {
  it('runs FLINK-1_20 in STREAMING mode, started after create, with the execution role', () => {
    expect(Runtime.FLINK_1_20.value).toBe('FLINK-1_20');
    expect(text).toHaveResourceWithProperties(Kinesisanalyticsv2Application, {
      name: 'kpufit-test-analytics', runtime_environment: 'FLINK-1_20', application_mode: 'STREAMING', start_application: true,
      service_execution_role: refOf(tf, 'aws_iam_role', () => true, 'arn'),
    });
  });

  it('runs the jar uploaded to the artifacts bucket, pinned to the uploaded version', () => {
    expect(config.application_code_configuration).toEqual({
      code_content_type: 'ZIPFILE',
      code_content: { s3_content_location: { bucket_arn: bucketRef(tf, 'artifacts', 'arn'), file_key: objectRef('key'), object_version: objectRef('version_id') } },
    });
  });

  it('uploads the jar KMS-encrypted under a key holding its content hash, so a new jar redeploys', () => {
    const hash = codeObject.source_hash as string;
    expect(hash).toMatch(/^[0-9A-F]{32}$/);
    expect(codeObject).toMatchObject({
      bucket: bucketRef(tf, 'artifacts'),
      key: `flink-app/flink-app-fixture-${hash}.jar`,
      source: expect.stringMatching(new RegExp(`^assets/.+/${hash}/flink-app-fixture\\.jar$`)),
      server_side_encryption: 'aws:kms',
      kms_key_id: refOf(tf, 'aws_kms_key', () => true, 'arn'),
    });
  });

  it('gives a different jar a different object key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpufit-jar-'));
    try {
      const jar = path.join(dir, 'flink-app-fixture.jar');
      fs.writeFileSync(jar, 'another build');
      const other = single(synthPipeline(minimalConfig(), { jar }).tf, 'aws_s3_object');
      expect(other.key).not.toBe(codeObject.key);
      expect(other.source_hash).not.toBe(codeObject.source_hash);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checkpoints on a custom interval', () => {
    expect(config.flink_application_configuration.checkpoint_configuration).toEqual({
      configuration_type: 'CUSTOM', checkpointing_enabled: true, checkpoint_interval: 30000, min_pause_between_checkpoints: 2000,
    });
  });

  it('logs at INFO and reports metrics per OPERATOR so busy and back-pressured time exist', () => {
    expect(config.flink_application_configuration.monitoring_configuration).toEqual({
      configuration_type: 'CUSTOM', log_level: 'INFO', metrics_level: 'OPERATOR',
    });
  });

  it('takes parallelism, parallelism per KPU and autoscaling from the config', () => {
    expect(config.flink_application_configuration.parallelism_configuration).toEqual({
      configuration_type: 'CUSTOM', parallelism: 6, parallelism_per_kpu: 2, auto_scaling_enabled: true,
    });
  });

  it('takes snapshots and restores from the latest one', () => {
    expect(config.application_snapshot_configuration).toEqual({ snapshots_enabled: true });
    expect(config.run_configuration).toEqual({
      application_restore_configuration: { application_restore_type: 'RESTORE_FROM_LATEST_SNAPSHOT' },
      flink_run_configuration: { allow_non_restored_state: false },
    });
  });

  it('skips restoring when snapshots are off', () => {
    const off = single(synthPipeline(withPatch(minimalConfig(), { application: { snapshotsEnabled: false } })).tf,
      'aws_kinesisanalyticsv2_application').application_configuration;
    expect(off.application_snapshot_configuration).toEqual({ snapshots_enabled: false });
    expect(off.run_configuration.application_restore_configuration).toEqual({ application_restore_type: 'SKIP_RESTORE_FROM_SNAPSHOT' });
  });

  it('logs to its own KMS-encrypted log group with the configured retention', () => {
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/kinesis-analytics/kpufit-test-analytics', retention_in_days: 731, kms_key_id: refOf(tf, 'aws_kms_key', () => true, 'arn'),
    });
    expect(text).toHaveResourceWithProperties(CloudwatchLogStream, {
      name: 'kinesis-analytics-log-stream', log_group_name: refOf(tf, 'aws_cloudwatch_log_group', () => true, 'name'),
    });
    expect(app.cloudwatch_logging_options).toEqual({ log_stream_arn: refOf(tf, 'aws_cloudwatch_log_stream', () => true, 'arn') });
  });

  it('lets CloudWatch Logs use the key for exactly that log group', () => {
    const keyPolicy = JSON.parse(single(tf, 'aws_kms_key').policy);
    expect(statement(keyPolicy, 'CloudWatchLogsEncryptFlinkLogGroup').Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn':
          'arn:${data.aws_partition.current_partition.partition}:logs:eu-west-1:${data.aws_caller_identity.current_account.account_id}:log-group:/aws/kinesis-analytics/kpufit-test-analytics',
      },
    });
  });

  it('is created after its role policy, because the service checks the role at create time', () => {
    expect(app.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\./)]);
  });

  it('leaves parallelism to Terraform by default', () => {
    expect(app.lifecycle).toBeUndefined();
  });

  it('ignores parallelism changes made outside Terraform when ignoreParallelismChanges is on', () => {
    const ignoring = single(synthPipeline(withPatch(minimalConfig(), { application: { ignoreParallelismChanges: true } })).tf,
      'aws_kinesisanalyticsv2_application');
    expect(ignoring.lifecycle).toEqual({ ignore_changes: PARALLELISM_FIELDS });
    expect(PARALLELISM_FIELDS).toEqual([
      'application_configuration[0].flink_application_configuration[0].parallelism_configuration[0].parallelism',
      'application_configuration[0].flink_application_configuration[0].parallelism_configuration[0].parallelism_per_kpu',
    ]);
  });

  describe('metric helpers', () => {
    const flink = stack.application;
    const dims = { Application: 'kpufit-test-analytics' };

    it('millisBehindLatest: Maximum, per input flow, stream id with - replaced by _', () => {
      expect(flink.metricMillisBehindLatest('kpufit-test-input')).toEqual({
        namespace: 'AWS/KinesisAnalytics', metricName: 'millisBehindLatest', statistic: 'Maximum', periodSeconds: 60,
        dimensions: { Application: 'kpufit-test-analytics', Flow: 'Input', Id: 'kpufit_test_input' }, label: 'millisBehindLatest (ms)',
      });
    });

    it.each([
      ['metricDowntime', 'downtime', 'Maximum'],
      ['metricUptime', 'uptime', 'Maximum'],
      ['metricFullRestarts', 'fullRestarts', 'Maximum'],
      ['metricNumberOfFailedCheckpoints', 'numberOfFailedCheckpoints', 'Maximum'],
      ['metricLastCheckpointDuration', 'lastCheckpointDuration', 'Maximum'],
      ['metricLastCheckpointSize', 'lastCheckpointSize', 'Maximum'],
      ['metricHeapMemoryUtilization', 'heapMemoryUtilization', 'Maximum'],
      ['metricKpus', 'KPUs', 'Maximum'],
      ['metricCpuUtilization', 'cpuUtilization', 'Average'],
      ['metricContainerCpuUtilization', 'containerCPUUtilization', 'Average'],
      ['metricContainerMemoryUtilization', 'containerMemoryUtilization', 'Average'],
      ['metricNumRecordsInPerSecond', 'numRecordsInPerSecond', 'Average'],
      ['metricNumRecordsOutPerSecond', 'numRecordsOutPerSecond', 'Average'],
      ['metricBusyTimeMsPerSecond', 'busyTimeMsPerSecond', 'Maximum'],
      ['metricBackPressuredTimeMsPerSecond', 'backPressuredTimeMsPerSecond', 'Maximum'],
      ['metricIdleTimeMsPerSecond', 'idleTimeMsPerSecond', 'Average'],
    ] as const)('%s: %s, %s, per application', (helper, metricName, statistic) => {
      expect(flink[helper]()).toMatchObject({ namespace: 'AWS/KinesisAnalytics', metricName, statistic, dimensions: dims });
    });
  });
});
