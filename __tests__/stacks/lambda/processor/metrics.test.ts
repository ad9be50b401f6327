import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudWatchPublisher } from '../../../../stacks/lambda/processor/cloudwatch-publisher';
import { emfPublisher, type MetricSet } from '../../../../stacks/lambda/processor/metrics';

const T = Date.UTC(2026, 0, 15, 8, 0, 30);
const sets: MetricSet[] = [
  { dimensions: { FunctionName: 'f', Workload: 'taxi' }, metrics: [{ name: 'RecordsProcessed', unit: 'Count', value: 3 }, { name: 'TotalAmount', unit: 'None', value: 42.5 }] },
  { dimensions: { FunctionName: 'f', Workload: 'taxi', Reason: 'NotJson' }, metrics: [{ name: 'RecordsFailedByReason', unit: 'Count', value: 1 }] },
];

describe('emfPublisher (the Lambda adapter)', () => {
  it('writes one EMF line per metric set, with the request id as a property', async () => {
    const lines: string[] = [];
    await emfPublisher((l) => lines.push(l)).publish('kpufit/Processor', T, sets, { requestId: 'r-1' });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        _aws: { Timestamp: T, CloudWatchMetrics: [{ Namespace: 'kpufit/Processor', Dimensions: [['FunctionName', 'Workload']],
          Metrics: [{ Name: 'RecordsProcessed', Unit: 'Count' }, { Name: 'TotalAmount', Unit: 'None' }] }] },
        requestId: 'r-1', FunctionName: 'f', Workload: 'taxi', RecordsProcessed: 3, TotalAmount: 42.5,
      },
      {
        _aws: { Timestamp: T, CloudWatchMetrics: [{ Namespace: 'kpufit/Processor', Dimensions: [['FunctionName', 'Workload', 'Reason']],
          Metrics: [{ Name: 'RecordsFailedByReason', Unit: 'Count' }] }] },
        requestId: 'r-1', FunctionName: 'f', Workload: 'taxi', Reason: 'NotJson', RecordsFailedByReason: 1,
      },
    ]);
  });
});

describe('cloudWatchPublisher (the PutMetricData adapter)', () => {
  it('sends the same datums, with their dimensions and the batch timestamp', async () => {
    const cw = mockClient(CloudWatchClient);
    await cloudWatchPublisher(new CloudWatchClient({ region: 'eu-west-1' })).publish('kpufit/Processor', T, sets);
    const calls = cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([{ Namespace: 'kpufit/Processor', MetricData: [
      { MetricName: 'RecordsProcessed', Unit: 'Count', Value: 3, Timestamp: new Date(T), Dimensions: [{ Name: 'FunctionName', Value: 'f' }, { Name: 'Workload', Value: 'taxi' }] },
      { MetricName: 'TotalAmount', Unit: 'None', Value: 42.5, Timestamp: new Date(T), Dimensions: [{ Name: 'FunctionName', Value: 'f' }, { Name: 'Workload', Value: 'taxi' }] },
      { MetricName: 'RecordsFailedByReason', Unit: 'Count', Value: 1, Timestamp: new Date(T),
        Dimensions: [{ Name: 'FunctionName', Value: 'f' }, { Name: 'Workload', Value: 'taxi' }, { Name: 'Reason', Value: 'NotJson' }] },
    ] }]);
    cw.restore();
  });

  it('splits more than 1000 datums into several calls', async () => {
    const cw = mockClient(CloudWatchClient);
    const many: MetricSet[] = [{ dimensions: { FunctionName: 'f' }, metrics: Array.from({ length: 1500 }, (_, i) => ({ name: `M${i}`, unit: 'Count' as const, value: i })) }];
    await cloudWatchPublisher(new CloudWatchClient({ region: 'eu-west-1' })).publish('n', T, many);
    expect(cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData?.length)).toEqual([1000, 500]);
    cw.restore();
  });
});
