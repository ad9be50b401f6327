/**
 * The `null` target: a KinesisApi that accepts every record at once. Behind the real KinesisProducer it
 * measures what generation, serialization and batching cost with no network in the way.
 */
import type { PutRecordsInput, PutRecordsOutput, PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { KinesisApi } from '../../calibration/aws-api';

const ACCEPTED: PutRecordsResultEntry = { SequenceNumber: '0', ShardId: 'shardId-000000000000' };

export class NullKinesis implements KinesisApi {
  private readonly accepted: PutRecordsResultEntry[] = new Array(500).fill(ACCEPTED);

  async describeStreamSummary() {
    return {
      StreamDescriptionSummary: {
        StreamName: 'null', StreamARN: 'arn:aws:kinesis:none:000000000000:stream/null', StreamStatus: 'ACTIVE' as const,
        StreamModeDetails: { StreamMode: 'ON_DEMAND' as const }, RetentionPeriodHours: 24,
        StreamCreationTimestamp: new Date(0), EnhancedMonitoring: [], OpenShardCount: 1,
      },
      $metadata: {},
    };
  }

  async putRecords(input: PutRecordsInput): Promise<PutRecordsOutput> {
    const n = input.Records?.length ?? 0;
    return { FailedRecordCount: 0, Records: n === 500 ? this.accepted : this.accepted.slice(0, n) };
  }
}
