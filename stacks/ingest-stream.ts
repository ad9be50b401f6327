/**
 * A Kinesis data stream encrypted with a customer-managed key, provisioned or on-demand, with the
 * shard-level metrics that show a hot shard or a throttled producer.
 */
import { Construct } from 'constructs';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { PipelineKey } from './pipeline-key';
import { MetricSpec, metricSpec } from './metric';
import { METRICS, metricDimensions, type MetricDefinition } from '../core/metric-catalogue';

export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

/** Shard-level metrics enabled by default: throughput, both throttles and consumer lag per shard. */
export const DEFAULT_SHARD_LEVEL_METRICS = [
  'IncomingRecords', 'OutgoingRecords', 'WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
];

export interface IngestStreamProps {
  readonly streamName: string;
  /** The key that encrypts records at rest (SSE-KMS). */
  readonly encryptionKey: PipelineKey;
  /** @default 'PROVISIONED' */
  readonly mode?: StreamMode;
  /** Required for PROVISIONED; must be absent for ON_DEMAND. */
  readonly shardCount?: number;
  /** Hours a record stays readable, 24..8760. @default 24 */
  readonly retentionHours?: number;
  /** @default DEFAULT_SHARD_LEVEL_METRICS */
  readonly shardLevelMetrics?: string[];
}

export class IngestStream extends Construct {
  readonly stream: KinesisStream;
  readonly streamName: string;
  readonly streamArn: string;
  readonly mode: StreamMode;

  constructor(scope: Construct, id: string, props: IngestStreamProps) {
    super(scope, id);
    this.mode = props.mode ?? 'PROVISIONED';
    if (this.mode === 'PROVISIONED' && (props.shardCount === undefined || props.shardCount < 1)) {
      throw new Error(`IngestStream ${props.streamName}: a PROVISIONED stream needs shardCount >= 1`);
    }
    if (this.mode === 'ON_DEMAND' && props.shardCount !== undefined) {
      throw new Error(`IngestStream ${props.streamName}: an ON_DEMAND stream takes no shardCount`);
    }
    const retentionHours = props.retentionHours ?? 24;
    if (retentionHours < 24 || retentionHours > 8760) {
      throw new Error(`IngestStream ${props.streamName}: retentionHours must be 24..8760`);
    }
    this.stream = new KinesisStream(this, 'stream', {
      name: props.streamName,
      streamModeDetails: { streamMode: this.mode },
      shardCount: this.mode === 'PROVISIONED' ? props.shardCount : undefined,
      retentionPeriod: retentionHours,
      encryptionType: 'KMS',
      kmsKeyId: props.encryptionKey.arn,
      shardLevelMetrics: props.shardLevelMetrics ?? DEFAULT_SHARD_LEVEL_METRICS,
    });
    this.streamName = props.streamName;
    this.streamArn = this.stream.arn;
  }

  private metric(def: MetricDefinition): MetricSpec {
    return metricSpec(def.namespace, def.name, metricDimensions(def, { application: '', stream: this.streamName }), def.statistic, def.label);
  }

  metricIncomingRecords(): MetricSpec { return this.metric(METRICS.IncomingRecords); }
  metricIncomingBytes(): MetricSpec { return this.metric(METRICS.IncomingBytes); }
  /** Records read by all consumers together; below IncomingRecords x consumers means someone fell behind. */
  metricOutgoingRecords(): MetricSpec { return this.metric(METRICS.OutgoingRecords); }
  metricWriteThrottles(): MetricSpec { return this.metric(METRICS.WriteProvisionedThroughputExceeded); }
  metricReadThrottles(): MetricSpec { return this.metric(METRICS.ReadProvisionedThroughputExceeded); }
  /** Age of the oldest record a consumer has yet to read: the stream-side view of lag. */
  metricIteratorAge(): MetricSpec { return this.metric(METRICS['GetRecords.IteratorAgeMilliseconds']); }
}
