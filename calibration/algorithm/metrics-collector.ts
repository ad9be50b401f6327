/**
 * Step 1 of the loop (collect): the metrics port's readings for a time window, stamped in seconds since the
 * run started, one MinuteSample per period. What the readings are made of (CloudWatch queries, a local
 * job's REST metrics) is the adapter's business.
 */
import type { MetricsSource } from '../ports';
import type { MinuteSample } from './observation';

export class MetricsCollector {
  constructor(
    private readonly source: MetricsSource,
    /** Epoch ms the run started: samples are stamped in seconds since then. */
    private readonly runStartMs: number,
  ) {}

  /** One sample per minute in [fromMs, toMs) that has any datapoint, oldest first. */
  async collect(fromMs: number, toMs: number): Promise<MinuteSample[]> {
    const periods = await this.source.read(fromMs, toMs);
    return periods
      .map((p) => ({ second: Math.round((p.startMs - this.runStartMs) / 1000), ...p }))
      .sort((a, b) => a.startMs - b.startMs);
  }
}
