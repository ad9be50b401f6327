import { assessTrial, configurationsWith, decide, type DecisionInput } from '../../../calibration/algorithm/decision';
import { fitModel } from '../../../calibration/algorithm/model-fitter';
import { algorithmOptions } from '../../../calibration/algorithm/options';
import { capacity } from '../../../calibration/algorithm/capacity-model';
import { streamReadLimit } from '../../../core/aws-facts';
import { evaluateTrial } from '../../../calibration/algorithm/trial-evaluator';
import { estimateOf, minute, observe, type FakeJob } from './samples';

const slo = { maxLagMs: 60000, catchUpSeconds: 600, targetUtilization: 0.8, maxHeapUtilization: 0.9 };
const options = algorithmOptions();
const taxi: FakeJob = { cpu: 0.1, w: 2, gamma: 0.02, h: 0, baseHeapMb: 600, stateMb: 500, downtimeSeconds: 40 };
const input = (observations: DecisionInput['observations'], extra: Partial<DecisionInput> = {}): DecisionInput => ({
  observations, peak: 5200, recordBytes: 400, shards: 8, slo, limits: { maxKpu: 64, maxParallelism: 256 }, options, ...extra,
});

describe('decision', () => {
  it('enumerates every (P, k) with exactly n KPUs', () => {
    const two = configurationsWith(2, { maxKpu: 64, maxParallelism: 256 });
    expect(two).toContainEqual({ parallelism: 16, parallelismPerKpu: 8 });
    expect(two).toContainEqual({ parallelism: 2, parallelismPerKpu: 1 });
    expect(two.every((c) => Math.ceil(c.parallelism / c.parallelismPerKpu) === 2)).toBe(true);
    expect(configurationsWith(2, { maxKpu: 64, maxParallelism: 10 }).every((c) => c.parallelism <= 10)).toBe(true);
  });

  it('after the first trial, tries the fewest KPUs the model expects to suffice, at their largest capacity', () => {
    const d = decide(input([observe(taxi, 1, 1, 5200)]));
    expect(d.kind).toBe('trial');
    if (d.kind !== 'trial') return;
    expect(d.config).toMatchObject({ parallelism: 16, parallelismPerKpu: 8, kpus: 2 });
    expect(d.purpose).toMatch(/fewest KPUs/);
  });

  it('answers once the candidate passed and the model excludes one KPU fewer', () => {
    const d = decide(input([observe(taxi, 1, 1, 5200), observe(taxi, 16, 8, 5200, { update: true })]));
    expect(d.kind).toBe('done');
    if (d.kind !== 'done') return;
    expect(d.verdict).toBe('recommended');
    expect(d.recommendation).toMatchObject({ parallelism: 16, parallelismPerKpu: 8, kpus: 2 });
    expect(d.explanation).toMatch(/1 KPU\(s\) excluded: tried P=1\/K=1 measured ~476\/s; the model's most optimistic 1-KPU configuration/);
    expect(d.fewerExcluded).toMatch(/^1 KPU\(s\) excluded/);
  });

  it('never tries again a layout already tried: P=1 with any K is the one subtask P=1 K=1 ran', () => {
    // P=1 keeps up with 400/s at ~476/s, short of the 500/s required, but not by a clear margin; with at most
    // one subtask nothing else is left to try.
    const d = decide(input([observe(taxi, 1, 1, 400)], { peak: 400, limits: { maxKpu: 1, maxParallelism: 1 } }));
    expect(d.kind).toBe('done');
    if (d.kind !== 'done') return;
    expect(d.verdict).toBe('infeasible-within-limits');
  });

  it('verifies one KPU fewer when the model cannot exclude it', () => {
    // γ unmeasured (k = 8 only): 1 KPU at k = 8 might just suffice for a lower peak.
    const d = decide(input([observe(taxi, 16, 8, 3000, { update: true })], { peak: 3000 }));
    expect(d.kind).toBe('trial');
    if (d.kind !== 'trial') return;
    expect(d.config.kpus).toBe(1);
    expect(d.purpose).toMatch(/do not suffice|expects 1 KPU/);
  });

  it('says infeasible-within-limits when even the most capable configuration is short', () => {
    const cpuBound: FakeJob = { ...taxi, cpu: 0.55, w: 0 };
    const d = decide(input([observe(cpuBound, 1, 1, 3500, { update: true })], { peak: 3500, limits: { maxKpu: 2, maxParallelism: 256 } }));
    expect(d.kind).toBe('done');
    if (d.kind !== 'done') return;
    expect(d.verdict).toBe('infeasible-within-limits');
    expect(d.recommendation).toBeNull();
    expect(d.explanation).toMatch(/most capable configuration within the limits/);
  });

  it('a trial fails on memory before capacity: out-of-memory restarts or heap over the SLO', () => {
    const heavy: FakeJob = { ...taxi, stateMb: 9000 };
    const obs = observe(heavy, 1, 1, 200);
    const a = assessTrial(obs, fitModel([obs], options), { peak: 200, slo, options });
    expect(a).toMatchObject({ verdict: 'fail', memoryBound: true });
    expect(a.reason).toMatch(/memory-bound/);
  });

  it('a capacity within the noise of the requirement is inconclusive mid-trial and a failure at its end', () => {
    // A peak of 0.8 μ(16, 8) needs exactly the capacity 16/8 has.
    const obs = observe(taxi, 16, 8, 6000, { update: true });
    const fit = fitModel([obs], options);
    const peak = capacity(estimateOf(taxi), 16, 8, streamReadLimit(8, 400)).recordsPerSecond * 0.8;
    expect(assessTrial(obs, fit, { peak, slo, options }, false).verdict).toBe('inconclusive');
    expect(assessTrial(obs, fit, { peak, slo, options }, true).verdict).toBe('fail');
  });

  it('never prints a capacity and a requirement alike when they differ (~7,569/s vs required 7,569/s)', () => {
    const obs = observe(taxi, 16, 8, 6000, { update: true });
    const fit = fitModel([obs], options);
    const mu = capacity(estimateOf(taxi), 16, 8, streamReadLimit(8, 400)).recordsPerSecond;
    for (const delta of [0.1, 0.3, -0.1, -0.3]) {
      // Required = 1.25 peak (utilization 0.8 dominates the catch-up after 40 s): a hair above or below μ.
      const peak = (mu + delta) * 0.8;
      for (const final of [false, true]) {
        const a = assessTrial(obs, fit, { peak, slo, options }, final);
        const [, shown, needed] = /~([\d,.]+)\/s.*required ([\d,.]+)\/s/.exec(a.reason) ?? [];
        expect([delta, final, a.reason, shown === needed]).toEqual([delta, final, a.reason, a.capacity === (mu + delta)]);
      }
    }
  });

  it('fails a configuration 2% short of the peak while its lag reads 0 (the backlog hides in the fetch-ahead)', () => {
    // Even with no headroom asked for (utilization 1, an hour to catch up), 8/4 cannot carry 1.02 μ.
    const mu = capacity(estimateOf(taxi), 8, 4, streamReadLimit(8, 400)).recordsPerSecond;
    const peak = 1.02 * mu;
    const samples = [0, 1, 2, 3].map((i) => ({ ...minute(taxi, 8, 4, i, mu, false), incomingRecords: peak * 60 }));
    const obs = evaluateTrial(samples, {
      parallelism: 8, parallelismPerKpu: 4, kpus: 2, offeredRecordsPerSecond: peak, recordBytes: 400, shards: 8,
      runningSinceMs: 0, restartsBefore: 0, polledDowntimeSeconds: null, caughtUpLagMs: 2000,
    });
    const lenient = { ...slo, targetUtilization: 1, catchUpSeconds: 3600 };
    const a = assessTrial(obs, fitModel([obs], options), { peak, slo: lenient, options });
    expect(a.verdict).toBe('fail');
    expect(a.method).toBe('backlog-throughput');
    expect(a.capacity).toBeCloseTo(mu, 6);
    expect(a.reason).toMatch(/records pile up although the lag reads 0 ms/);
  });

  it('passes on capacity measured while the job drains at lag 0, consumption above the intake', () => {
    const mu = capacity(estimateOf(taxi), 8, 4, streamReadLimit(8, 400)).recordsPerSecond;
    const peak = 3000;
    const samples = [0, 1, 2].map((i) => ({ ...minute(taxi, 8, 4, i, mu, false), incomingRecords: peak * 60 }));
    const obs = evaluateTrial(samples, {
      parallelism: 8, parallelismPerKpu: 4, kpus: 2, offeredRecordsPerSecond: peak, recordBytes: 400, shards: 8,
      runningSinceMs: 0, restartsBefore: 0, polledDowntimeSeconds: 40, caughtUpLagMs: 2000,
    });
    expect(obs.lagSlope).toBe(0);
    const a = assessTrial(obs, fitModel([obs], options), { peak, slo, options });
    expect(a).toMatchObject({ verdict: 'pass', draining: true, method: 'backlog-throughput' });
    expect(a.capacity).toBeCloseTo(mu, 6);
    expect(a.reason).toMatch(/measured while draining the backlog \(consumed ~3,799\/s of an intake of ~3,000\/s\)/);
  });
});
