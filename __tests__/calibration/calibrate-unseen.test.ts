/**
 * Scenarios the calibrator was never tuned on, one per kind of job it must handle, each judged against
 * docs/twin-model.md's formulas (twin-md-right-size.ts): CPU-bound with heavy slot contention at high
 * ParallelismPerKPU, a hot key, ramp / daily / spike profiles (sized for their peak), a stream bound by a
 * hot partition key or by skewed keys, limits too small, heavy state, autoscaling left on, strong noise,
 * and an over-provisioned start.
 */
import { parseScenario } from '../../simulator/twin';
import { calibrateOnTwin } from '../../calibration/twin-calibration';
import { expectedRightSize, expectRightAnswer } from './twin-md-right-size';

const unseen: Array<[string, Record<string, unknown>]> = [
  ['CPU-bound, slot contention 0.3: one subtask per KPU wins', {
    stream: { shards: 16 }, load: { recordBytes: 300, profile: { type: 'constant', recordsPerSecond: 8000 } },
    job: { cpuMsPerRecord: 0.3, ioWaitMsPerRecord: 0.05, slotContention: 0.3 } }],
  ['I/O-bound with a 20% hot key: more subtasks stop helping', {
    stream: { shards: 8 }, load: { recordBytes: 300, profile: { type: 'constant', recordsPerSecond: 5000 } },
    job: { cpuMsPerRecord: 0.05, ioWaitMsPerRecord: 1, hotKeyShare: 0.2 } }],
  ['ramp 1000 -> 6000 records/s: sized for the end of the ramp', {
    stream: { shards: 8 }, load: { recordBytes: 400, profile: { type: 'ramp', from: 1000, to: 6000, seconds: 3600 } },
    job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 1.5 } }],
  ['daily 500..5000 records/s with state', {
    stream: { shards: 8 }, load: { recordBytes: 400, profile: { type: 'daily', min: 500, max: 5000, periodSeconds: 7200 } },
    job: { cpuMsPerRecord: 0.2, ioWaitMsPerRecord: 0.8, stateMb: 1000 } }],
  ['spike to 9000 records/s', {
    stream: { shards: 16 }, load: { recordBytes: 300, profile: { type: 'spike', base: 2000, peak: 9000, atSecond: 600, seconds: 300 } },
    job: { cpuMsPerRecord: 0.15, ioWaitMsPerRecord: 1 } }],
  ['stream-bound by a hot partition key: no shard count helps', {
    stream: { shards: 8, shardSkew: 0.5 }, load: { recordBytes: 300, profile: { type: 'constant', recordsPerSecond: 4000 } },
    job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 0.5 } }],
  ['stream-bound by skewed keys with enough shards for uniform keys', {
    stream: { shards: 4, shardSkew: 0.2 }, load: { recordBytes: 200, profile: { type: 'constant', recordsPerSecond: 3000 } },
    job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 0.5 } }],
  ['stream-bound by skewed keys while every shard is saturated (the write probe shows the skew)', {
    stream: { shards: 4, shardSkew: 0.05 }, load: { recordBytes: 100, profile: { type: 'constant', recordsPerSecond: 5600 } },
    job: { cpuMsPerRecord: 0.2, ioWaitMsPerRecord: 2 } }],
  ['infeasible within 2 KPUs', {
    stream: { shards: 4 }, load: { recordBytes: 200, profile: { type: 'constant', recordsPerSecond: 3500 } },
    job: { cpuMsPerRecord: 0.55, ioWaitMsPerRecord: 0 }, limits: { maxKpu: 2 } }],
  ['memory-bound: 20 GB of state needs 10 KPUs', {
    stream: { shards: 8 }, load: { recordBytes: 500, profile: { type: 'constant', recordsPerSecond: 2000 } },
    job: { cpuMsPerRecord: 0.2, ioWaitMsPerRecord: 0.3, stateMb: 20000 } }],
  ['memory-bound beyond the 6-KPU limit', {
    stream: { shards: 8 }, load: { recordBytes: 500, profile: { type: 'constant', recordsPerSecond: 2000 } },
    job: { cpuMsPerRecord: 0.2, ioWaitMsPerRecord: 0.3, stateMb: 20000 }, limits: { maxKpu: 6 } }],
  ['built-in autoscaling initially on', {
    stream: { shards: 8 }, load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 5200 } },
    job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2 }, initial: { parallelism: 2, parallelismPerKpu: 1, autoScalingEnabled: true } }],
  ['10% noise on capacity', {
    stream: { shards: 8 }, load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 5200 } },
    job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, noise: 0.1 } }],
  ['over-provisioned start: 8 KPUs for a 2-KPU load', {
    stream: { shards: 8 }, load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 3000 } },
    job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 1 }, initial: { parallelism: 32, parallelismPerKpu: 4 } }],
  ['slow restart with a short catch-up SLO and 70% target utilization', {
    stream: { shards: 8 }, load: { recordBytes: 600, profile: { type: 'constant', recordsPerSecond: 3000 } },
    job: { cpuMsPerRecord: 0.3, ioWaitMsPerRecord: 0.6, restartSeconds: 120, stateMb: 4000 },
    slo: { catchUpSeconds: 240, targetUtilization: 0.7 } }],
];

describe.each(unseen)('unseen scenario: %s', (name, raw) => {
  const scenario = parseScenario({ name: name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60), seed: 17, ...raw });

  it('reaches docs/twin-model.md\'s verdict and fewest-KPU feasible answer within the budgets', async () => {
    const report = await calibrateOnTwin(scenario, { compareBuiltInAutoscaling: false });
    expectRightAnswer(scenario, report);
    expect(report.reconfigurations).toBeLessThanOrEqual(4);
    expect(report.elapsedSeconds).toBeLessThanOrEqual(45 * 60);
  });
});

describe('what the unseen scenarios exercise (the expectations are not trivial)', () => {
  it('covers every verdict and both stream causes', () => {
    const verdicts = unseen.map(([, raw]) => expectedRightSize(parseScenario({ name: 'x', ...raw })));
    expect(new Set(verdicts.map((v) => v.verdict))).toEqual(new Set(['recommended', 'stream-bound', 'infeasible-within-limits']));
    expect(verdicts.some((v) => v.verdict === 'stream-bound' && v.requiredShards === null)).toBe(true);
    expect(verdicts.some((v) => v.verdict === 'stream-bound' && v.requiredShards !== null)).toBe(true);
  });
});
