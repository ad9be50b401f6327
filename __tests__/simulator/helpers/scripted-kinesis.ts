/**
 * A KinesisApi whose answers a test scripts: per call, which records fail with which ErrorCode, or an
 * exception to throw; optionally slow (through the clock). Remembers everything it accepted.
 */
import type { PutRecordsInput, PutRecordsOutput } from '@aws-sdk/client-kinesis';
import type { KinesisApi } from '../../../core/aws-api';
import type { Clock } from '../../../core/clock';

export type CallScript = (input: PutRecordsInput, call: number) => { errorCodes?: Array<string | undefined>; throw?: Error } | undefined;

export class ScriptedKinesis implements KinesisApi {
  readonly accepted: Array<{ data: string; key: string }> = [];
  readonly calls: Array<{ records: number; bytes: number; at: number }> = [];
  onWire = 0;
  maxOnWire = 0;

  constructor(private readonly clock: Clock, private readonly script: CallScript = () => undefined, private readonly latencyMs = 0) {}

  async describeStreamSummary(): Promise<never> {
    throw new Error('not scripted');
  }

  async putRecords(input: PutRecordsInput): Promise<PutRecordsOutput> {
    const records = input.Records ?? [];
    const call = this.calls.length;
    this.calls.push({
      records: records.length,
      bytes: records.reduce((s, r) => s + (r.Data?.byteLength ?? 0) + Buffer.byteLength(r.PartitionKey ?? ''), 0),
      at: this.clock.now(),
    });
    this.onWire++;
    this.maxOnWire = Math.max(this.maxOnWire, this.onWire);
    try {
      if (this.latencyMs > 0) await this.clock.sleep(this.latencyMs);
      const answer = this.script(input, call);
      if (answer?.throw) throw answer.throw;
      let failed = 0;
      const out = records.map((r, i) => {
        const code = answer?.errorCodes?.[i];
        if (code) {
          failed++;
          return { ErrorCode: code, ErrorMessage: `${code} for record ${i}` };
        }
        this.accepted.push({ data: Buffer.from(r.Data!).toString('utf8'), key: r.PartitionKey! });
        return { SequenceNumber: String(this.accepted.length), ShardId: 'shardId-000000000000' };
      });
      return { FailedRecordCount: failed, Records: out };
    } finally {
      this.onWire--;
    }
  }
}

export const awsError = (name: string, message = name): Error => Object.assign(new Error(message), { name, $fault: 'client' });
