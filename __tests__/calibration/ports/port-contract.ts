/**
 * The contract every set of calibration port adapters must keep, whatever world is behind them (the twin
 * in process, the SDK clients answered by AWS-shaped services, a local Flink job). Each adapter's test
 * file calls `describePortContract` with a factory for a fresh world; the calibrator may rely on exactly
 * these behaviours and nothing else.
 */
import type { CalibrationPorts } from '../../../calibration/ports';

export interface PortWorld {
  ports: CalibrationPorts;
  /** The application's configuration when the world starts. */
  initial: { parallelism: number; parallelismPerKpu: number; autoScalingEnabled: boolean };
  shards: number;
  dispose?(): void | Promise<void>;
}

export function describePortContract(name: string, makeWorld: () => PortWorld | Promise<PortWorld>, timeoutMs = 30_000): void {
  describe(`calibration ports contract: ${name}`, () => {
    let world: PortWorld;
    beforeEach(async () => {
      world = await makeWorld();
    });
    afterEach(async () => {
      await world.dispose?.();
    });

    it('ApplicationControl.describe shows the running application, its configuration and a version id', async () => {
      const app = await world.ports.control.describe();
      expect(app).toMatchObject({ status: 'RUNNING', ...world.initial });
      expect(Number.isInteger(app.versionId) && app.versionId >= 1).toBe(true);
    }, timeoutMs);

    it('updateParallelism with the current version id goes UPDATING and then RUNNING at the new configuration, one version later', async () => {
      const before = await world.ports.control.describe();
      const target = { parallelism: before.parallelism + 1, parallelismPerKpu: before.parallelismPerKpu, autoScalingEnabled: false };
      await world.ports.control.updateParallelism(target, before.versionId);
      expect((await world.ports.control.describe()).status).toBe('UPDATING');
      const after = await world.ports.control.waitForStatus('RUNNING', 1800);
      expect(after).toMatchObject({ status: 'RUNNING', ...target, versionId: before.versionId + 1 });
    }, timeoutMs);

    it('updateParallelism with a stale version id is refused with ConcurrentModificationException and changes nothing', async () => {
      const before = await world.ports.control.describe();
      const err = await world.ports.control.updateParallelism({ ...before, parallelism: before.parallelism + 1 }, before.versionId - 1).catch((e: unknown) => e);
      expect((err as Error).name).toBe('ConcurrentModificationException');
      expect(await world.ports.control.describe()).toMatchObject({ status: 'RUNNING', parallelism: before.parallelism, versionId: before.versionId });
    }, timeoutMs);

    it('StreamInfo.describe reports the open shard count', async () => {
      expect((await world.ports.stream.describe()).openShardCount).toBe(world.shards);
    }, timeoutMs);

    it('MetricsSource.read returns whole minutes in the window, oldest first, with consumption, lag and intake once load runs', async () => {
      const { ports } = world;
      const start = ports.clock.now();
      expect(await ports.metrics.read(start - 10 * 60_000, start - 9 * 60_000)).toEqual([]);
      await ports.load.start({ recordsPerSecond: 500, recordBytes: 200 });
      await ports.clock.sleep(4 * 60_000);
      const until = Math.floor(ports.clock.now() / 60_000) * 60_000;
      const periods = await ports.metrics.read(until - 3 * 60_000, until);
      expect(periods.map((p) => p.startMs)).toEqual([until - 3 * 60_000, until - 2 * 60_000, until - 60_000]);
      const last = periods[periods.length - 1];
      expect(last.consumed).toBeGreaterThan(0);
      expect(last.lagMaxMs).not.toBeNull();
      expect(last.incomingRecords).toBeGreaterThan(0);
      const stats = await ports.load.stop();
      expect(stats.sent).toBeGreaterThanOrEqual(stats.acknowledged);
      expect(stats.acknowledged).toBeGreaterThan(0);
    }, timeoutMs);
  });
}
