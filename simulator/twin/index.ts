/** The digital twin of Kinesis + Managed Flink + CloudWatch (docs/twin-model.md) and its what-if model. */
export { parseScenario, loadScenario, scenarioSchema, type Scenario, type JobParameters } from './scenario';
export { Twin, type TwinOptions, type ProducerStats } from './twin';
export { createTwinLoadDriver } from './load-driver';
export {
  capacity, subtaskRate, cpuMsPerRecordShared, hotSubtaskShare, updateDowntimeSeconds, heapUtilization,
  hottestShardShare, streamFit, costPerHourUsd, requiredCapacity, assess, rightSize,
  type Capacity, type Config, type ConfigAssessment, type Sizing, type SizingVerdict, type Bottleneck, type StreamFit,
} from './model';
export { TWIN_EPOCH_MS, type SecondObservation } from './simulation';
export { runScenario, ScenarioRun, type TwinRunResult } from './run';
export { TwinServiceException, type AwsErrorName } from './aws-errors';
export { AUTOSCALE_UP_CPU, AUTOSCALE_UP_MINUTES, AUTOSCALE_DOWN_CPU, AUTOSCALE_DOWN_MINUTES } from './autoscaling-policy';
