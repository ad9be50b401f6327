import type { GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { CloudWatchMetricsSource, metricQueries } from '../../../calibration/adapters/cloudwatch-metrics';
import { MetricsCollector } from '../../../calibration/algorithm/metrics-collector';
import { inputFlowId } from '../../../core/metric-catalogue';
import type { CloudWatchApi } from '../../../core/aws-api';

describe('MetricsSource over CloudWatch GetMetricData', () => {
  it('asks Managed Flink and Kinesis for exactly the metrics, dimensions, statistics and 60 s periods', () => {
    const queries = metricQueries('taxi-analytics', 'taxi-trips');
    const lag = queries.find((q) => q.Id === 'lag_max')!;
    expect(lag.MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/KinesisAnalytics', MetricName: 'millisBehindLatest',
        Dimensions: [{ Name: 'Id', Value: 'taxi_trips' }, { Name: 'Application', Value: 'taxi-analytics' }, { Name: 'Flow', Value: 'Input' }],
      },
      Period: 60, Stat: 'Maximum',
    });
    expect(queries.find((q) => q.Id === 'busy_max')!.MetricStat).toMatchObject({ Stat: 'Maximum', Metric: { MetricName: 'busyTimeMsPerSecond', Dimensions: [{ Name: 'Application', Value: 'taxi-analytics' }] } });
    expect(queries.find((q) => q.Id === 'write_throttled')!.MetricStat).toMatchObject({ Stat: 'Sum', Metric: { Namespace: 'AWS/Kinesis', MetricName: 'WriteProvisionedThroughputExceeded', Dimensions: [{ Name: 'StreamName', Value: 'taxi-trips' }] } });
    expect(queries.every((q) => /^[a-z][a-z_]*$/.test(q.Id!) && q.MetricStat!.Period === 60)).toBe(true);
    expect(inputFlowId('a-b-c')).toBe('a_b_c');
  });

  it('makes one batched call per page and folds the results into one sample per minute', async () => {
    const calls: GetMetricDataCommandInput[] = [];
    const api: CloudWatchApi = {
      async getMetricData(input) {
        calls.push(input);
        if (!input.NextToken) {
          return { MetricDataResults: [{ Id: 'records_in', Timestamps: [new Date(60000), new Date(120000)], Values: [100, 200] }], NextToken: 'p2' };
        }
        return { MetricDataResults: [{ Id: 'lag_max', Timestamps: [new Date(120000)], Values: [5000] }] };
      },
    };
    const samples = await new MetricsCollector(new CloudWatchMetricsSource(api, { application: 'app', stream: 'stream' }), 0).collect(60000, 180000);
    expect(calls).toHaveLength(2);
    expect(calls[0].MetricDataQueries).toHaveLength(metricQueries('app', 'stream').length);
    expect(calls[0]).toMatchObject({ StartTime: new Date(60000), EndTime: new Date(180000), ScanBy: 'TimestampAscending' });
    expect(samples.map((s) => [s.second, s.consumed, s.lagMaxMs])).toEqual([[60, 100, null], [120, 200, 5000]]);
  });
});
