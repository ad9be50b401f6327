/**
 * The digital twin: one simulated Kinesis stream, one Managed Flink application and their CloudWatch
 * metrics, reachable only through AWS-shaped ports (kinesisAnalytics, cloudWatch, kinesis, clock). The
 * scenario's job parameters stay inside the simulation; nothing on these ports reveals them.
 */
import type { CloudWatchApi, KinesisAnalyticsApi, KinesisApi } from '../../core/aws-api';
import type { Clock } from '../../core/clock';
import type { RateProfile } from '../../core/rate-profile';
import { TwinCloudWatch } from './cloudwatch';
import { TwinKinesis } from './kinesis';
import { TwinKinesisAnalytics } from './kinesis-analytics';
import type { Scenario } from './scenario';
import { Simulation, type SecondObservation, type SimulationOptions } from './simulation';

export type TwinOptions = SimulationOptions;

export interface ProducerStats {
  /** Records the rate-level producer was asked to send. */
  offered: number;
  /** Records the stream accepted from it. */
  accepted: number;
  /** Rejected write attempts (each retry of a throttled record counts again, as WriteProvisionedThroughputExceeded). */
  throttled: number;
  /** Records waiting in the producer for a retry: offered = accepted + pendingRetry, nothing is dropped. */
  pendingRetry: number;
}

export class Twin {
  readonly kinesisAnalytics: KinesisAnalyticsApi;
  readonly cloudWatch: CloudWatchApi;
  readonly kinesis: KinesisApi;
  readonly clock: Clock;
  readonly #sim: Simulation;

  private constructor(sim: Simulation) {
    this.#sim = sim;
    this.kinesisAnalytics = new TwinKinesisAnalytics(sim);
    this.cloudWatch = new TwinCloudWatch(sim);
    this.kinesis = new TwinKinesis(sim);
    this.clock = {
      now: () => sim.nowMs(),
      sleep: async (ms: number) => sim.advanceMs(ms),
    };
  }

  /** RUNNING at the scenario's initial configuration (or the options'), empty backlog, no offered load. */
  static fromScenario(scenario: Scenario, options: TwinOptions = {}): Twin {
    return new Twin(new Simulation(scenario, options));
  }

  /** Simulated seconds since the start. */
  nowSeconds(): number {
    return this.#sim.second;
  }

  advance(seconds: number): void {
    this.#sim.advanceMs(seconds * 1000);
  }

  /** From now on the producer offers λ(t) = rateAt(profile, t - now); null stops new records (retries go on). */
  setOfferedLoad(profile: RateProfile | null, recordBytes: number): void {
    if (!(recordBytes >= 1 && recordBytes <= 1048576)) throw new RangeError(`recordBytes must be 1..1048576, got ${recordBytes}`);
    this.#sim.setOfferedLoad(profile, Math.round(recordBytes));
  }

  producerStats(): ProducerStats {
    return { ...this.#sim.producer };
  }

  /** What happened in the last simulated second: for `twin run` and tests, not an AWS surface. */
  lastSecond(): SecondObservation {
    return { ...this.#sim.last };
  }

  /** The stream's unconsumed records and the per-second chunks holding them (memory follows chunks). */
  backlog(): { records: number; chunks: number } {
    return { records: this.#sim.stream.backlogRecords, chunks: this.#sim.stream.backlogChunks };
  }

  /** KPU-hours billed so far ((n + 1) per running second). */
  kpuHours(): number {
    return this.#sim.billedKpuSeconds / 3600;
  }

  /** Restarts after out-of-memory failures so far. */
  fullRestarts(): number {
    return this.#sim.fullRestarts;
  }
}
