/**
 * The accuracy contract of docs/twin-model.md, case by case, with noise 0 and constant load within the stream's write
 * capacity. μ is computed here from docs/twin-model.md's formulas, written out.
 */
import { runScenario, Twin } from '../../../simulator/twin';
import { APP, parallelismUpdate, scenario, series, version } from './fixtures';

/** docs/twin-model.md section 2 for the fixture's job (cpu 0.1 ms, I/O 2 ms, contention 0.02, no hot key). */
function mu(P: number, k: number, job = { cpu: 0.1, w: 2, g: 0.02, h: 0 }, S = 8, b = 450): number {
  const c = (j: number) => job.cpu * (1 + job.g * (j - 1));
  const rate = (j: number) => Math.min(1000 / (c(j) + job.w), 1000 / (c(j) * j));
  const f = Math.floor(P / k);
  const r = P - f * k;
  const C = f * k * rate(k) + (r > 0 ? r * rate(r) : 0);
  const H = rate(f >= 1 ? k : r) / (job.h + (1 - job.h) / P);
  return Math.min(C, H, S * Math.min(2097152 / b, 50000));
}

const MU_8_4 = mu(8, 4); // 3798.67 records/s; the stream takes 8000.
/** job.fetchAheadRecords by default: one GetRecords page per shard. */
const FETCH_AHEAD = 10000;

function constant(recordsPerSecond: number) {
  return { type: 'constant' as const, recordsPerSecond };
}

describe('accuracy contract (noise 0)', () => {
  it('λ <= 0.95 μ: after the initial catch-up, millisBehindLatest stays under 2 s', async () => {
    const lambda = 0.95 * MU_8_4;
    const s = scenario();
    const twin = Twin.fromScenario(s, { startStatus: 'READY' });
    twin.setOfferedLoad(constant(lambda), 450);
    await twin.kinesisAnalytics.startApplication({ ApplicationName: APP });
    // 60 s of STARTING leave 60 λ records; they drain at μ - λ.
    const catchUp = (60 * lambda) / (MU_8_4 - lambda);
    twin.advance(60 + Math.ceil(catchUp) + 60);
    const from = twin.nowSeconds();
    twin.advance(3600);
    const lag = await series(twin, 'millisBehindLatest', 'Maximum');
    const after = lag.values.filter((_, i) => lag.timestamps[i].getTime() >= Date.UTC(2026, 0, 1) + from * 1000);
    expect(after).toHaveLength(60);
    expect(Math.max(...after)).toBeLessThan(2000);
    // Before the catch-up it was well above: the test would notice a twin that never lags.
    expect(Math.max(...lag.values)).toBeGreaterThan(30000);
  });

  it.each([1.05, 1.3, 2])('λ = %f μ: 0 until the fetch-ahead is full, then millisBehindLatest grows at 1 - μ/λ ms per ms, within ±5%', async (factor) => {
    const lambda = factor * MU_8_4;
    const twin = Twin.fromScenario(scenario());
    twin.setOfferedLoad(constant(lambda), 450);
    twin.advance(1800);
    const lag = await series(twin, 'millisBehindLatest', 'Maximum');
    // The job holds F = 10,000 records per shard before the fetch falls behind the tip.
    const fullAfterSeconds = (FETCH_AHEAD * 8) / (lambda - MU_8_4);
    const hidden = lag.values.filter((_, i) => (i + 1) * 60 <= fullAfterSeconds);
    expect(hidden).toEqual(hidden.map(() => 0));
    const first = Math.ceil(fullAfterSeconds / 60);
    const last = lag.values.length - 1;
    const slope = (lag.values[last] - lag.values[first]) / (lag.timestamps[last].getTime() - lag.timestamps[first].getTime());
    const expected = 1 - MU_8_4 / lambda;
    expect(Math.abs(slope - expected) / expected).toBeLessThan(0.05);
  });

  it('λ = 1.02 μ on 8 shards: the backlog grows for minutes while millisBehindLatest reads 0', async () => {
    const lambda = 1.02 * MU_8_4;
    const twin = Twin.fromScenario(scenario());
    twin.setOfferedLoad(constant(lambda), 450);
    twin.advance(600);
    expect((await series(twin, 'millisBehindLatest', 'Maximum')).values).toEqual(Array(10).fill(0));
    // 600 s (λ - μ) records wait inside the job, under the 8 x 10,000 it holds.
    expect(twin.backlog().records).toBeCloseTo(600 * (lambda - MU_8_4), 3);
    // What shows it: consumption below the stream's intake, every minute.
    const consumed = await series(twin, 'numRecordsInPerSecond', 'Average');
    const incoming = await series(twin, 'IncomingRecords', 'Sum');
    consumed.values.forEach((c, i) => {
      expect(c).toBeCloseTo(MU_8_4, 6);
      expect(incoming.values[i] / 60).toBeCloseTo(lambda, 6);
    });
  });

  it('with job.fetchAheadRecords 0, the lag counts from the last record consumed: it grows from the start', async () => {
    const lambda = 1.05 * MU_8_4;
    const twin = Twin.fromScenario(scenario({}, { fetchAheadRecords: 0 }));
    twin.setOfferedLoad(constant(lambda), 450);
    twin.advance(1800);
    const lag = await series(twin, 'millisBehindLatest', 'Maximum');
    const slope = (lag.values[29] - lag.values[1]) / (28 * 60000);
    expect(Math.abs(slope - (1 - MU_8_4 / lambda)) / (1 - MU_8_4 / lambda)).toBeLessThan(0.01);
  });

  it('after an update with downtime D at λ < μ, the lag is back to 0 by D λ / (μ - λ) s, earlier by the fetch-ahead', async () => {
    const lambda = 3000;
    const s = scenario(); // D = 30 s + 500 MB / 50 MB/s = 40 s
    const twin = Twin.fromScenario(s);
    twin.setOfferedLoad(constant(lambda), 450);
    twin.advance(600);
    expect(twin.lastSecond().lagMs).toBe(0);
    await twin.kinesisAnalytics.updateApplication(parallelismUpdate(12, 4, await version(twin)));
    let down = 0;
    while (!twin.lastSecond().jobRunning || down === 0) {
      twin.advance(1);
      if (!twin.lastSecond().jobRunning) down++;
    }
    expect(down).toBe(40);
    let catchUp = 0;
    while ((twin.lastSecond().lagMs ?? 1) > 0) {
      twin.advance(1);
      catchUp++;
    }
    const withoutFetchAhead = (40 * lambda) / (mu(12, 4) - lambda);
    expect(catchUp).toBeLessThanOrEqual(1.1 * withoutFetchAhead);
    // The lag reads 0 once what is left fits in the fetch-ahead: D λ + λ T - μ T = 8 x 10,000.
    const expected = (40 * lambda - 8 * FETCH_AHEAD) / (mu(12, 4) - lambda);
    expect(Math.abs(catchUp - expected)).toBeLessThanOrEqual(1);
    // The job itself is still draining what it fetched: it catches up D λ / (μ - λ) s after the restart.
    let drained = catchUp;
    while (twin.backlog().records > 1e-3) {
      twin.advance(1);
      drained++;
    }
    expect(Math.abs(drained - withoutFetchAhead)).toBeLessThanOrEqual(1);
  });

  it('twin run reports the noise-free μ of section 2 exactly, even with noise on', () => {
    const noisy = scenario({}, { noise: 0.05, hotKeyShare: 0.03 });
    const result = runScenario(noisy, { parallelism: 10, parallelismPerKpu: 4, durationSeconds: 600 });
    expect(result.capacityRecordsPerSecond).toBe(mu(10, 4, { cpu: 0.1, w: 2, g: 0.02, h: 0.03 }));
  });

  it('twin run measures the lag slope over the last third, in ms of lag per second', () => {
    const s = scenario({ load: { recordBytes: 450, profile: constant(1.3 * MU_8_4) } });
    const result = runScenario(s, { parallelism: 8, parallelismPerKpu: 4, durationSeconds: 1800 });
    const expected = 1000 * (1 - 1 / 1.3);
    expect(Math.abs(result.lagSlope - expected) / expected).toBeLessThan(0.01);
    expect(result.lagGrowthMsPerMs).toBeCloseTo(1 - 1 / 1.3, 3);
    expect(result.maxLagMs).toBe(result.finalLagMs);
    expect(result.feasible).toBe(false);
  });
});

describe('backlog memory', () => {
  it('grows with the seconds of backlog, never with the number of records', () => {
    // P = 1: μ = 1000 / 2.1 = 476 records/s. 2x and 16x overload for 10 minutes.
    const run = (lambda: number) => {
      const twin = Twin.fromScenario(scenario({ initial: { parallelism: 1, parallelismPerKpu: 1 } }));
      twin.setOfferedLoad(constant(lambda), 450);
      twin.advance(600);
      return { ...twin.backlog(), lagSeconds: twin.lastSecond().lagMs! / 1000 };
    };
    const light = run(2 * 476.19);
    const heavy = run(16 * 476.19);
    expect(heavy.records / light.records).toBeCloseTo(15, 3); // (16 - 1) / (2 - 1) times the records...
    for (const [r, lambda] of [[light, 2 * 476.19], [heavy, 16 * 476.19]] as const) {
      // One chunk per shard per second of backlog (plus the partly consumed one)...
      const backlogSeconds = r.records / lambda;
      expect(r.chunks / 8).toBeGreaterThanOrEqual(Math.floor(backlogSeconds));
      expect(r.chunks / 8).toBeLessThanOrEqual(Math.ceil(backlogSeconds) + 1);
      // ...of which the lag shows all but the 10,000 records per shard fetched ahead.
      expect(r.lagSeconds).toBeCloseTo((r.records - 8 * FETCH_AHEAD) / lambda, 6);
    }
    expect(heavy.chunks).toBeLessThan(8 * 601);
  });
});
