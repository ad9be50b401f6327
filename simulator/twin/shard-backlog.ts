/**
 * One shard's FIFO of unconsumed records, held as per-second chunks (arrival second, count) so memory grows
 * with the seconds of backlog, never with the number of records. Records of one second are taken to arrive
 * evenly over that second, which gives millisBehindLatest sub-second resolution without per-record state.
 */

import { KINESIS_DEFAULT_RETENTION_HOURS } from '../../core/aws-facts';

/** Below this many records a chunk counts as consumed (proportional takes leave float dust). */
const EMPTY = 1e-6;

export class ShardBacklog {
  /**
   * @param retentionSeconds records older than this expire, as on Kinesis (the stream's retention period,
   *   24 h by default): a job that never catches up loses them, and a year-long run holds at most a
   *   retention period of chunks instead of one per second of the run.
   */
  constructor(private readonly retentionSeconds = KINESIS_DEFAULT_RETENTION_HOURS * 3600) {}

  private second = new Float64Array(16);
  private count = new Float64Array(16);
  private original = new Float64Array(16);
  private head = 0;
  private size = 0;
  /** Unconsumed records. */
  total = 0;

  /** Adds records that arrived during `second` (appends to the newest chunk when it is the same second). */
  add(second: number, records: number): void {
    if (records <= 0) return;
    this.expire(second);
    this.total += records;
    if (this.size > 0) {
      const tail = (this.head + this.size - 1) & (this.second.length - 1);
      if (this.second[tail] === second) {
        this.count[tail] += records;
        this.original[tail] += records;
        return;
      }
    }
    if (this.size === this.second.length) this.grow();
    const at = (this.head + this.size) & (this.second.length - 1);
    this.second[at] = second;
    this.count[at] = records;
    this.original[at] = records;
    this.size++;
  }

  /** Drops the chunks that arrived a retention period or more before `now`. */
  private expire(now: number): void {
    const mask = this.second.length - 1;
    while (this.size > 0 && this.second[this.head] <= now - this.retentionSeconds) {
      this.total = Math.max(0, this.total - this.count[this.head]);
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    if (this.size === 0) this.total = 0;
  }

  /** Consumes up to `records`, oldest first; returns how many were taken. */
  take(records: number): number {
    let taken = 0;
    const mask = this.second.length - 1;
    while (taken < records && this.size > 0) {
      const h = this.head;
      const now = Math.min(records - taken, this.count[h]);
      this.count[h] -= now;
      taken += now;
      if (this.count[h] <= EMPTY) {
        this.head = (h + 1) & mask;
        this.size--;
      }
    }
    this.total = this.size === 0 ? 0 : Math.max(0, this.total - taken);
    return taken;
  }

  get empty(): boolean {
    return this.size === 0;
  }

  /** Chunks held: the seconds of backlog. */
  get chunks(): number {
    return this.size;
  }

  /**
   * Seconds between the newest record's arrival and the next record to consume (= the last one consumed):
   * what GetRecords reports as MillisBehindLatest, in seconds. 0 when drained.
   */
  behindSeconds(): number {
    if (this.size === 0) return 0;
    const h = this.head;
    const tail = (h + this.size - 1) & (this.second.length - 1);
    const position = this.second[h] + 1 - this.count[h] / this.original[h];
    return this.second[tail] + 1 - position;
  }

  /** Seconds from `now` back to the arrival of the next record to consume (GetRecords iterator age). */
  ageSeconds(now: number): number {
    if (this.size === 0) return 0;
    const h = this.head;
    return Math.max(0, now - (this.second[h] + 1 - this.count[h] / this.original[h]));
  }

  private grow(): void {
    const n = this.second.length;
    const reorder = (a: Float64Array) => {
      const b = new Float64Array(n * 2);
      for (let i = 0; i < this.size; i++) b[i] = a[(this.head + i) & (n - 1)];
      return b;
    };
    this.second = reorder(this.second);
    this.count = reorder(this.count);
    this.original = reorder(this.original);
    this.head = 0;
  }
}
