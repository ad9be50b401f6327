/**
 * The calibration ports over the in-process twin: the very adapters that wrap the AWS SDK clients, given
 * the twin's AWS-shaped APIs instead, plus the twin's load driver and simulated clock.
 */
import { createTwinLoadDriver, type Scenario, type Twin } from '../../simulator/twin';
import type { CalibrationPorts } from '../ports';
import { KinesisAnalyticsApplicationControl } from './application-control';
import { CloudWatchMetricsSource } from './cloudwatch-metrics';
import { KinesisStreamInfo } from './stream-info';

export function twinPorts(twin: Twin, scenario: Pick<Scenario, 'application' | 'stream'>, pollSeconds = 5): CalibrationPorts {
  return {
    control: new KinesisAnalyticsApplicationControl(twin.kinesisAnalytics, scenario.application, twin.clock, { pollSeconds }),
    metrics: new CloudWatchMetricsSource(twin.cloudWatch, { application: scenario.application, stream: scenario.stream.name }),
    stream: new KinesisStreamInfo(twin.kinesis, scenario.stream.name),
    load: createTwinLoadDriver(twin),
    clock: twin.clock,
  };
}
