import { emfLine } from '../../../../stacks/lambda/shared/emf';

describe('emfLine: CloudWatch Embedded Metric Format', () => {
  it('writes the _aws directive with namespace, one dimension set and the metric units, values at top level', () => {
    const line = emfLine({
      namespace: 'kpufit/Alerts', timestampMs: 1768464012345.7,
      dimensions: { FunctionName: 'kpufit-dev-alerts', Workload: 'iot' },
      metrics: [{ name: 'AlertsReceived', unit: 'Count', value: 3 }, { name: 'NotificationsPublished', unit: 'Count', value: 1 }],
    });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: 1768464012345,
        CloudWatchMetrics: [{
          Namespace: 'kpufit/Alerts',
          Dimensions: [['FunctionName', 'Workload']],
          Metrics: [{ Name: 'AlertsReceived', Unit: 'Count' }, { Name: 'NotificationsPublished', Unit: 'Count' }],
        }],
      },
      FunctionName: 'kpufit-dev-alerts', Workload: 'iot', AlertsReceived: 3, NotificationsPublished: 1,
    });
  });

  it('carries extra properties at top level without declaring them as metrics or dimensions', () => {
    const parsed = JSON.parse(emfLine({ namespace: 'n', timestampMs: 0, dimensions: { FunctionName: 'f' },
      metrics: [{ name: 'X', unit: 'Count', value: 1 }], properties: { requestId: 'req-1' } }));
    expect(parsed.requestId).toBe('req-1');
    expect(parsed._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'n', Dimensions: [['FunctionName']], Metrics: [{ Name: 'X', Unit: 'Count' }] });
  });

  it('refuses a metric that would overwrite a dimension value', () => {
    expect(() => emfLine({ namespace: 'n', timestampMs: 0, dimensions: { Workload: 'iot' },
      metrics: [{ name: 'Workload', unit: 'Count', value: 1 }] })).toThrow('EMF: Workload is used twice');
  });

  it('refuses values CloudWatch cannot store and empty metric lists', () => {
    expect(() => emfLine({ namespace: 'n', timestampMs: 0, dimensions: {},
      metrics: [{ name: 'X', unit: 'Count', value: Number.NaN }] })).toThrow('EMF: X is not a finite number');
    expect(() => emfLine({ namespace: 'n', timestampMs: 0, dimensions: {}, metrics: [] })).toThrow('EMF: 1..100 metrics');
  });

  it('refuses more than 30 dimensions', () => {
    const dimensions = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`D${i}`, 'v']));
    expect(() => emfLine({ namespace: 'n', timestampMs: 0, dimensions, metrics: [{ name: 'X', unit: 'Count', value: 1 }] }))
      .toThrow('EMF: more than 30 dimensions');
  });
});
