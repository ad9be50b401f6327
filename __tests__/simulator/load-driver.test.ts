/** The calibrator's LoadDriver over the real generator and producer: start, change rate, stop, books. */
import { GeneratorLoadDriver } from '../../simulator/load-driver';
import { KinesisProducer } from '../../simulator/producers/kinesis-producer';
import { ScriptedKinesis } from './helpers/scripted-kinesis';
import { T0, virtualClock } from './helpers/virtual-clock';

function setup(script?: ConstructorParameters<typeof ScriptedKinesis>[1]) {
  const clock = virtualClock();
  const api = new ScriptedKinesis(clock, script, 20);
  const producer = new KinesisProducer({ api, streamName: 'taxi-trips', clock, random: () => 0.5 });
  const driver = new GeneratorLoadDriver({ producer, clock, records: { workload: 'taxi', seed: 7 } });
  const until = async (ms: number) => {
    while (clock.now() < T0 + ms) await clock.sleep(50);
  };
  return { clock, api, driver, until };
}

describe('GeneratorLoadDriver', () => {
  it('sends at the asked rate, follows setRate, and stops with everything delivered', async () => {
    const { api, driver, until } = setup();
    await driver.start({ recordsPerSecond: 1000, recordBytes: 450 });
    await until(10_000);
    expect(Math.abs(driver.stats().sent - 10_000)).toBeLessThanOrEqual(60);
    await driver.setRate(200);
    await until(20_000);
    const stats = await driver.stop();
    expect(Math.abs(stats.sent - 12_000)).toBeLessThanOrEqual(120);
    expect(stats).toMatchObject({ acknowledged: stats.sent, failed: 0, inFlight: 0 });
    expect(api.accepted).toHaveLength(stats.sent);
    expect(driver.lastRun?.durationSeconds).toBeGreaterThanOrEqual(20);
  });

  it('follows a profile', async () => {
    const { driver, until } = setup();
    await driver.start({ profile: { type: 'ramp', from: 0, to: 1000, seconds: 10 }, recordBytes: 450 });
    await until(10_000);
    const stats = await driver.stop();
    expect(Math.abs(stats.sent - 5000)).toBeLessThanOrEqual(60);
  });

  it('counts throttled retries and keeps sent = acknowledged + failed + inFlight at every moment', async () => {
    // Every other call is throttled outright.
    const { driver, until } = setup((_, call) => (call % 2 === 0 ? { throw: Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }) } : undefined));
    await driver.start({ recordsPerSecond: 2000, recordBytes: 450 });
    for (let s = 1; s <= 5; s++) {
      await until(s * 1000);
      const live = driver.stats();
      expect(live.sent).toBe(live.acknowledged + live.failed + live.inFlight);
    }
    const stats = await driver.stop();
    expect(stats.throttledRetries).toBeGreaterThan(0);
    expect(stats).toMatchObject({ acknowledged: stats.sent, failed: 0, inFlight: 0 });
  });

  it('refuses to start twice, to change the rate when stopped, and a rate <= 0', async () => {
    const { driver } = setup();
    await expect(driver.setRate(10)).rejects.toThrow(/not running/);
    await expect(driver.start({ recordsPerSecond: 0, recordBytes: 450 })).rejects.toThrow(/> 0/);
    await driver.start({ recordsPerSecond: 10, recordBytes: 450 });
    await expect(driver.start({ recordsPerSecond: 10, recordBytes: 450 })).rejects.toThrow(/already running/);
    await driver.stop();
  });
});
