/**
 * Every example scenario in scenarios/ loads, sizes and runs; and whatever the ports return never shows
 * the job parameters the calibrator must find out for itself.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTwinLoadDriver, loadScenario, rightSize, runScenario, Twin } from '../../../simulator/twin';
import { query } from './fixtures';

const dir = join(__dirname, '../../../scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('example scenarios', () => {
  it('are all here', () => {
    expect(files).toEqual([
      'clickstream-hot-key.json', 'iot-cpu-bound.json', 'memory-heavy.json', 'slow-restart.json', 'stream-bound.json', 'taxi-io-bound.json',
    ]);
  });

  it.each(files)('%s loads, sizes and runs for 30 minutes at its right size', (file) => {
    const s = loadScenario(join(dir, file));
    const sizing = rightSize(s);
    if (file === 'stream-bound.json') {
      expect(sizing.verdict).toBe('stream-bound');
      expect(sizing.streamAdvice.requiredShards).toBe(3);
      const run = runScenario(s, { ...s.initial, durationSeconds: 600 });
      expect(run.acceptedPeakRecordsPerSecond).toBeCloseTo(2000, 6);
      expect(run.producerPendingRetry).toBeCloseTo(600 * 1000, 3);
      return;
    }
    expect(sizing.verdict).toBe('recommended');
    const best = sizing.rightSize!;
    const run = runScenario(s, { parallelism: best.parallelism, parallelismPerKpu: best.parallelismPerKpu, durationSeconds: 1800 });
    expect(run).toMatchObject({ scenario: s.name, kpus: best.kpus, feasible: true, fullRestarts: 0 });
    expect(run.capacityRecordsPerSecond).toBe(best.capacityRecordsPerSecond);
    expect(run.maxLagMs).toBeLessThan(s.slo.maxLagMs);
    expect(run.finalLagMs).toBeLessThan(2000);
    // One KPU fewer is never feasible: the right size is the smallest.
    expect(sizing.configurations.filter((c) => c.kpus < best.kpus && c.feasible)).toEqual([]);
  });

  it('memory-heavy needs KPUs for its heap, not its load: OOM loops below 4 KPUs', () => {
    const s = loadScenario(join(dir, 'memory-heavy.json'));
    expect(runScenario(s, { parallelism: 2, parallelismPerKpu: 1, durationSeconds: 1800 }).fullRestarts).toBeGreaterThan(0);
    expect(rightSize(s).rightSize!.kpus).toBe(5); // (600 + 9000 / n) / 3072 <= 0.9
  });

  it('clickstream-hot-key is bound by its hot key', () => {
    expect(rightSize(loadScenario(join(dir, 'clickstream-hot-key.json'))).rightSize!.bottleneck).toBe('hot-key');
  });
});

describe('the ports never show the job parameters', () => {
  it('keeps cpuMsPerRecord, ioWaitMsPerRecord, stateMb, restartSeconds... out of every response and object', async () => {
    const s = loadScenario(join(dir, 'taxi-io-bound.json'));
    const distinctive = { cpuMsPerRecord: 0.1234567, ioWaitMsPerRecord: 1.9876543, stateMb: 4321.5, restartSeconds: 31.25, snapshotMbps: 47.5, baseHeapMb: 611.5, slotContention: 0.0311, hotKeyShare: 0.0123 };
    const twin = Twin.fromScenario({ ...s, job: { ...s.job, ...distinctive } });
    const driver = createTwinLoadDriver(twin);
    await driver.start({ recordsPerSecond: 5000, recordBytes: 450 });
    await twin.clock.sleep(600000);
    const seen = JSON.stringify([
      twin, twin.kinesisAnalytics, twin.cloudWatch, twin.kinesis, twin.clock, driver, driver.stats(),
      Object.keys(twin), Object.getOwnPropertyNames(twin.kinesisAnalytics), Object.getOwnPropertyNames(twin.cloudWatch),
      await twin.kinesisAnalytics.describeApplication({ ApplicationName: s.application }),
      await twin.kinesisAnalytics.listApplicationOperations!({ ApplicationName: s.application }),
      await twin.kinesis.describeStreamSummary({ StreamName: s.stream.name }),
      await twin.cloudWatch.getMetricData({
        StartTime: new Date(0), EndTime: new Date(twin.clock.now()),
        MetricDataQueries: [query('h', 'AWS/KinesisAnalytics', 'heapMemoryUtilization', [{ Name: 'Application', Value: s.application }], 'Maximum')],
      }),
    ]);
    for (const value of Object.values(distinctive)) expect(seen).not.toContain(String(value));
    expect(seen).not.toMatch(/cpuMsPerRecord|ioWaitMsPerRecord|stateMb|slotContention|hotKeyShare|scenario/);
  });
});
