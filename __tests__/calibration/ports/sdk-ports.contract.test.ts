/** The AWS adapters over the real SDK clients (aws-sdk-client-mock), answered by the twin's AWS-shaped APIs. */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeApplicationCommand, KinesisAnalyticsV2Client, UpdateApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { KinesisAnalyticsApplicationControl } from '../../../calibration/adapters/application-control';
import { CloudWatchMetricsSource } from '../../../calibration/adapters/cloudwatch-metrics';
import { createAwsApis } from '../../../calibration/adapters/sdk-clients';
import { KinesisStreamInfo } from '../../../calibration/adapters/stream-info';
import { createTwinLoadDriver, parseScenario, Twin } from '../../../simulator/twin';
import { describePortContract } from './port-contract';

const scenario = parseScenario({
  name: 'contract', application: 'contract-app', stream: { name: 'contract-stream', shards: 3 },
  load: { recordBytes: 200, profile: { type: 'constant', recordsPerSecond: 500 } },
  job: { cpuMsPerRecord: 0.2, ioWaitMsPerRecord: 0.5, noise: 0 },
  initial: { parallelism: 1, parallelismPerKpu: 1, autoScalingEnabled: false },
});

describePortContract('the AWS SDK clients', () => {
  const twin = Twin.fromScenario(scenario);
  twin.advance(17);
  const ka = mockClient(KinesisAnalyticsV2Client);
  const cw = mockClient(CloudWatchClient);
  const kinesis = mockClient(KinesisClient);
  ka.on(DescribeApplicationCommand).callsFake((i) => twin.kinesisAnalytics.describeApplication(i));
  ka.on(UpdateApplicationCommand).callsFake((i) => twin.kinesisAnalytics.updateApplication(i));
  cw.on(GetMetricDataCommand).callsFake((i) => twin.cloudWatch.getMetricData(i));
  kinesis.on(DescribeStreamSummaryCommand).callsFake((i) => twin.kinesis.describeStreamSummary(i));
  const apis = createAwsApis({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  return {
    ports: {
      control: new KinesisAnalyticsApplicationControl(apis.kinesisAnalytics, scenario.application, twin.clock, { pollSeconds: 5 }),
      metrics: new CloudWatchMetricsSource(apis.cloudWatch, { application: scenario.application, stream: scenario.stream.name }),
      stream: new KinesisStreamInfo(apis.kinesis, scenario.stream.name),
      load: createTwinLoadDriver(twin),
      clock: twin.clock,
    },
    initial: scenario.initial,
    shards: 3,
    dispose: () => { ka.restore(); cw.restore(); kinesis.restore(); },
  };
});
