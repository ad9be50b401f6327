/** Pacing: a run offers exactly what its rate, profile or replay file asks for, when it asks for it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadRun } from '../../simulator/load-run';
import { KinesisProducer } from '../../simulator/producers/kinesis-producer';
import { GeneratedRecords } from '../../simulator/records';
import { readReplay } from '../../simulator/replay';
import { RecordingProducer } from './helpers/recording-producer';
import { ScriptedKinesis } from './helpers/scripted-kinesis';
import { T0, virtualClock } from './helpers/virtual-clock';

const taxi = () => new GeneratedRecords({ workload: 'taxi', seed: 1 });

describe('a rate run', () => {
  it('offers exactly rate x duration records, evenly over every second', async () => {
    const clock = virtualClock();
    const producer = new RecordingProducer(clock);
    const run = new LoadRun({ pacing: { kind: 'profile', profile: { type: 'constant', recordsPerSecond: 1000 }, source: taxi() }, producer, clock, durationSeconds: 10 });
    const result = await run.run();
    expect(result.sent).toBe(10_000);
    expect(result.durationSeconds).toBeCloseTo(10, 1);
    for (const n of producer.perSecond(T0, 10)) expect(Math.abs(n - 1000)).toBeLessThanOrEqual(60);
    expect(result.maxReplayLagMs).toBeLessThan(60);
  });

  it('follows a ramp profile second by second', async () => {
    const clock = virtualClock();
    const producer = new RecordingProducer(clock);
    const run = new LoadRun({ pacing: { kind: 'profile', profile: { type: 'ramp', from: 0, to: 2000, seconds: 20 }, source: taxi() }, producer, clock, durationSeconds: 20 });
    const result = await run.run();
    expect(result.sent).toBe(20_000);
    const perSecond = producer.perSecond(T0, 20);
    // Second s carries ∫ from s to s+1 of 100 t dt = 100 s + 50 records.
    perSecond.forEach((n, s) => expect(Math.abs(n - (100 * s + 50))).toBeLessThanOrEqual(110));
  });

  it('changes rate mid-run without a burst or a gap', async () => {
    const clock = virtualClock();
    const producer = new RecordingProducer(clock);
    const run = new LoadRun({ pacing: { kind: 'profile', profile: { type: 'constant', recordsPerSecond: 100 }, source: taxi() }, producer, clock, durationSeconds: 10 });
    const done = run.run();
    while (clock.now() < T0 + 5000) await clock.sleep(10);
    run.setRate(1000);
    const result = await done;
    expect(Math.abs(result.sent - (500 + 5000))).toBeLessThanOrEqual(12);
  });

  it('stamps records with the time they are offered', async () => {
    const clock = virtualClock();
    const producer = new RecordingProducer(clock, true);
    await new LoadRun({ pacing: { kind: 'profile', profile: { type: 'constant', recordsPerSecond: 50 }, source: new GeneratedRecords({ workload: 'iot', seed: 1 }) }, producer, clock, durationSeconds: 2 }).run();
    producer.records.forEach((r, i) => expect(Date.parse(JSON.parse(r.data).timestamp)).toBe(producer.times[i]));
  });

  it('slows the generator down instead of buffering when the target is slow, and reports the lag', async () => {
    const clock = virtualClock();
    // 2 calls of 500 records per second at most: a tenth of the asked rate.
    const api = new ScriptedKinesis(clock, () => undefined, 1000);
    const producer = new KinesisProducer({ api, streamName: 's', clock, concurrency: 2, maxBufferedRecords: 2000 });
    let maxHeld = 0;
    const run = new LoadRun({
      pacing: { kind: 'profile', profile: { type: 'constant', recordsPerSecond: 10_000 }, source: taxi() },
      producer, clock, durationSeconds: 5, progressEveryMs: 0,
      onProgress: (p) => (maxHeld = Math.max(maxHeld, p.stats.inFlight)),
    });
    const result = await run.run();
    expect(maxHeld).toBeLessThanOrEqual(2000);
    expect(result.sent).toBe(50_000);
    expect(result.acknowledged).toBe(50_000);
    // 50,000 records at 1,000/s: the last ones go out ~45 s behind schedule.
    expect(result.maxReplayLagMs).toBeGreaterThan(40_000);
    expect(result.durationSeconds).toBeGreaterThan(45);
  });

  it('runs unpaced until the duration is over', async () => {
    const clock = virtualClock();
    const producer = new RecordingProducer(clock);
    const run = new LoadRun({ pacing: { kind: 'unpaced', source: taxi() }, producer, clock, durationSeconds: 0.5 });
    const ticker = (async () => { while (clock.now() < T0 + 600) await clock.sleep(100); })();
    const result = await run.run();
    await ticker;
    expect(result.sent).toBeGreaterThan(0);
    expect(result.acknowledged).toBe(result.sent);
  });

  it('stops when asked, and delivers what it holds', async () => {
    const clock = virtualClock();
    const api = new ScriptedKinesis(clock, () => undefined, 50);
    const producer = new KinesisProducer({ api, streamName: 's', clock });
    const run = new LoadRun({ pacing: { kind: 'profile', profile: { type: 'constant', recordsPerSecond: 2000 }, source: taxi() }, producer, clock });
    const done = run.run();
    while (clock.now() < T0 + 3000) await clock.sleep(100);
    run.stop();
    const result = await done;
    expect(result.sent).toBeGreaterThanOrEqual(5900);
    expect(result.acknowledged).toBe(result.sent);
    expect(api.accepted).toHaveLength(result.sent);
  });
});

describe('a replay run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpufit-replay-'));
  const file = join(dir, 'events.jsonl');
  const offsetsSeconds = [0, 1, 1, 3, 10, 10.5, 20];
  writeFileSync(file, offsetsSeconds.map((s, i) =>
    JSON.stringify({ device_id: `device-${i % 2}`, timestamp: new Date(Date.UTC(2020, 0, 1) + s * 1000).toISOString(), value: i })).join('\n') + '\n\nnot json\n');

  it('sends each event at its own time divided by the speedup, line for line', async () => {
    const clock = virtualClock();
    const producer = new RecordingProducer(clock, true);
    const events = readReplay({ path: file, timestampField: 'timestamp', keyField: 'device_id', partitionKey: 'entity', seed: 1 });
    const result = await new LoadRun({ pacing: { kind: 'replay', events, speedup: 10 }, producer, clock }).run();
    expect(result.sent).toBe(8);
    expect(producer.times.slice(0, 7).map((t) => t - T0)).toEqual(offsetsSeconds.map((s) => s * 100));
    // The line without a timestamp goes with its predecessor.
    expect(producer.times[7] - T0).toBe(2000);
    expect(producer.records[7].data).toBe('not json');
    expect(producer.records[0].partitionKey).toBe('device-0');
    expect(result.maxReplayLagMs).toBe(0);
  });

  it('reports how far behind schedule a slow target puts it', async () => {
    const clock = virtualClock();
    const api = new ScriptedKinesis(clock, () => undefined, 3000);
    const producer = new KinesisProducer({ api, streamName: 's', clock, concurrency: 1, maxBufferedRecords: 1, lingerMs: 0 });
    const events = readReplay({ path: file, timestampField: 'timestamp', keyField: 'device_id', partitionKey: 'entity', seed: 1 });
    const result = await new LoadRun({ pacing: { kind: 'replay', events, speedup: 1 }, producer, clock }).run();
    expect(result.acknowledged).toBe(8);
    expect(result.maxReplayLagMs).toBeGreaterThanOrEqual(3000);
  });

  it('stops at --duration', async () => {
    const clock = virtualClock();
    const producer = new RecordingProducer(clock);
    const events = readReplay({ path: file, timestampField: 'timestamp', keyField: 'device_id', partitionKey: 'entity', seed: 1 });
    const result = await new LoadRun({ pacing: { kind: 'replay', events, speedup: 1 }, producer, clock, durationSeconds: 5 }).run();
    expect(result.sent).toBe(4);
  });
});
