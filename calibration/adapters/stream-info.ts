/**
 * StreamInfo over Kinesis DescribeStreamSummary (KinesisApi): shard count and capacity mode, what the
 * calibrator needs for the stream's read and write limits.
 */
import type { KinesisApi } from '../../core/aws-api';
import type { StreamDescription, StreamInfo } from '../ports';

export class KinesisStreamInfo implements StreamInfo {
  constructor(private readonly api: KinesisApi, private readonly streamName: string) {}

  async describe(): Promise<StreamDescription> {
    const out = await this.api.describeStreamSummary({ StreamName: this.streamName });
    const s = out.StreamDescriptionSummary;
    if (!s) throw new Error(`DescribeStreamSummary returned no summary for ${this.streamName}`);
    return {
      streamName: s.StreamName ?? this.streamName,
      streamArn: s.StreamARN,
      mode: s.StreamModeDetails?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED',
      openShardCount: s.OpenShardCount ?? 0,
    };
  }
}
