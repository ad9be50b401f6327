/**
 * The runtime property groups the Java job reads (KinesisAnalyticsRuntime.getApplicationProperties()).
 * Group ids and keys are a contract with flink-app/: rename nothing here without changing the job.
 */
import { PipelineConfig } from './config';
import { PropertyGroups } from './flink-application';
import { RESULT_PREFIXES } from './buckets';

export interface RuntimePropertyInputs {
  readonly region: string;
  readonly inputStreamName: string;
  readonly inputStreamArn: string;
  readonly resultsBucketName: string;
  /** Absent when the alerts stream is disabled: then the job writes no alerts. */
  readonly alertsStreamArn?: string;
  /** Present when the OpenSearch sink is on (config `opensearch.enabled`): becomes the `OpenSearch` group. */
  readonly openSearch?: {
    /** The domain endpoint host (no scheme), as aws_opensearch_domain.endpoint gives it. */
    readonly endpoint: string;
    readonly indexPrefix: string;
    readonly bulkFlushMaxActions: number;
    readonly bulkFlushMaxSizeMb: number;
    readonly bulkFlushIntervalMs: number;
  };
}

export function runtimeProperties(job: PipelineConfig['job'], inputs: RuntimePropertyInputs): PropertyGroups {
  // Polling source only: the config refuses enhanced fan-out (stream.enhancedFanOut) while the job's
  // connector has no EFO source.
  const inputStream: Record<string, string> = {
    'stream.arn': inputs.inputStreamArn,
    'stream.name': inputs.inputStreamName,
    'aws.region': inputs.region,
    'source.init.position': 'LATEST',
  };
  const output: Record<string, string> = {
    'results.path': `s3://${inputs.resultsBucketName}/${RESULT_PREFIXES.analyticsResults}`,
    'errors.path': `s3://${inputs.resultsBucketName}/${RESULT_PREFIXES.errors}`,
    'aws.region': inputs.region,
  };
  if (inputs.alertsStreamArn !== undefined) output['alerts.stream.arn'] = inputs.alertsStreamArn;

  const jobGroup: Record<string, string> = {
    workload: job.workload,
    'window.size.seconds': String(job.windowSizeSeconds),
    'watermark.max.out.of.orderness.seconds': String(job.watermarkMaxOutOfOrdernessSeconds),
    'watermark.idleness.seconds': String(job.watermarkIdlenessSeconds),
  };
  const cost = job.cost ?? {};
  if (cost.cpuSpinMicros !== undefined) jobGroup['cost.cpu.spin.micros'] = String(cost.cpuSpinMicros);
  if (cost.ioMode !== undefined) jobGroup['cost.io.mode'] = cost.ioMode;
  if (cost.ioWaitMillis !== undefined) jobGroup['cost.io.wait.millis'] = String(cost.ioWaitMillis);
  if (cost.asyncCapacity !== undefined) jobGroup['cost.io.async.capacity'] = String(cost.asyncCapacity);
  if (cost.asyncTimeoutMillis !== undefined) jobGroup['cost.io.async.timeout.millis'] = String(cost.asyncTimeoutMillis);

  const groups: PropertyGroups = { InputStream: inputStream, Output: output, Job: jobGroup };
  const os = inputs.openSearch;
  if (os !== undefined) {
    // Read by flink-app's OpenSearchSettings; the job signs with its role (SigV4, service `es`).
    groups.OpenSearch = {
      endpoint: `https://${os.endpoint}`,
      auth: 'sigv4',
      'aws.region': inputs.region,
      'index.prefix': os.indexPrefix,
      'bulk.flush.max.actions': String(os.bulkFlushMaxActions),
      'bulk.flush.max.size.mb': String(os.bulkFlushMaxSizeMb),
      'bulk.flush.interval.ms': String(os.bulkFlushIntervalMs),
    };
  }
  return groups;
}
