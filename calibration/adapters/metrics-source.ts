/**
 * MetricsSource over CloudWatch's GetMetricData (CloudWatchApi): the SDK wrapper on AWS, the twin's
 * CloudWatch in process. Requests pass through unchanged; the collector owns their shape.
 */
import type { CloudWatchApi } from '../aws-api';
import type { MetricsSource } from '../ports';

export class CloudWatchMetricsSource implements MetricsSource {
  constructor(private readonly api: CloudWatchApi) {}

  getMetricData(input: Parameters<MetricsSource['getMetricData']>[0]): ReturnType<MetricsSource['getMetricData']> {
    return this.api.getMetricData(input);
  }
}
