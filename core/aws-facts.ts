/**
 * The AWS limits kpufit's models rest on, in one place (AWS documentation: Kinesis Data Streams quotas and
 * Managed Service for Apache Flink's KPU definition and quotas). The twin enforces them, the calibrator and
 * the autoscaler reason with them, the CLI validates flags against them.
 */

/** Records/s one shard accepts from producers. */
export const SHARD_WRITE_RECORDS_PER_SECOND = 1000;
/** Bytes/s one shard accepts from producers (1 MiB). */
export const SHARD_WRITE_BYTES_PER_SECOND = 1_048_576;
/** Bytes/s one shard serves to a (shared-throughput) consumer (2 MiB). */
export const SHARD_READ_BYTES_PER_SECOND = 2_097_152;
/** GetRecords calls per second per shard, and records one call returns at most. */
export const GET_RECORDS_CALLS_PER_SECOND = 5;
export const GET_RECORDS_MAX_RECORDS = 10_000;
/** Records/s one shard serves: 5 calls of up to 10,000 records. */
export const SHARD_READ_RECORDS_PER_SECOND = GET_RECORDS_CALLS_PER_SECOND * GET_RECORDS_MAX_RECORDS;
/** Largest Kinesis record (data plus partition key), bytes. */
export const MAX_RECORD_BYTES = 1_048_576;
/** Records and bytes one PutRecords call takes at most. */
export const PUT_RECORDS_MAX_RECORDS = 500;
export const PUT_RECORDS_MAX_BYTES = 5 * 1_048_576;

/** One KPU: 1 vCPU, 4 GB of memory of which 3 GB is JVM heap, 50 GB of running application storage. */
export const HEAP_MB_PER_KPU = 3072;
export const STORAGE_GB_PER_KPU = 50;
/** ParallelismPerKPU ranges over 1..8. */
export const MIN_PARALLELISM_PER_KPU = 1;
export const MAX_PARALLELISM_PER_KPU = 8;
/** Default per-application KPU quota (raisable) and the job's max parallelism (flink-app sets 256). */
export const DEFAULT_MAX_KPUS = 64;
export const DEFAULT_MAX_PARALLELISM = 256;
/** Managed Flink bills one orchestration KPU per application on top of the job's KPUs. */
export const ORCHESTRATION_KPUS = 1;

/** Records/s one shard accepts at record size b: L = min(1000, 1 MiB / b). */
export function shardWriteLimit(recordBytes: number): number {
  return Math.min(SHARD_WRITE_RECORDS_PER_SECOND, SHARD_WRITE_BYTES_PER_SECOND / recordBytes);
}

/** Records/s the stream lets one consumer read: S min(2 MiB/s / b, 50,000). */
export function streamReadLimit(shards: number, recordBytes: number): number {
  return shards * Math.min(SHARD_READ_BYTES_PER_SECOND / recordBytes, SHARD_READ_RECORDS_PER_SECOND);
}

/** CloudWatch keeps datapoints of 60-second periods for 15 days (then only 5-minute and hourly ones). */
export const CLOUDWATCH_ONE_MINUTE_RETENTION_DAYS = 15;

/** A stream keeps records 24 hours unless its retention period is raised. */
export const KINESIS_DEFAULT_RETENTION_HOURS = 24;
