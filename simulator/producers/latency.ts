/**
 * Call latencies in log-spaced buckets (2% wide): percentiles in constant memory however long the run.
 */
const GROWTH = 1.02;
const MIN_MS = 0.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(3_600_000 / MIN_MS) / LOG_GROWTH) + 1;

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS + 1);
  private total = 0;

  record(ms: number): void {
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS, 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.counts[i]++;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** The q-quantile (0..1) in ms, as the upper edge of its bucket; 0 with no samples. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return i === 0 ? 0 : Number((MIN_MS * GROWTH ** i).toFixed(3));
    }
    return Number((MIN_MS * GROWTH ** BUCKETS).toFixed(3));
  }
}
