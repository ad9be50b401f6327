/**
 * One load run: paces records into a producer along a rate profile, a replay file's own timestamps, or
 * as fast as the producer takes them, for a duration or until stopped; then drains the producer and
 * reports. All waiting goes through the Clock, so the same run paces real Kinesis in wall time and the
 * twin in simulated time.
 */
import type { Clock } from '../core/clock';
import type { RateProfile } from '../core/rate-profile';
import type { Producer, ProducerStats } from './producers/producer';
import type { RecordSource } from './records';
import type { ReplayEvent } from './replay';
import { RateSchedule } from './schedule';

/**
 * The most records per second one load process may be asked for. One Node.js process generates and
 * batches at most a few hundred thousand records/s; a higher --rate could only be "met" by falling behind
 * schedule for the whole run. For more, run several `kpufit load` processes.
 */
export const MAX_RECORDS_PER_SECOND = 1_000_000;

export type Pacing =
  | { kind: 'profile'; profile: RateProfile; source: RecordSource }
  | { kind: 'replay'; events: AsyncIterable<ReplayEvent>; speedup: number }
  | { kind: 'unpaced'; source: RecordSource };

export interface LoadProgress {
  elapsedSeconds: number;
  /** Offered records/s since the previous report. */
  recordsPerSecond: number;
  stats: ProducerStats;
  /** How far behind schedule the producer is now (ms). */
  lagMs: number;
}

export interface LoadRunOptions {
  pacing: Pacing;
  producer: Producer;
  clock: Clock;
  /** Stop offering after this many (clock) seconds; without it the run ends with stop() or the replay file. */
  durationSeconds?: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Wall-clock ms between progress reports. Default 250. */
  progressEveryMs?: number;
}

export interface LoadResult extends ProducerStats {
  durationSeconds: number;
  /** Acknowledged records per second of the run. */
  recordsPerSecond: number;
  bytesPerSecond: number;
  /** Worst lag behind schedule: replay lag for --replay, schedule lag for rates and profiles. */
  maxReplayLagMs: number;
  /**
   * Records the rate or profile scheduled up to the end of the run (--duration, or when it stopped), and
   * how many of them the producer could not be given on schedule: the run ends at its duration in
   * wall-clock time instead of sending the backlog late. Null for replay and unpaced runs.
   */
  planned: number | null;
  scheduleShortfall: number | null;
  aborted: boolean;
  fatalError?: Error;
}

/** Records generated between yields to the event loop when behind schedule (keeps Ctrl-C responsive). */
const CHUNK = 2048;
/** Pacer sleeps: short enough for smooth pacing, long enough not to spin. */
const MIN_SLEEP_MS = 2;
const MAX_SLEEP_MS = 50;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class LoadRun {
  private readonly clock: Clock;
  private readonly producer: Producer;
  private schedule: RateSchedule | undefined;
  private startMs = 0;
  private offered = 0;
  private maxLagMs = 0;
  private lagMs = 0;
  private stopping = false;
  private aborting = false;
  private lastProgressWall = 0;
  private lastProgressOffered = 0;
  private lastProgressClock = 0;

  constructor(private readonly options: LoadRunOptions) {
    this.clock = options.clock;
    this.producer = options.producer;
    if (options.pacing.kind === 'profile') this.schedule = new RateSchedule(options.pacing.profile);
  }

  async run(): Promise<LoadResult> {
    this.startMs = this.clock.now();
    this.lastProgressClock = this.startMs;
    const pacing = this.options.pacing;
    if (pacing.kind === 'replay') await this.replay(pacing.events, pacing.speedup);
    else await this.paced(pacing.source);
    if (this.aborting) await this.producer.abort();
    else await this.producer.drain();
    const end = this.clock.now();
    this.report(true);
    return this.result(end);
  }

  /** Follow a constant rate from now on (LoadDriver.setRate); only for rate and profile runs. */
  setRate(recordsPerSecond: number): void {
    if (!this.schedule) throw new Error('setRate needs a rate or profile run');
    this.schedule.switchTo({ type: 'constant', recordsPerSecond }, this.elapsedSeconds());
  }

  /** End the run: stop offering, let the producer deliver what it holds. */
  stop(): void {
    this.stopping = true;
  }

  /** Ctrl-C: stop offering and give up on what is not yet acknowledged. */
  abort(): void {
    this.aborting = true;
    this.stopping = true;
    void this.producer.abort();
  }

  private elapsedSeconds(now = this.clock.now()): number {
    return (now - this.startMs) / 1000;
  }

  private shouldEnd(elapsed: number): boolean {
    return this.stopping || this.producer.fatalError !== undefined || elapsed >= (this.options.durationSeconds ?? Infinity);
  }

  private async paced(source: RecordSource): Promise<void> {
    const end = this.options.durationSeconds ?? Infinity;
    const producer = this.producer;
    for (;;) {
      if (this.stopping || producer.fatalError) return;
      const now = this.clock.now();
      const elapsed = this.elapsedSeconds(now);
      const t = Math.min(elapsed, end);
      // The epsilon keeps a float integral of exactly N from coming out as N - 1e-12.
      const due = this.schedule ? Math.floor(this.schedule.dueBy(t) + 1e-6) : Infinity;
      const target = Math.min(due, this.offered + CHUNK);
      let room = true;
      while (room && this.offered < target && !this.stopping) {
        this.offered++;
        room = producer.offer(source.next(now));
        // A microtask turn lets finished calls settle, so acknowledged records die young (cheap GC).
        if ((this.offered & 511) === 0) await Promise.resolve();
      }
      this.trackLag(due, elapsed);
      this.report(false);
      if (!room) {
        await producer.ready();
        continue;
      }
      if (this.offered < due) {
        // Behind schedule (or unpaced): keep going, but let I/O, timers and Ctrl-C in between chunks. The
        // duration is wall-clock: at its end the run stops, and what was not sent on time is the shortfall.
        if (elapsed >= end) return;
        await yieldToEventLoop();
        continue;
      }
      if (elapsed >= end) return;
      producer.tick(now);
      const rate = this.schedule?.rateAt(t) ?? 0;
      const untilNext = rate > 0 ? 1000 / rate : MAX_SLEEP_MS;
      const untilEnd = (end - elapsed) * 1000;
      await this.clock.sleep(Math.min(Math.max(MIN_SLEEP_MS, Math.min(untilNext, MAX_SLEEP_MS)), untilEnd));
    }
  }

  /** Lag = how long ago the next record to send fell due (0 when caught up). */
  private trackLag(due: number, elapsed: number): void {
    if (!this.schedule) return;
    this.lagMs = this.offered < due ? Math.max(0, elapsed - this.schedule.secondDue(this.offered + 1, elapsed)) * 1000 : 0;
    if (this.lagMs > this.maxLagMs) this.maxLagMs = this.lagMs;
  }

  private async replay(events: AsyncIterable<ReplayEvent>, speedup: number): Promise<void> {
    const end = this.options.durationSeconds ?? Infinity;
    const producer = this.producer;
    let firstEventMs: number | undefined;
    let dueMs = this.startMs;
    let sinceYield = 0;
    for await (const event of events) {
      if (this.shouldEnd(this.elapsedSeconds())) break;
      if (event.eventTimeMs !== undefined) {
        firstEventMs ??= event.eventTimeMs;
        // Out-of-order events keep their own time: they are simply late.
        dueMs = this.startMs + (event.eventTimeMs - firstEventMs) / speedup;
      }
      let now = this.clock.now();
      while (dueMs > now && !this.stopping) {
        producer.tick(now);
        // Sleep in slices so stop(), Ctrl-C and --duration stay responsive across long gaps.
        const endMs = this.startMs + end * 1000;
        if (now >= endMs) break;
        await this.clock.sleep(Math.min(dueMs - now, 250, Math.max(endMs - now, 1)));
        now = this.clock.now();
        sinceYield = 0;
      }
      if (this.shouldEnd(this.elapsedSeconds(now))) break;
      this.lagMs = Math.max(0, now - dueMs);
      if (this.lagMs > this.maxLagMs) this.maxLagMs = this.lagMs;
      this.offered++;
      if (!producer.offer({ data: event.data, partitionKey: event.partitionKey })) await producer.ready();
      if (++sinceYield >= CHUNK) {
        sinceYield = 0;
        this.report(false);
        await yieldToEventLoop();
      }
    }
  }

  private report(final: boolean): void {
    if (!this.options.onProgress) return;
    const wall = Date.now();
    if (!final && wall - this.lastProgressWall < (this.options.progressEveryMs ?? 250)) return;
    const now = this.clock.now();
    const dt = (now - this.lastProgressClock) / 1000;
    const progress: LoadProgress = {
      elapsedSeconds: this.elapsedSeconds(now),
      recordsPerSecond: dt > 0 ? (this.offered - this.lastProgressOffered) / dt : 0,
      stats: this.producer.stats(),
      lagMs: this.lagMs,
    };
    this.lastProgressWall = wall;
    this.lastProgressClock = now;
    this.lastProgressOffered = this.offered;
    this.options.onProgress(progress);
  }

  private result(endMs: number): LoadResult {
    const stats = this.producer.stats();
    const durationSeconds = Math.max(0, (endMs - this.startMs) / 1000);
    const pacing = this.options.pacing;
    const plannedUntil = Math.min(durationSeconds, this.options.durationSeconds ?? Infinity);
    const planned = pacing.kind === 'profile' && this.schedule ? Math.floor(this.schedule.dueBy(plannedUntil) + 1e-6) : null;
    return {
      ...stats,
      durationSeconds,
      recordsPerSecond: durationSeconds > 0 ? stats.acknowledged / durationSeconds : 0,
      bytesPerSecond: durationSeconds > 0 ? stats.bytesAcknowledged / durationSeconds : 0,
      maxReplayLagMs: Math.round(this.maxLagMs),
      planned,
      scheduleShortfall: planned === null ? null : Math.max(0, planned - this.offered),
      aborted: this.aborting,
      fatalError: this.producer.fatalError,
    };
  }
}
