/**
 * The port contract on the local adapters: the real shaded job in a local MiniCluster, fed from kinesis-local.
 * Heavy (one JVM and one emulator per test, a stop with savepoint and restore, ~40 s of load), so opt-in:
 * KPUFIT_LOCAL_FLINK_TESTS=1 and a built jar (`npm run build:flink`). Without them the suite says why and
 * runs nothing.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JAR } from '../../../calibration/local/local-job';
import { openLocalWorld } from '../../../calibration/local/local-world';
import { cpuControllerUnavailable } from '../../../calibration/local/cpu-cgroup';
import { describePortContract } from './port-contract';

const enabled = process.env.KPUFIT_LOCAL_FLINK_TESTS === '1';
const why = !enabled ? 'set KPUFIT_LOCAL_FLINK_TESTS=1 to run it (about 6 minutes on a busy 2-core machine)'
  : !existsSync(JAR) ? `${JAR} is missing: run npm run build:flink` : null;

if (why) {
  describe('calibration ports contract: a local Flink job', () => {
    it.skip(`skipped: ${why}`, () => undefined);
  });
} else {
  const cpu = cpuControllerUnavailable() === null ? 0.5 : null;
  describePortContract('a local Flink job (kinesis-local, MiniCluster, compressed clock)', async () => {
    const world = await openLocalWorld({
      workload: 'iot', shards: 2, jobProperties: {}, kpuCpu: cpu, kpuHeapMb: 256, periodSeconds: 10,
      workDir: join(tmpdir(), `kpufit-local-contract-${process.pid}-${Date.now()}`),
      initial: { parallelism: 1, parallelismPerKpu: 1 }, hotKeyShare: 0, skipOverhead: true,
      log: () => undefined,
    });
    return {
      ports: world.ports,
      initial: { parallelism: 1, parallelismPerKpu: 1, autoScalingEnabled: false },
      shards: 2,
      dispose: () => world.dispose(),
    };
  }, 240_000);
}
