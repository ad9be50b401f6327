/**
 * One shard's FIFO of unconsumed records, held as per-second chunks (arrival second, count) so memory grows
 * with the seconds of backlog, never with the number of records. Records of one second are taken to arrive
 * evenly over that second, which gives millisBehindLatest sub-second resolution without per-record state.
 *
 * The Kinesis source fetches ahead of processing (docs/twin-model.md section 4): up to `fetchAhead` records
 * of the FIFO are already fetched into the job. A cursor marks where the fetch stands — the chunk it is in
 * and how many of that chunk's records are not fetched yet — and only ever moves forward, so keeping it
 * costs O(1) amortized per step however long the backlog is.
 */

import { KINESIS_DEFAULT_RETENTION_HOURS } from '../../core/aws-facts';

/** Below this many records a chunk counts as consumed (proportional takes leave float dust). */
const EMPTY = 1e-6;

export class ShardBacklog {
  private second = new Float64Array(16);
  private count = new Float64Array(16);
  private original = new Float64Array(16);
  private head = 0;
  private size = 0;
  /** Unconsumed records. */
  total = 0;
  /** Fetched but unconsumed records: min(total, fetchAhead) after every take. */
  private ahead = 0;
  /** The fetch cursor: chunks between the head and the chunk it stands in (size when everything is fetched). */
  private cursor = 0;
  /** Records of the cursor's chunk not fetched yet. */
  private cursorLeft = 0;

  /**
   * @param fetchAhead records the job holds fetched but unprocessed (job.fetchAheadRecords); 0 = no fetch-ahead.
   * @param retentionSeconds records older than this expire, as on Kinesis (the stream's retention period,
   *   24 h by default): a job that never catches up loses them, and a year-long run holds at most a
   *   retention period of chunks instead of one per second of the run.
   */
  constructor(readonly fetchAhead = 0, private readonly retentionSeconds = KINESIS_DEFAULT_RETENTION_HOURS * 3600) {}

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
        // New records are never fetched yet: the cursor stands in the newest chunk or re-enters it.
        if (this.cursor >= this.size - 1) {
          this.cursorLeft = this.cursor === this.size - 1 ? this.cursorLeft + records : records;
          this.cursor = this.size - 1;
        }
        return;
      }
    }
    if (this.size === this.second.length) this.grow();
    const at = (this.head + this.size) & (this.second.length - 1);
    this.second[at] = second;
    this.count[at] = records;
    this.original[at] = records;
    if (this.cursor === this.size) this.cursorLeft = records;
    this.size++;
  }

  /**
   * Drops the chunks that arrived a retention period or more before `now`, as Kinesis expires records. Their
   * fetched part leaves the job's fetch-ahead with them, and a cursor inside a dropped chunk moves to the
   * start of the next one.
   */
  private expire(now: number): void {
    const mask = this.second.length - 1;
    while (this.size > 0 && this.second[this.head] <= now - this.retentionSeconds) {
      const h = this.head;
      this.total = Math.max(0, this.total - this.count[h]);
      this.ahead = Math.max(0, this.ahead - (this.cursor > 0 ? this.count[h] : this.count[h] - this.cursorLeft));
      this.head = (h + 1) & mask;
      this.size--;
      if (this.cursor > 0) this.cursor--;
      else this.cursorLeft = this.size > 0 ? this.count[this.head] : 0;
    }
    if (this.size === 0) {
      this.total = 0;
      this.ahead = 0;
      this.cursor = 0;
      this.cursorLeft = 0;
    }
  }

  /** Consumes up to `records`, oldest first, then fetches ahead again; returns how many were taken. */
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
        if (this.cursor > 0) this.cursor--;
        else this.cursorLeft = this.size > 0 ? this.count[this.head] : 0;
      }
    }
    this.total = this.size === 0 ? 0 : Math.max(0, this.total - taken);
    if (taken > this.ahead || this.size === 0) {
      // Processing went past the fetch position (possible only with a fetch-ahead smaller than a second's
      // take): the fetch restarts from the next record to consume.
      this.ahead = 0;
      this.cursor = 0;
      this.cursorLeft = this.size > 0 ? this.count[this.head] : 0;
    } else {
      this.ahead -= taken;
    }
    this.fetch(Math.min(this.total, this.fetchAhead) - this.ahead);
    return taken;
  }

  /** Moves the fetch cursor forward by up to `records`. */
  private fetch(records: number): void {
    if (records <= EMPTY) return;
    // The common step: the cursor stays inside its chunk.
    if (records < this.cursorLeft - EMPTY) {
      this.cursorLeft -= records;
      this.ahead += records;
      return;
    }
    const mask = this.second.length - 1;
    while (records > EMPTY && this.cursor < this.size) {
      const now = Math.min(records, this.cursorLeft);
      this.cursorLeft -= now;
      this.ahead += now;
      records -= now;
      if (this.cursorLeft <= EMPTY) {
        this.cursor++;
        this.cursorLeft = this.cursor < this.size ? this.count[(this.head + this.cursor) & mask] : 0;
      }
    }
  }

  get empty(): boolean {
    return this.size === 0;
  }

  /** Chunks held: the seconds of backlog. */
  get chunks(): number {
    return this.size;
  }

  /** Records fetched into the job but not processed yet. */
  get fetchedAhead(): number {
    return this.ahead;
  }

  /**
   * Seconds between the newest record's arrival and the last record fetched: what GetRecords reports as
   * MillisBehindLatest, in seconds. 0 when the fetch has reached the tip, however many fetched records
   * still wait in the job.
   */
  behindSeconds(): number {
    const position = this.fetchPosition();
    return Number.isNaN(position) ? 0 : this.newestSecond() + 1 - position;
  }

  /** Seconds from `now` back to the arrival of the next record to fetch (GetRecords iterator age); 0 at the tip. */
  ageSeconds(now: number): number {
    const position = this.fetchPosition();
    return Number.isNaN(position) ? 0 : Math.max(0, now - position);
  }

  /** Arrival time of the next record to fetch (= just after the last one fetched); NaN when all are fetched. */
  fetchPosition(): number {
    if (this.cursor >= this.size) return NaN;
    const c = (this.head + this.cursor) & (this.second.length - 1);
    return this.second[c] + 1 - this.cursorLeft / this.original[c];
  }

  /** Arrival second of the newest chunk (meaningful only when not empty). */
  newestSecond(): number {
    return this.second[(this.head + this.size - 1) & (this.second.length - 1)];
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
