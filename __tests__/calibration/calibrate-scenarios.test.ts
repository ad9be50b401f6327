/**
 * End to end on the twin: every shipped scenario, calibrated through the same ports as AWS, must reach
 * the verdict and the fewest-KPU feasible configuration that docs/twin-model.md's formulas give (written out in
 * twin-md-right-size.ts, not taken from the twin's code), within the product's budgets.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../simulator/twin';
import { calibrateOnTwin } from '../../calibration/twin-calibration';
import type { CalibrationReport } from '../../calibration/report-types';
import { expectRightAnswer, shardsNeeded } from './twin-md-right-size';

const dir = join(__dirname, '..', '..', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe.each(files)('kpufit calibrate on the twin: %s', (file) => {
  const scenario = loadScenario(join(dir, file));
  let report: CalibrationReport;
  beforeAll(async () => {
    report = await calibrateOnTwin(scenario, { compareBuiltInAutoscaling: false });
  });

  it('reaches the verdict and the fewest-KPU feasible configuration of docs/twin-model.md', () => {
    expectRightAnswer(scenario, report);
  });

  it('gets there within 3 reconfigurations and 45 simulated minutes', () => {
    expect(report.reconfigurations).toBeLessThanOrEqual(3);
    expect(report.elapsedSeconds).toBeLessThanOrEqual(45 * 60);
  });

  it('verified the answer with a passing trial of exactly that configuration', () => {
    const rec = report.recommendation;
    if (!rec) return expect(report.verdict).not.toBe('recommended');
    const trial = report.trials.find((t) => t.parallelism === rec.parallelism && t.parallelismPerKpu === rec.parallelismPerKpu);
    expect(trial?.verdict).toBe('pass');
  });

  it('documents every trial: configuration, timing, lag, capacity and why', () => {
    expect(report.trials.length).toBeGreaterThanOrEqual(1);
    for (const t of report.trials) {
      expect(t.kpus).toBe(Math.ceil(t.parallelism / t.parallelismPerKpu));
      expect(t.durationSeconds).toBeGreaterThan(0);
      expect(t.reason.length).toBeGreaterThan(10);
      expect(['pass', 'fail', 'inconclusive']).toContain(t.verdict);
      expect(t.estimateMethod).toMatch(/backlog-throughput|busy-time\+cpu|none/);
    }
    expect(report.trials[0]).toMatchObject({ parallelism: scenario.initial.parallelism, parallelismPerKpu: scenario.initial.parallelismPerKpu, startSecond: 0 });
    expect(report.timeline!.length).toBeGreaterThanOrEqual(Math.floor(report.elapsedSeconds / 60) - 1);
  });

  it('measured the update downtime D = restartSeconds + stateMb / snapshotMbps (to the second)', () => {
    const D = scenario.job.restartSeconds + scenario.job.stateMb / scenario.job.snapshotMbps;
    expect(Math.abs(report.updateDowntimeSeconds! - D)).toBeLessThanOrEqual(1);
  });
});

describe('the stream-bound scenario', () => {
  it('names the shard count that accepts the peak: ceil(λ / min(1000, 1 MiB / b)) = 3', async () => {
    const s = loadScenario(join(dir, 'stream-bound.json'));
    const report = await calibrateOnTwin(s, { compareBuiltInAutoscaling: false });
    expect(shardsNeeded(s)).toBe(3);
    expect(report.streamAdvice).toEqual({ shards: 2, requiredShards: 3, cause: 'write-throughput', minimumShards: 3, shardsOnceKeySpread: 3 });
    expect(report.bottleneck).toBe('stream');
    expect(report.constraints![0]).toEqual({ kind: 'stream-write-limit', unit: 'records/s', required: 3000, limit: 2000, shards: 2, shardsNeeded: 3 });
  });
});

describe('the memory-heavy scenario', () => {
  it('is memory-bound below 5 KPUs: heap (600 + 9000 / n) / 3072 <= 0.9 needs n >= 5, and the report says so', async () => {
    const s = loadScenario(join(dir, 'memory-heavy.json'));
    const report = await calibrateOnTwin(s, { compareBuiltInAutoscaling: false });
    expect(report.recommendation!.kpus).toBe(5);
    expect(report.bottleneck).toBe('memory');
    expect(report.trials[0].reason).toMatch(/memory-bound/);
  });
});

describe('why not one KPU fewer', () => {
  it('the verifying trial says how one KPU fewer was excluded: measured, or the model\'s optimistic bound with numbers', async () => {
    const s = loadScenario(join(dir, 'taxi-io-bound.json'));
    const report = await calibrateOnTwin(s, { compareBuiltInAutoscaling: false });
    const verifying = report.trials.find((t) => t.parallelism === 16 && t.parallelismPerKpu === 8)!;
    expect(verifying.reason).toMatch(/1 KPU\(s\) excluded: tried P=1\/K=1 measured ~\d+\/s; the model's most optimistic 1-KPU configuration \(P=8, K=8\) reaches at most ~[\d,]+\/s < required 6,500\/s/);
  });
});
