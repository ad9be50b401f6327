/**
 * The port adapters over the AWS-shaped APIs: the exact UpdateApplication request, waiting through the
 * Clock, and the shapes DescribeStreamSummary and GetMetricData are passed and read in. The same adapters
 * serve the SDK clients and the twin.
 */
import type { DescribeApplicationResponse, UpdateApplicationRequest } from '@aws-sdk/client-kinesis-analytics-v2';
import { KinesisAnalyticsApplicationControl, UnexpectedStatusError, WaitTimeoutError } from '../../../calibration/adapters/application-control';
import { KinesisStreamInfo } from '../../../calibration/adapters/stream-info';
import type { KinesisAnalyticsApi } from '../../../core/aws-api';
import type { Clock } from '../../../core/clock';

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
}

function detail(status: string, version: number): DescribeApplicationResponse {
  return {
    ApplicationDetail: {
      ApplicationName: 'taxi', ApplicationARN: 'arn:aws:kinesisanalytics:us-east-1:1:application/taxi', ApplicationStatus: status as never,
      ApplicationVersionId: version, RuntimeEnvironment: 'FLINK-1_20', ApplicationMode: 'STREAMING',
      ApplicationConfigurationDescription: { FlinkApplicationConfigurationDescription: { ParallelismConfigurationDescription: {
        ConfigurationType: 'CUSTOM', Parallelism: 4, ParallelismPerKPU: 2, AutoScalingEnabled: true, CurrentParallelism: 4,
      } } },
    } as never,
  };
}

function fakeApi(statuses: string[]): KinesisAnalyticsApi & { updates: UpdateApplicationRequest[] } {
  const updates: UpdateApplicationRequest[] = [];
  let i = 0;
  return {
    updates,
    describeApplication: async () => detail(statuses[Math.min(i++, statuses.length - 1)], 7),
    updateApplication: async (input) => {
      updates.push(input);
      return { ApplicationDetail: detail('UPDATING', 8).ApplicationDetail!, OperationId: 'op-1' };
    },
    startApplication: async () => ({}),
  };
}

describe('ApplicationControl over KinesisAnalyticsApi', () => {
  it('describes Parallelism, ParallelismPerKPU, autoscaling, status, version and runtime', async () => {
    const control = new KinesisAnalyticsApplicationControl(fakeApi(['RUNNING']), 'taxi', fakeClock());
    expect(await control.describe()).toEqual({
      name: 'taxi', arn: 'arn:aws:kinesisanalytics:us-east-1:1:application/taxi', status: 'RUNNING', versionId: 7,
      parallelism: 4, parallelismPerKpu: 2, autoScalingEnabled: true, runtime: 'FLINK-1_20',
    });
  });

  it('updates with CurrentApplicationVersionId and a CUSTOM ParallelismConfigurationUpdate', async () => {
    const api = fakeApi(['RUNNING']);
    const control = new KinesisAnalyticsApplicationControl(api, 'taxi', fakeClock());
    expect(await control.updateParallelism({ parallelism: 16, parallelismPerKpu: 8, autoScalingEnabled: false }, 7)).toEqual({ operationId: 'op-1' });
    expect(api.updates).toEqual([{
      ApplicationName: 'taxi', CurrentApplicationVersionId: 7,
      ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: {
        ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 16, ParallelismPerKPUUpdate: 8, AutoScalingEnabledUpdate: false,
      } } },
    }]);
  });

  it('waits for a status by polling DescribeApplication through the clock', async () => {
    const clock = fakeClock();
    const control = new KinesisAnalyticsApplicationControl(fakeApi(['UPDATING', 'UPDATING', 'RUNNING']), 'taxi', clock, { pollSeconds: 5 });
    expect((await control.waitForStatus('RUNNING', 600)).status).toBe('RUNNING');
    expect(clock.slept).toEqual([5000, 5000]);
  });

  it('gives up at the timeout, and at once when the application lands somewhere it cannot leave', async () => {
    const control = new KinesisAnalyticsApplicationControl(fakeApi(['UPDATING']), 'taxi', fakeClock(), { pollSeconds: 5 });
    await expect(control.waitForStatus('RUNNING', 12)).rejects.toBeInstanceOf(WaitTimeoutError);
    const stopped = new KinesisAnalyticsApplicationControl(fakeApi(['UPDATING', 'READY']), 'taxi', fakeClock());
    await expect(stopped.waitForStatus('RUNNING', 600)).rejects.toThrow(UnexpectedStatusError);
    await expect(new KinesisAnalyticsApplicationControl(fakeApi(['READY']), 'taxi', fakeClock()).waitForStatus('RUNNING', 600)).rejects.toThrow(/went to READY/);
  });
});

describe('StreamInfo over DescribeStreamSummary', () => {
  it('reads the open shard count and capacity mode', async () => {
    const info = new KinesisStreamInfo({
      describeStreamSummary: async (input) => ({
        StreamDescriptionSummary: { StreamName: input.StreamName!, StreamARN: 'arn:s', StreamStatus: 'ACTIVE', StreamModeDetails: { StreamMode: 'ON_DEMAND' }, OpenShardCount: 6 } as never,
      }),
      putRecords: async () => ({ Records: [] }),
    }, 'taxi-trips');
    expect(await info.describe()).toEqual({ streamName: 'taxi-trips', streamArn: 'arn:s', mode: 'ON_DEMAND', openShardCount: 6 });
  });
});
