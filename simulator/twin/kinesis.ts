/**
 * Kinesis Data Streams over the twin: DescribeStreamSummary and record-level PutRecords. Records go to the
 * shard owning the MD5 of their partition key (or their ExplicitHashKey), land at the current simulated
 * second, and are refused per record with ProvisionedThroughputExceededException over a shard's limits;
 * the caller retries, as with AWS.
 */
import { createHash } from 'node:crypto';
import type {
  DescribeStreamSummaryInput, DescribeStreamSummaryOutput, PutRecordsInput, PutRecordsOutput, PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import type { KinesisApi } from '../../core/aws-api';
import { ACCOUNT_ID, REGION, awsError } from './aws-errors';
import { TWIN_EPOCH_MS, type Simulation } from './simulation';

const MAX_RECORDS_PER_CALL = 500;
const MAX_RECORD_BYTES = 1048576;
const HASH_KEY_SPACE = 2n ** 128n;

export class TwinKinesis implements KinesisApi {
  readonly #sim: Simulation;
  #sequence = 0;

  constructor(sim: Simulation) {
    this.#sim = sim;
  }

  async describeStreamSummary(input: DescribeStreamSummaryInput): Promise<DescribeStreamSummaryOutput> {
    const name = this.#stream(input.StreamName, input.StreamARN);
    return {
      StreamDescriptionSummary: {
        StreamName: name,
        StreamARN: this.#arn(),
        StreamStatus: 'ACTIVE',
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        RetentionPeriodHours: 24,
        StreamCreationTimestamp: new Date(TWIN_EPOCH_MS),
        EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
        EncryptionType: 'KMS',
        KeyId: 'alias/aws/kinesis',
        OpenShardCount: this.#sim.shards,
        ConsumerCount: 0,
      },
    };
  }

  async putRecords(input: PutRecordsInput): Promise<PutRecordsOutput> {
    const name = this.#stream(input.StreamName, input.StreamARN);
    const records = input.Records ?? [];
    if (records.length < 1 || records.length > MAX_RECORDS_PER_CALL) {
      throw awsError('InvalidArgumentException', `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length between 1 and ${MAX_RECORDS_PER_CALL}`);
    }
    const sim = this.#sim;
    const out: PutRecordsResultEntry[] = [];
    let failed = 0;
    for (const r of records) {
      if (!r.PartitionKey || r.PartitionKey.length > 256) {
        throw awsError('InvalidArgumentException', `1 validation error detected: Value at 'records.member.partitionKey' failed to satisfy constraint: Member must have length between 1 and 256`);
      }
      const bytes = (r.Data?.byteLength ?? 0) + Buffer.byteLength(r.PartitionKey);
      if (bytes > MAX_RECORD_BYTES) {
        throw awsError('InvalidArgumentException', `A record's data plus partition key is ${bytes} bytes, above the 1 MiB limit.`);
      }
      const shard = sim.stream.shardForHashFraction(hashFraction(r.PartitionKey, r.ExplicitHashKey));
      const shardId = `shardId-${String(shard).padStart(12, '0')}`;
      if (sim.putRecord(shard, bytes)) {
        // 56 digits like Kinesis's, increasing with every accepted record.
        out.push({ SequenceNumber: `4960000000000000000000000000000000${String(++this.#sequence).padStart(22, '0')}`, ShardId: shardId });
      } else {
        failed++;
        out.push({
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: `Rate exceeded for shard ${shardId} in stream ${name} under account ${ACCOUNT_ID}.`,
        });
      }
    }
    return { FailedRecordCount: failed, Records: out, EncryptionType: 'KMS' };
  }

  #arn(): string {
    return `arn:aws:kinesis:${REGION}:${ACCOUNT_ID}:stream/${this.#sim.scenario.stream.name}`;
  }

  #stream(name: string | undefined, arn: string | undefined): string {
    const own = this.#sim.scenario.stream.name;
    if ((name === undefined && arn === undefined) || (name !== undefined && name !== own) || (arn !== undefined && arn !== this.#arn())) {
      throw awsError('ResourceNotFoundException', `Stream ${name ?? arn ?? '(none)'} under account ${ACCOUNT_ID} not found.`);
    }
    return own;
  }
}

/** Where a record's 128-bit hash key falls in [0, 1): MD5 of the partition key, as Kinesis does. */
function hashFraction(partitionKey: string, explicitHashKey?: string): number {
  if (explicitHashKey !== undefined) {
    let key: bigint;
    try {
      key = BigInt(explicitHashKey);
    } catch {
      throw awsError('InvalidArgumentException', `ExplicitHashKey ${explicitHashKey} is not a decimal integer.`);
    }
    if (key < 0n || key >= HASH_KEY_SPACE) throw awsError('InvalidArgumentException', `ExplicitHashKey ${explicitHashKey} is outside 0..2^128-1.`);
    return Number(key >> 80n) / 2 ** 48;
  }
  const digest = createHash('md5').update(partitionKey).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
