/** A producer that acknowledges on offer and remembers when each record came: for pacing tests. */
import type { Clock } from '../../../core/clock';
import type { Producer, ProducerStats } from '../../../simulator/producers/producer';
import type { OutRecord } from '../../../simulator/records';

export class RecordingProducer implements Producer {
  readonly times: number[] = [];
  readonly records: OutRecord[] = [];
  ticks = 0;
  readonly fatalError = undefined;

  constructor(private readonly clock: Clock, private readonly keep = false) {}

  offer(record: OutRecord): boolean {
    this.times.push(this.clock.now());
    if (this.keep) this.records.push(record);
    return true;
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  tick(): void {
    this.ticks++;
  }
  async drain(): Promise<void> {}
  async abort(): Promise<void> {}
  stats(): ProducerStats {
    const n = this.times.length;
    return { sent: n, acknowledged: n, failed: 0, inFlight: 0, throttledRetries: 0, retries: 0, bytesAcknowledged: 0, putCalls: 0, p50PutMs: 0, p99PutMs: 0 };
  }

  /** Records offered in each whole second since `start`. */
  perSecond(start: number, seconds: number): number[] {
    const counts = new Array<number>(seconds).fill(0);
    for (const t of this.times) {
      const s = Math.floor((t - start) / 1000);
      if (s >= 0 && s < seconds) counts[s]++;
    }
    return counts;
  }
}
