/**
 * Where the processor's metrics go: a port with two adapters. In Lambda, EMF lines on stdout (CloudWatch
 * Logs turns them into metrics; no API call on the hot path). Elsewhere (the moto integration test, a
 * local run), PutMetricData through the CloudWatch client: cloudwatch-publisher.ts. Both publish the same
 * metric sets, so what the test reads back from moto is what the Lambda emits as EMF.
 */
import { emfLine, type EmfMetric } from '../shared/emf';

/** Metrics sharing one dimension set. */
export interface MetricSet {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly metrics: readonly EmfMetric[];
}

export interface MetricPublisher {
  publish(namespace: string, timestampMs: number, sets: readonly MetricSet[], properties?: Readonly<Record<string, string>>): Promise<void>;
}

/** One EMF line per metric set, written to stdout (`writeLine`) in the Lambda. */
export function emfPublisher(writeLine: (line: string) => void): MetricPublisher {
  return {
    async publish(namespace, timestampMs, sets, properties) {
      for (const set of sets) writeLine(emfLine({ namespace, timestampMs, dimensions: set.dimensions, metrics: set.metrics, properties }));
    },
  };
}
