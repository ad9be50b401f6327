/**
 * LoadDriver over kinesis-local: the load generator's own events (simulator/workloads), stamped with the
 * wall clock, sent in PutRecords batches every 100 ms at the set rate. Rates are real records per second
 * (the local clock only compresses time, never rates). `acknowledgedAt` is the count the stream accepted,
 * read by the metrics poller as the stream's intake.
 */
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { LoadDriver, LoadSpec, LoadStats } from '../ports';
import { peakRate } from '../../core/rate-profile';
import { createWorkload, type WorkloadName } from '../../simulator/workloads';

const BATCH_INTERVAL_MS = 100;
/** PutRecords takes at most 500 records per call. */
const MAX_BATCH = 500;

export interface LocalLoadOptions {
  client: KinesisClient;
  streamArn: string;
  workload: WorkloadName;
  /** Share of the records that carry the one hot key. @default 0 */
  hotKeyShare?: number;
  seed?: number;
  onError?(e: unknown): void;
}

export class LocalLoadDriver implements LoadDriver {
  private rate = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private startedMs = 0;
  private due = 0;
  private readonly counts: LoadStats = { sent: 0, acknowledged: 0, failed: 0, throttledRetries: 0, inFlight: 0 };
  private readonly workload;

  constructor(private readonly o: LocalLoadOptions) {
    this.workload = createWorkload(o.workload, { seed: o.seed ?? 42, hotKeyShare: o.hotKeyShare ?? 0, anomalyShare: 0.01 });
  }

  /** Wall ms of the first start, undefined before it. */
  firstStartedMs: number | undefined;

  async start(spec: LoadSpec): Promise<void> {
    this.firstStartedMs ??= Date.now();
    const rate = 'profile' in spec ? peakRate(spec.profile) : spec.recordsPerSecond;
    await this.setRate(rate);
  }

  async setRate(recordsPerSecond: number): Promise<void> {
    const now = Date.now();
    // Keep what was due at the old rate; count the new rate from now.
    this.due = this.dueAt(now);
    this.startedMs = now;
    this.rate = recordsPerSecond;
    if (!this.timer) this.timer = setInterval(() => this.tick(), BATCH_INTERVAL_MS);
  }

  async stop(): Promise<LoadStats> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.due = this.dueAt(Date.now());
    this.rate = 0;
    await this.running;
    return this.stats();
  }

  /**
   * Records that were due by now but the emulator has not accepted yet. More than a couple of seconds of the
   * rate means kinesis-local cannot take the load (its PutRecords slows as shards fill): the offered rate
   * is then not what the calibrator believes.
   */
  shortfall(nowMs = Date.now()): number {
    return Math.max(0, Math.floor(this.dueAt(nowMs)) - this.counts.acknowledged);
  }

  get recordsPerSecond(): number {
    return this.rate;
  }

  stats(): LoadStats {
    return { ...this.counts };
  }

  private dueAt(nowMs: number): number {
    return this.due + ((nowMs - this.startedMs) / 1000) * this.rate;
  }

  private tick(): void {
    if (this.running) return; // the emulator is slower than the rate: the next tick sends what is due then
    const missing = Math.floor(this.dueAt(Date.now())) - this.counts.sent;
    if (missing <= 0) return;
    this.running = this.send(missing).catch((e) => this.o.onError?.(e)).finally(() => (this.running = undefined));
  }

  private async send(count: number): Promise<void> {
    for (let left = count; left > 0; left -= MAX_BATCH) {
      const records: PutRecordsRequestEntry[] = [];
      for (let i = 0; i < Math.min(left, MAX_BATCH); i++) {
        const g = this.workload.next(Date.now());
        records.push({ Data: Buffer.from(JSON.stringify(g.event)), PartitionKey: g.key });
      }
      this.counts.sent += records.length;
      this.counts.inFlight += records.length;
      const out = await this.o.client.send(new PutRecordsCommand({ StreamARN: this.o.streamArn, Records: records }));
      const failed = out.FailedRecordCount ?? 0;
      this.counts.inFlight -= records.length;
      this.counts.acknowledged += records.length - failed;
      this.counts.failed += failed;
    }
  }
}
