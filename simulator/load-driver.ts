/**
 * The calibrator's LoadDriver port over the real generator and producer: start at a rate or along a
 * profile, change the rate mid-run, stop and get the books. The calibrator uses it on AWS; on the twin it
 * uses the twin's rate-level driver instead, so a calibration there does not generate millions of records.
 *
 * LoadSpec.recordBytes is not enforced: records have the workload's natural size (the stats' bytes tell
 * what was actually sent).
 */
import type { Clock } from '../core/clock';
import type { LoadDriver, LoadSpec, LoadStats } from '../core/load-driver';
import { LoadRun, type LoadResult } from './load-run';
import type { RateProfile } from '../core/rate-profile';
import type { Producer } from './producers/producer';
import { GeneratedRecords, type RecordSourceOptions } from './records';

export interface GeneratorLoadDriverOptions {
  producer: Producer;
  clock: Clock;
  records: RecordSourceOptions;
}

export class GeneratorLoadDriver implements LoadDriver {
  private run: LoadRun | undefined;
  private finished: Promise<LoadResult> | undefined;
  private readonly source: GeneratedRecords;
  private lastResult: LoadResult | undefined;

  constructor(private readonly options: GeneratorLoadDriverOptions) {
    // One source for the driver's life: a restart continues the same deterministic sequence.
    this.source = new GeneratedRecords(options.records);
  }

  async start(spec: LoadSpec): Promise<void> {
    if (this.run) throw new Error('load is already running: stop() it first');
    const profile: RateProfile = 'profile' in spec ? spec.profile : { type: 'constant', recordsPerSecond: spec.recordsPerSecond };
    if ('recordsPerSecond' in spec && !(spec.recordsPerSecond > 0)) throw new Error('recordsPerSecond must be > 0');
    this.run = new LoadRun({
      pacing: { kind: 'profile', profile, source: this.source },
      producer: this.options.producer,
      clock: this.options.clock,
    });
    this.finished = this.run.run();
  }

  async setRate(recordsPerSecond: number): Promise<void> {
    if (!this.run) throw new Error('load is not running: start() it first');
    if (!(recordsPerSecond >= 0)) throw new Error('recordsPerSecond must be >= 0');
    this.run.setRate(recordsPerSecond);
  }

  /** Stops offering, waits until the producer has delivered (or given up on) everything, returns the books. */
  async stop(): Promise<LoadStats> {
    if (this.run && this.finished) {
      this.run.stop();
      this.lastResult = await this.finished;
      this.run = undefined;
      this.finished = undefined;
    }
    return this.stats();
  }

  stats(): LoadStats {
    const s = this.options.producer.stats();
    return { sent: s.sent, acknowledged: s.acknowledged, failed: s.failed, throttledRetries: s.throttledRetries, inFlight: s.inFlight };
  }

  /** The full result of the last stopped run (durations, latencies, lag). */
  get lastRun(): LoadResult | undefined {
    return this.lastResult;
  }
}
