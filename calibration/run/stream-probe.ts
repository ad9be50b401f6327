/**
 * The write probe before the first trial: above the shards' uniform write capacity every shard saturates and
 * key skew hides, so the run first writes just below it and reads what the stream accepted.
 */
import type { Clock } from '../ports';
import type { MetricsCollector } from '../algorithm/metrics-collector';
import type { StreamProbe } from '../algorithm/stream-advice';

/** Two minutes at the probe rate; the last whole minute's accepted records (IncomingRecords). */
export async function probeStream(collector: MetricsCollector, clock: Clock, rate: number, metricsDelaySeconds: number): Promise<StreamProbe | undefined> {
  const start = clock.now();
  await clock.sleep((Math.floor(start / 60000) + 2) * 60000 + metricsDelaySeconds * 1000 - start);
  const to = Math.floor((clock.now() - metricsDelaySeconds * 1000) / 60000) * 60000;
  const [minute] = (await collector.collect(to - 60000, to)).slice(-1);
  if (!minute || minute.incomingRecords === null) return undefined;
  return { offeredRecordsPerSecond: rate, acceptedRecordsPerSecond: minute.incomingRecords / 60 };
}

