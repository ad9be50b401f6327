import type { GetMetricDataCommandInput, ListMetricsCommandInput, Metric } from '@aws-sdk/client-cloudwatch';
import { CloudWatchMetricsSource, metricQueries } from '../../../calibration/adapters/cloudwatch-metrics';
import { MetricsCollector } from '../../../calibration/algorithm/metrics-collector';
import { METRICS, inputFlowId, metricDimensions } from '../../../core/metric-catalogue';
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
      listMetrics: async () => ({ Metrics: [] }),
    };
    const samples = await new MetricsCollector(new CloudWatchMetricsSource(api, { application: 'app', stream: 'stream' }), 0).collect(60000, 180000);
    expect(calls).toHaveLength(2);
    expect(calls[0].MetricDataQueries).toHaveLength(metricQueries('app', 'stream').length);
    expect(calls[0]).toMatchObject({ StartTime: new Date(60000), EndTime: new Date(180000), ScanBy: 'TimestampAscending' });
    expect(samples.map((s) => [s.second, s.consumed, s.lagMaxMs])).toEqual([[60, 100, null], [120, 200, 5000]]);
  });
});

/** A CloudWatch that lists the given series and answers GetMetricData from a table keyed by query Id. */
function fakeCloudWatch(series: Array<keyof typeof METRICS>, data: Record<string, Array<[number, number]>> = {}, log: ListMetricsCommandInput[] = []) {
  const scope = { application: 'app', stream: 'in-stream' };
  const listed: Metric[] = series.map((name) => ({
    Namespace: METRICS[name].namespace, MetricName: name,
    Dimensions: Object.entries(metricDimensions(METRICS[name], scope)).map(([Name, Value]) => ({ Name, Value })),
  }));
  const api: CloudWatchApi = {
    async getMetricData(input) {
      return {
        MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
          Id: q.Id, Label: q.MetricStat!.Metric!.MetricName,
          Timestamps: (data[q.Id!] ?? []).map(([t]) => new Date(t)), Values: (data[q.Id!] ?? []).map(([, v]) => v),
        })),
      };
    },
    async listMetrics(input) {
      log.push(input);
      return {
        Metrics: listed.filter((m) => (input.Namespace === undefined || m.Namespace === input.Namespace)
          && (input.MetricName === undefined || m.MetricName === input.MetricName)
          && (input.Dimensions ?? []).every((f) => m.Dimensions!.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)))),
      };
    },
  };
  return { api, scope };
}

describe('MetricsSource over CloudWatch: discovering the series (ListMetrics)', () => {
  it('asks ListMetrics for each series with its exact dimensions and reports those that exist as used', async () => {
    const log: ListMetricsCommandInput[] = [];
    const { api, scope } = fakeCloudWatch(['millisBehindLatest', 'numRecordsInPerSecond', 'IncomingRecords'], {}, log);
    const found = await new CloudWatchMetricsSource(api, scope).discover();
    expect(found.missing).toEqual([]);
    expect(found.notes).toEqual([]);
    expect(found.used).toEqual([
      { signal: 'lag', namespace: 'AWS/KinesisAnalytics', name: 'millisBehindLatest', dimensions: { Id: 'in_stream', Application: 'app', Flow: 'Input' } },
      { signal: 'consumption', namespace: 'AWS/KinesisAnalytics', name: 'numRecordsInPerSecond', dimensions: { Application: 'app' } },
      { signal: 'intake', namespace: 'AWS/Kinesis', name: 'IncomingRecords', dimensions: { StreamName: 'in-stream' } },
    ]);
    expect(log).toContainEqual({
      Namespace: 'AWS/KinesisAnalytics', MetricName: 'millisBehindLatest',
      Dimensions: [{ Name: 'Id', Value: 'in_stream' }, { Name: 'Application', Value: 'app' }, { Name: 'Flow', Value: 'Input' }], NextToken: undefined,
    });
  });

  it('does not count a lag series with other dimensions (the connector-style stream/shard groups) as the one it reads', async () => {
    const { api, scope } = fakeCloudWatch(['numRecordsInPerSecond']);
    const real = api.listMetrics.bind(api);
    api.listMetrics = async (input) => {
      const out = await real(input);
      if (input.MetricName === 'millisBehindLatest' || input.MetricName === undefined) {
        out.Metrics = [...(out.Metrics ?? []), { Namespace: 'AWS/KinesisAnalytics', MetricName: 'millisBehindLatest', Dimensions: [{ Name: 'Application', Value: 'app' }] }];
      }
      return out;
    };
    const found = await new CloudWatchMetricsSource(api, scope).discover();
    expect(found.missing).toEqual(['lag']);
    expect(found.found).toContainEqual({ namespace: 'AWS/KinesisAnalytics', name: 'millisBehindLatest', dimensions: { Application: 'app' } });
  });

  it('falls back to the stream iterator age for lag only when the user asserts no other consumer polls the stream', async () => {
    const { api, scope } = fakeCloudWatch(['numRecordsInPerSecond', 'GetRecords.IteratorAgeMilliseconds'], { lag_max: [[60000, 7000]] });
    const refused = await new CloudWatchMetricsSource(api, scope).discover();
    expect(refused.missing).toEqual(['lag']);
    expect(refused.notes).toEqual(['no millisBehindLatest series; GetRecords.IteratorAgeMilliseconds can stand in only when the user asserts that no other consumer polls in-stream']);

    const source = new CloudWatchMetricsSource(api, scope, { soleConsumer: true });
    const found = await source.discover();
    expect(found.missing).toEqual([]);
    expect(found.used.filter((u) => u.signal === 'lag')).toEqual([
      { signal: 'lag', namespace: 'AWS/Kinesis', name: 'GetRecords.IteratorAgeMilliseconds', dimensions: { StreamName: 'in-stream' } },
    ]);
    expect(found.notes[0]).toMatch(/lag is read from the stream's GetRecords.IteratorAgeMilliseconds because no other consumer polls in-stream/);
    const calls: GetMetricDataCommandInput[] = [];
    const get = api.getMetricData.bind(api);
    api.getMetricData = async (input) => (calls.push(input), get(input));
    const [period] = await source.read(60000, 120000);
    expect(calls[0].MetricDataQueries!.find((q) => q.Id === 'lag_max')!.MetricStat!.Metric!.MetricName).toBe('GetRecords.IteratorAgeMilliseconds');
    expect(period.lagMaxMs).toBe(7000);
  });

  it('names every series listed for the application and the stream when a required one is missing', async () => {
    const { api, scope } = fakeCloudWatch(['cpuUtilization', 'IncomingRecords']);
    const found = await new CloudWatchMetricsSource(api, scope).discover();
    expect(found.missing).toEqual(['lag', 'consumption']);
    expect(found.found).toEqual([
      { namespace: 'AWS/KinesisAnalytics', name: 'cpuUtilization', dimensions: { Application: 'app' } },
      { namespace: 'AWS/Kinesis', name: 'IncomingRecords', dimensions: { StreamName: 'in-stream' } },
    ]);
  });

  it('reads restarts as numRestarts on FLINK-2_2 and fullRestarts before', async () => {
    const name = (runtime?: string) => metricQueries('app', 's', runtime).find((q) => q.Id === 'restarts_max')!.MetricStat!.Metric!.MetricName;
    expect(name()).toBe('fullRestarts');
    expect(name('FLINK-1_20')).toBe('fullRestarts');
    expect(name('FLINK-2_2')).toBe('numRestarts');
  });
});

describe('MetricsSource over CloudWatch: millisBehindLatest -1 (the source has not reported yet)', () => {
  it('is no reading: a minute whose Maximum is -1 has no lag, never "caught up"', async () => {
    const { api, scope } = fakeCloudWatch([], { lag_max: [[0, -1]], lag_avg: [[0, -1]], lag_min: [[0, -1]], records_in: [[0, 10]] });
    const [p] = await new CloudWatchMetricsSource(api, scope).read(0, 60000);
    expect([p.lagMaxMs, p.lagAvgMs, p.lagMinMs, p.consumed]).toEqual([null, null, null, 10]);
  });

  it('drops the Minimum and the (mixed) Average of a minute with some -1 samples, keeps its real Maximum', async () => {
    const { api, scope } = fakeCloudWatch([], { lag_max: [[0, 9000]], lag_avg: [[0, 8000]], lag_min: [[0, -1]] });
    const [p] = await new CloudWatchMetricsSource(api, scope).read(0, 60000);
    expect([p.lagMaxMs, p.lagAvgMs, p.lagMinMs]).toEqual([9000, null, null]);
  });

  it('keeps a minute of real readings as they are, 0 included', async () => {
    const { api, scope } = fakeCloudWatch([], { lag_max: [[0, 300]], lag_avg: [[0, 100]], lag_min: [[0, 0]] });
    const [p] = await new CloudWatchMetricsSource(api, scope).read(0, 60000);
    expect([p.lagMaxMs, p.lagAvgMs, p.lagMinMs]).toEqual([300, 100, 0]);
  });
});
