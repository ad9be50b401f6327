import { twinPorts } from '../../../calibration/adapters/twin-ports';
import { parseScenario, Twin } from '../../../simulator/twin';
import { describePortContract } from './port-contract';

const scenario = parseScenario({
  name: 'contract', application: 'contract-app', stream: { name: 'contract-stream', shards: 2 },
  load: { recordBytes: 200, profile: { type: 'constant', recordsPerSecond: 500 } },
  job: { cpuMsPerRecord: 0.2, ioWaitMsPerRecord: 0.5, noise: 0 },
  initial: { parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: false },
});

describePortContract('the twin in process', () => {
  const twin = Twin.fromScenario(scenario);
  twin.advance(17);
  return { ports: twinPorts(twin, scenario), initial: scenario.initial, shards: 2 };
});
