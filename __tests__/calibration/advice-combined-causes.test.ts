/**
 * Advice when causes combine (issue #14 item 6), end to end on the twin: the verdict and the summary name
 * every binding constraint with its number, and the shard advice is the fewest shards that accept the
 * load under the key distribution the stream showed — checked against `kpufit twin sweep`, run in-process
 * on the same scenario with the shard count and the key skew changed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadScenario, parseScenario, type Scenario } from '../../simulator/twin';
import type { Sizing } from '../../simulator/twin/model';
import { calibrateOnTwin } from '../../calibration/twin-calibration';
import { runTwinSweep } from '../../calibration/cli/commands/twin';
import { summary } from '../../calibration/report/summary';
import type { CalibrationReport } from '../../calibration/report-types';

const scenarios = join(__dirname, '..', '..', 'scenarios');
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'kpufit-advice-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Point {
  rate: number;
  bytes: number;
  shards: number;
  /** Partition-key skew of the stream (the share of the hottest key). */
  shardSkew: number;
  job: Partial<Scenario['job']> & { cpuMsPerRecord: number; ioWaitMsPerRecord: number };
  maxKpu?: number;
}

const scenarioOf = (p: Point): Scenario => parseScenario({
  name: 'combined', stream: { shards: p.shards, shardSkew: p.shardSkew },
  load: { recordBytes: p.bytes, profile: { type: 'constant', recordsPerSecond: p.rate } },
  job: p.job, ...(p.maxKpu ? { limits: { maxKpu: p.maxKpu } } : {}),
});

let files = 0;
/** `kpufit twin sweep --json` on the scenario with the stream changed. */
async function sweep(s: Scenario, stream: Partial<Scenario['stream']> = {}): Promise<Sizing> {
  const path = join(dir, `s${++files}.json`);
  writeFileSync(path, JSON.stringify({ ...s, stream: { ...s.stream, ...stream } }));
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c) => chunks.push(String(c)));
  await runTwinSweep({ scenario: path, json: true }, out);
  return JSON.parse(chunks.join('')) as Sizing;
}

const calibrate = (s: Scenario) => calibrateOnTwin(s, { compareBuiltInAutoscaling: false });
const kinds = (r: CalibrationReport) => (r.constraints ?? []).map((c) => c.kind);

describe('the combined causes of issue #14', () => {
  it('8,000/s x 800 B on 4 shards with a 20% hot key: both causes — spread the key, then 8 shards', async () => {
    const s = scenarioOf({ rate: 8000, bytes: 800, shards: 4, shardSkew: 0.2, job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 0.5 } });
    const r = await calibrate(s);
    expect(r.verdict).toBe('stream-bound');
    expect(r.streamAdvice).toMatchObject({ shards: 4, requiredShards: 4, cause: 'hot-partition-key', minimumShards: null, shardsOnceKeySpread: 8, partitionKeyShare: 0.2 });
    expect(r.constraints!.slice(0, 2)).toEqual([
      { kind: 'stream-write-limit', unit: 'records/s', required: 8000, limit: 4000, shards: 4, shardsNeeded: 8 },
      { kind: 'hot-partition-key', unit: 'records/s', keyShare: 0.2, required: 1600, limit: 1000, spreadNeeded: true, shardsNeeded: null, shardsOnceSpread: 8 },
    ]);
    const lines = summary(r);
    expect(lines).toContain('binds: stream write limit: 4 shards accept at most 4,000/s < 8,000/s at the peak even with evenly spread keys; 8 shards needed');
    expect(lines).toContain('binds: hot partition key: ~20% of the records = 1,600/s > 1,000/s a shard accepts; no shard count helps until it is spread, then 8 shards');
    expect(lines).toContain('stream: 4 shard(s); none suffice until the hot partition key is spread, then 8 needed (hot-partition-key)');
    expect(lines.join('\n')).not.toMatch(/4 needed/);
    // The twin agrees: no shard count accepts at this skew; spread, 8 do and 7 do not.
    expect((await sweep(s, { shards: 10000 })).verdict).toBe('stream-bound');
    expect((await sweep(s, { shards: 8, shardSkew: 0 })).verdict).toBe('recommended');
    expect((await sweep(s, { shards: 7, shardSkew: 0 })).verdict).toBe('stream-bound');
  });

  it('an infeasible I/O job with a 10% hot key names the key, with its number, not "capacity"', async () => {
    const s = scenarioOf({ rate: 5000, bytes: 300, shards: 8, shardSkew: 0, job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 2, hotKeyShare: 0.1 }, maxKpu: 2 });
    const r = await calibrate(s);
    expect(r.verdict).toBe('infeasible-within-limits');
    expect(r.bottleneck).toBe('hot-key');
    expect(kinds(r)).toEqual(['hot-key-subtask']);
    const hot = r.constraints![0] as Extract<NonNullable<CalibrationReport['constraints']>[number], { kind: 'hot-key-subtask' }>;
    expect(hot).toMatchObject({ parallelism: 16, parallelismPerKpu: 8, required: 6250 });
    // The twin's H at 16/8: 1000 / (0.114 + 2) / (0.1 + 0.9 / 16) = 3,030; the fit sees the key within its noise.
    expect(hot.limit).toBeCloseTo((1000 / 2.114) / (0.1 + 0.9 / 16), -2);
    expect(summary(r)[0]).toBe('verdict: infeasible-within-limits (bottleneck: hot-key)');
    expect(summary(r)[1]).toMatch(/^binds: hot-key subtask: ~\d+(\.\d)?% of the records on one subtask caps P=16, ParallelismPerKPU=8 at 3,0\d\d\/s < 6,250\/s required$/);
    expect(r.explanation).toMatch(/; hot-key subtask: /);
  });

  it('a CPU job with strong slot contention and no hot key is compute-bound, not hot-key', async () => {
    const s = scenarioOf({ rate: 9000, bytes: 200, shards: 16, shardSkew: 0, job: { cpuMsPerRecord: 0.2, ioWaitMsPerRecord: 0.05, slotContention: 0.3 } });
    const r = await calibrate(s);
    expect(r.verdict).toBe('recommended');
    expect(r.bottleneck).toBe('compute');
    expect(kinds(r)).toEqual(['compute']);
  });

  it('iot-cpu-bound (no I/O wait) reports compute, not io', async () => {
    const r = await calibrate(loadScenario(join(scenarios, 'iot-cpu-bound.json')));
    expect(r.bottleneck).toBe('compute');
    expect(r.constraints).toEqual([expect.objectContaining({ kind: 'compute', resource: 'cpu' })]);
  });

  it('taxi-io-bound: 8 shards, 6 needed (5,200/s of 450 B, 1,000/s a shard), and the twin agrees', async () => {
    const s = loadScenario(join(scenarios, 'taxi-io-bound.json'));
    const r = await calibrate(s);
    expect(r.streamAdvice).toMatchObject({ shards: 8, requiredShards: 8, minimumShards: 6 });
    expect(summary(r)).toContain('stream: 8 shard(s), 6 needed with evenly spread keys');
    expect((await sweep(s, { shards: 6 })).verdict).toBe('recommended');
    expect((await sweep(s, { shards: 5 })).verdict).toBe('stream-bound');
  });
});

/**
 * A grid of combined causes: rate x record size (200 B: 1,000 records/s a shard; 2,000 B: 524/s) x shards x
 * partition-key skew x job (I/O-bound, CPU-bound with contention, I/O-bound with a hot key). For each, the
 * calibrator's advice against the twin's sweep.
 */
const jobs: Record<string, Point['job']> = {
  io: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 1.5 },
  cpu: { cpuMsPerRecord: 0.3, ioWaitMsPerRecord: 0, slotContention: 0.3 },
  'io+hot-key': { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 1.5, hotKeyShare: 0.1 },
};
const grid: Array<[string, Point]> = [];
for (const rate of [3000, 8000]) {
  for (const bytes of [200, 2000]) {
    for (const shards of [2, 4, 8]) {
      for (const shardSkew of [0, 0.05, 0.2]) {
        for (const job of Object.keys(jobs)) {
          grid.push([`${rate}/s x ${bytes} B, ${shards} shards, key skew ${shardSkew}, ${job}`, { rate, bytes, shards, shardSkew, job: jobs[job] }]);
        }
      }
    }
  }
}

describe('advice over a grid of combined causes, against twin sweep', () => {
  // A calibration and a few sweeps each: well under a second alone, longer on a loaded runner.
  jest.setTimeout(60_000);
  it.each(grid)('%s', async (_, point) => {
    const s = scenarioOf(point);
    const r = await calibrate(s);
    const here = await sweep(s);
    const a = r.streamAdvice;
    if (here.streamAdvice.cause === 'hot-partition-key') {
      // No shard count helps at this skew; once the key is spread the advised count is the twin's fewest.
      expect(a).toMatchObject({ cause: 'hot-partition-key', minimumShards: null });
      expect(kinds(r)).toContain('hot-partition-key');
      expect((await sweep(s, { shards: 10000 })).streamAdvice.cause).toBe('hot-partition-key');
      expect((await sweep(s, { shards: a.shardsOnceKeySpread, shardSkew: 0 })).streamAdvice.cause).toBeUndefined();
      if (a.shardsOnceKeySpread! > 1) expect((await sweep(s, { shards: a.shardsOnceKeySpread! - 1, shardSkew: 0 })).streamAdvice.cause).toBe('write-throughput');
      // Too few shards even for evenly spread keys is said too.
      expect(kinds(r).includes('stream-write-limit')).toBe(point.shards < a.shardsOnceKeySpread!);
    } else if (here.streamAdvice.cause === 'write-throughput') {
      // The advice is the fewest shards the twin accepts the load with, at the skew the stream showed: the
      // one measured when a shard throttled before the others (the probe), else evenly spread keys — a
      // skew too small to throttle the probe at 95% of the shards' capacity cannot show while all saturate.
      expect(r.verdict).toBe('stream-bound');
      if (a.partitionKeyShare !== undefined) expect(a.partitionKeyShare).toBeCloseTo(point.shardSkew, 3);
      else expect(summary(r)).toContain(`stream: ${point.shards} shard(s), ${a.minimumShards} needed with evenly spread keys (write-throughput)`);
      const seen = { shardSkew: a.partitionKeyShare === undefined ? 0 : point.shardSkew };
      const n = a.minimumShards!;
      expect((await sweep(s, { shards: n, ...seen })).streamAdvice.cause).toBeUndefined();
      expect((await sweep(s, { shards: n - 1, ...seen })).streamAdvice.cause).toBe('write-throughput');
      expect(kinds(r).some((k) => k === 'stream-write-limit' || k === 'hot-partition-key')).toBe(true);
    } else {
      // The stream accepts the peak, so it showed no skew: the fewest shards with evenly spread keys,
      // never more than the stream has; exactly the twin's fewest when the keys are even.
      expect(a.cause).toBeUndefined();
      expect(a.minimumShards!).toBeLessThanOrEqual(point.shards);
      const even = await sweep(s, { shards: a.minimumShards!, shardSkew: 0 });
      expect(even.streamAdvice.cause).toBeUndefined();
      if (point.shardSkew === 0 && a.minimumShards! > 1) {
        expect((await sweep(s, { shards: a.minimumShards! - 1 })).streamAdvice.cause).toBe('write-throughput');
      }
      expect(kinds(r).filter((k) => k.startsWith('stream'))).toEqual([]);
    }
    // The job's causes: a hot-key label only for the job with a hot key, where the twin labels the same
    // configuration hot-key too; the I/O-bound jobs never compute (vCPU), the CPU-bound job never io.
    const resized = await sweep(s, { shards: Math.max(point.shards, a.minimumShards ?? a.shardsOnceKeySpread ?? point.shards), shardSkew: 0 });
    const rec = r.recommendation;
    if (rec) {
      const row = resized.configurations.find((c) => c.parallelism === rec.parallelism && c.parallelismPerKpu === rec.parallelismPerKpu)!;
      const label = r.bottleneck === 'io' ? 'compute' : r.bottleneck;
      if (r.verdict === 'recommended') expect([rec.parallelism, rec.parallelismPerKpu, label]).toEqual([rec.parallelism, rec.parallelismPerKpu, row.bottleneck]);
      if (r.verdict === 'recommended') expect(row.feasible).toBe(true);
    }
    const jobKinds = (r.constraints ?? []).filter((c) => c.kind === 'compute' || c.kind === 'hot-key-subtask');
    if (!point.job.hotKeyShare) expect(jobKinds.map((c) => c.kind)).not.toContain('hot-key-subtask');
    for (const c of jobKinds) if (c.kind === 'compute') expect(c.resource).toBe(point.job.ioWaitMsPerRecord > 0 ? 'io' : 'cpu');
  });
});
