/**
 * The MetricPublisher as PutMetricData calls, for where EMF has no log pipeline to ride on (the moto
 * integration test, a local run). Not bundled into the Lambda: handler.ts uses the EMF adapter.
 */
import { type CloudWatchClient, PutMetricDataCommand, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { MetricPublisher } from './metrics';

/** PutMetricData takes at most 1000 datums per call. */
const MAX_DATUMS = 1000;

export function cloudWatchPublisher(client: Pick<CloudWatchClient, 'send'>): MetricPublisher {
  return {
    async publish(namespace, timestampMs, sets) {
      const data = sets.flatMap((set) => set.metrics.map((m) => ({
        MetricName: m.name,
        Unit: m.unit as StandardUnit,
        Value: m.value,
        Timestamp: new Date(timestampMs),
        Dimensions: Object.entries(set.dimensions).map(([Name, Value]) => ({ Name, Value })),
      })));
      for (let i = 0; i < data.length; i += MAX_DATUMS) {
        await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(i, i + MAX_DATUMS) }));
      }
    },
  };
}
