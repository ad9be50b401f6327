/**
 * End to end on a twin whose source fetches ahead (docs/twin-model.md section 4): a configuration 2% short of
 * the peak reads millisBehindLatest 0 for many minutes while the backlog grows inside the job (8 shards x
 * 10,000 records). The calibrator must not pass it: it weighs the lag against consumption and the stream's
 * intake, measures the capacity from the minutes that fall behind, and still lands on the right size.
 */
import { parseScenario, type Scenario } from '../../simulator/twin';
import { calibrateOnTwin } from '../../calibration/twin-calibration';
import { expectRightAnswer, mu } from './twin-md-right-size';

/** The taxi job on 8 shards, started at P = 8, k = 4, offered `factor` times that configuration's μ. */
function hiddenBacklog(factor: number, extra: { job?: Record<string, unknown>; slo?: Record<string, unknown>; seed?: number } = {}): Scenario {
  const base = parseScenario({
    name: 'hidden-backlog', stream: { shards: 8 }, load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 1 } },
    job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, stateMb: 500 }, initial: { parallelism: 8, parallelismPerKpu: 4 },
  });
  const rate = factor * mu(base, 8, 4);
  return parseScenario({
    name: `hidden-backlog-${factor}`, seed: extra.seed ?? 11, stream: { shards: 8 },
    load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: rate } },
    job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, stateMb: 500, ...extra.job },
    initial: { parallelism: 8, parallelismPerKpu: 4 },
    slo: extra.slo ?? {},
  });
}

describe('calibrating while the lag hides a backlog within the fetch-ahead', () => {
  it.each([
    ['one page per shard (default), no headroom asked for', hiddenBacklog(1.02, { slo: { targetUtilization: 1, catchUpSeconds: 3600 } })],
    ['five pages per shard: over an hour before the lag shows', hiddenBacklog(1.02, { job: { fetchAheadRecords: 50000 } })],
    ['no noise', hiddenBacklog(1.02, { job: { noise: 0 }, slo: { targetUtilization: 1, catchUpSeconds: 3600 } })],
  ])('λ = 1.02 μ(8, 4) on 8 shards, %s: 8/4 fails on its measured capacity, and the answer is the right size', async (_, s) => {
    const report = await calibrateOnTwin(s, { compareBuiltInAutoscaling: false });
    const first = report.trials[0];
    expect(first).toMatchObject({ parallelism: 8, parallelismPerKpu: 4, verdict: 'fail', maxLagMs: 0, estimateMethod: 'backlog-throughput' });
    expect(first.reason).toMatch(/records pile up although the lag reads 0 ms/);
    expect(Math.abs(first.estimatedCapacityRecordsPerSecond / mu(s, 8, 4) - 1)).toBeLessThan(0.01);
    expect(report.trials.filter((t) => t.parallelism === 8 && t.parallelismPerKpu === 4 && t.verdict === 'pass')).toEqual([]);
    expectRightAnswer(s, report);
  });

  it('a later trial 2% short of the peak, its lag 0 throughout, fails in minutes on its measured capacity', async () => {
    // Slot contention 0.4, unknown to the calibrator after a first trial at k = 1: its prior (0.05) makes
    // 16/8 look sufficient, but it carries 2% less than the peak. Five pages of fetch-ahead per shard hide
    // the update's 40 s of records and the growth after it for the whole trial.
    const job = { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, slotContention: 0.4, stateMb: 500, fetchAheadRecords: 50000 };
    const base = parseScenario({ name: 'x', stream: { shards: 8 }, load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 1 } }, job });
    const s = parseScenario({
      name: 'later-trial-hidden-backlog', seed: 5, stream: { shards: 8 },
      load: { recordBytes: 450, profile: { type: 'constant', recordsPerSecond: 1.02 * mu(base, 16, 8) } },
      job, initial: { parallelism: 16, parallelismPerKpu: 1 },
    });
    const report = await calibrateOnTwin(s, { compareBuiltInAutoscaling: false });
    const short = report.trials.filter((t) => t.parallelism === 16 && t.parallelismPerKpu === 8);
    expect(short).toHaveLength(1);
    expect(short[0]).toMatchObject({ verdict: 'fail', maxLagMs: 0, estimateMethod: 'backlog-throughput' });
    expect(short[0].durationSeconds).toBeLessThanOrEqual(180);
    expect(Math.abs(short[0].estimatedCapacityRecordsPerSecond / mu(s, 16, 8) - 1)).toBeLessThan(0.01);
    expectRightAnswer(s, report);
  });
});
