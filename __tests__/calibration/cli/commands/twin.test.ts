/** `kpufit twin run` and `kpufit twin sweep` (docs/json-shapes.md): output shapes, the right size, bad input. */
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import yargs from 'yargs';
import { runTwinRun, runTwinSweep, sweepTable, twinCommand } from '../../../../calibration/cli/commands/twin';
import { parseScenario, rightSize } from '../../../../simulator/twin';
import { InputError } from '../../../../core/errors';
import { ValidationError } from '../../../../core/validation';

const scenarios = join(__dirname, '../../../../scenarios');

function sink() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c) => chunks.push(String(c)));
  return { stream, writeStream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('kpufit twin run', () => {
  it('--json prints exactly the fields of docs/json-shapes.md (plus extras) on stdout, progress on stderr', async () => {
    const out = sink();
    const err = sink();
    await runTwinRun({ scenario: join(scenarios, 'taxi-io-bound.json'), parallelism: 8, 'parallelism-per-kpu': 4, json: true }, out.stream, err.writeStream);
    const result = JSON.parse(out.text());
    expect(Object.keys(result).slice(0, 17)).toEqual([
      'scenario', 'parallelism', 'parallelismPerKpu', 'kpus', 'durationSeconds', 'capacityRecordsPerSecond',
      'offeredPeakRecordsPerSecond', 'acceptedPeakRecordsPerSecond', 'maxLagMs', 'finalLagMs', 'lagSlope', 'heapUtilization',
      'fullRestarts', 'feasible', 'kpuHours', 'costUsd', 'lagGrowthMsPerMs',
    ]);
    // taxi-io-bound: cpu 0.1, io 2, contention 0.02; 2 full KPUs of 4 subtasks, each 1000 / (0.106 + 2) records/s.
    expect(result).toMatchObject({
      scenario: 'taxi-io-bound', parallelism: 8, parallelismPerKpu: 4, kpus: 2, durationSeconds: 1800,
      capacityRecordsPerSecond: 8 * (1000 / (0.1 * 1.06 + 2)), offeredPeakRecordsPerSecond: 5200, acceptedPeakRecordsPerSecond: 5200,
      heapUtilization: Math.round(((600 + 500 / 2) / 3072) * 10000) / 10000, fullRestarts: 0, feasible: false, kpuHours: 1.5,
    });
    expect(result.lagSlope).toBeGreaterThan(250); // 1000 (1 - 3798.7 / 5200) = 269.5 ms per second, with 2% noise
    expect(result.lagSlope).toBeLessThan(290);
    expect(result.costUsd).toBeCloseTo(0.5 * (3 * 0.11 + (2 * 50 * 0.1) / 730), 4);
    expect(err.text()).toMatch(/^twin run/);
  });

  it('prints a readable summary without --json', async () => {
    const out = sink();
    await runTwinRun({ scenario: join(scenarios, 'iot-cpu-bound.json'), parallelism: 8, 'parallelism-per-kpu': 2, duration: 600 }, out.stream, sink().writeStream);
    expect(out.text()).toMatch(/^scenario iot-cpu-bound: P=8 K=2 \(4 KPUs\) for 600s\ncapacity +[\d.]+ rec\/s \(compute-bound\)/);
    expect(out.text()).toMatch(/feasible +(yes|no \(.+\))\n$/);
  });

  it.each([
    [{ parallelism: 0, 'parallelism-per-kpu': 1 }, '--parallelism: must be an integer >= 1, got 0'],
    [{ parallelism: 4, 'parallelism-per-kpu': 9 }, '--parallelism-per-kpu: must be an integer from 1 to 8, got 9'],
    [{ parallelism: 4, 'parallelism-per-kpu': 2, duration: 1.5 }, '--duration: must be an integer from 1 to 31622400, got 1.5'],
  ])('refuses bad flags %p with one line naming the flag', async (flags, message) => {
    const out = sink();
    const err = await runTwinRun({ scenario: join(scenarios, 'taxi-io-bound.json'), ...flags }, out.stream, sink().writeStream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(message);
    expect(out.text()).toBe('');
  });

  it('refuses a missing scenario file naming it', async () => {
    const err = await runTwinRun({ scenario: 'nope.json', parallelism: 1, 'parallelism-per-kpu': 1 }, sink().stream, sink().writeStream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual(['cannot read scenario file: no such file']);
  });
});

describe('kpufit twin sweep', () => {
  it('--json lists every (P, K) up to --max-kpu and the right size', async () => {
    const out = sink();
    await runTwinSweep({ scenario: join(scenarios, 'taxi-io-bound.json'), 'max-kpu': 4, json: true }, out.stream);
    const sweep = JSON.parse(out.text());
    expect(sweep).toMatchObject({
      scenario: 'taxi-io-bound', maxKpu: 4, verdict: 'recommended', peakRecordsPerSecond: 5200,
      requiredCapacityRecordsPerSecond: 6500, streamAdvice: { shards: 8, requiredShards: 8 },
    });
    expect(sweep.configurations).toHaveLength(4 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8)); // P up to 4 K for each K
    expect(sweep.configurations[0]).toEqual({
      parallelism: 1, parallelismPerKpu: 1, kpus: 1, capacityRecordsPerSecond: 1000 / 2.1, bottleneck: 'compute',
      heapUtilization: 1100 / 3072, costPerHourUsd: 2 * 0.11 + (50 * 0.1) / 730, feasible: false, reasons: ['capacity below 6500 rec/s'],
    });
    // 2 KPUs carry at most 16 subtasks of 1000 / (0.114 + 2) = 7568.6 records/s: enough for 6500.
    expect(sweep.rightSize).toMatchObject({ parallelism: 16, parallelismPerKpu: 8, kpus: 2, feasible: true });
  });

  it('prints a table marking the right size with * and a verdict line', async () => {
    const out = sink();
    await runTwinSweep({ scenario: join(scenarios, 'taxi-io-bound.json'), 'max-kpu': 2 }, out.stream);
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+P\s+K\s+KPUs\s+capacity rec\/s\s+bound\s+heap %\s+feasible\s+\$\/hour$/);
    expect(lines.filter((l) => l.startsWith('*'))).toEqual([expect.stringMatching(/^\*\s+16\s+8\s+2\s+7568\.6\s+compute\s+27\.7\s+yes\s+0\.3437$/)]);
    expect(lines).toHaveLength(1 + 2 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8) + 1);
    expect(lines[lines.length - 1]).toBe('verdict: recommended: * P=16 K=8 (2 KPUs, 7568.6 rec/s, $0.3437/hour); peak 5200 rec/s needs 6500.0 rec/s of capacity');
  });

  it('says stream-bound with the shard count that would accept the load', async () => {
    const out = sink();
    await runTwinSweep({ scenario: join(scenarios, 'stream-bound.json'), 'max-kpu': 1 }, out.stream);
    expect(out.text().trimEnd().split('\n').pop()).toBe('verdict: stream-bound: the stream needs 3 shards (has 2); peak 3000 rec/s needs 3750.0 rec/s of capacity');
    expect(out.text()).not.toMatch(/^\*/m);
  });

  it('a hot partition key on too few shards: no count helps until it is spread, then the count for even keys', () => {
    // 8,000/s x 800 B on 4 shards, 20% on one key: 1,600/s > 1,000/s a shard; spread, 8 shards take 8,000/s.
    const s = parseScenario({
      name: 'hot', stream: { shards: 4, shardSkew: 0.2 }, load: { recordBytes: 800, profile: { type: 'constant', recordsPerSecond: 8000 } },
      job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 0.5 },
    });
    const sizing = rightSize(s, 2);
    expect(sizing.streamAdvice).toEqual({ shards: 4, requiredShards: null, cause: 'hot-partition-key', minimumShards: null, shardsOnceKeySpread: 8 });
    expect(sweepTable(sizing).trimEnd().split('\n').pop()).toBe(
      'verdict: stream-bound: one partition key alone exceeds a shard (hot partition key): no shard count helps until it is spread; then 8 shards (has 4); peak 8000 rec/s needs 10000.0 rec/s of capacity',
    );
  });

  it('says infeasible-within-limits when no configuration fits under --max-kpu', async () => {
    const out = sink();
    await runTwinSweep({ scenario: join(scenarios, 'memory-heavy.json'), 'max-kpu': 3, json: true }, out.stream);
    expect(JSON.parse(out.text())).toMatchObject({ verdict: 'infeasible-within-limits', rightSize: null });
  });

  it('refuses a bad --max-kpu', async () => {
    const err = await runTwinSweep({ scenario: join(scenarios, 'taxi-io-bound.json'), 'max-kpu': 0 }, sink().stream).catch((e: unknown) => e);
    expect((err as Error).message).toBe('--max-kpu: must be an integer from 1 to 100000, got 0');
  });
});

describe('the yargs command', () => {
  async function parse(argv: string[]) {
    await Promise.resolve();
    return yargs(argv).command(twinCommand).strict().exitProcess(false).fail((msg, e) => {
      throw e ?? new Error(msg);
    }).parseAsync();
  }

  it('requires --scenario, --parallelism and --parallelism-per-kpu for run', async () => {
    await expect(parse(['twin', 'run', '--parallelism', '2'])).rejects.toThrow(/Missing required arguments: scenario, parallelism-per-kpu/);
  });

  it('requires a subcommand', async () => {
    await expect(parse(['twin'])).rejects.toThrow(/name a twin command: run, sweep or fit/);
  });

  it('runs sweep --json through yargs and prints one JSON document', async () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      await parse(['twin', 'sweep', '--scenario', join(scenarios, 'iot-cpu-bound.json'), '--max-kpu', '3', '--json']);
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse(writes.join(''))).toMatchObject({ scenario: 'iot-cpu-bound', maxKpu: 3 });
  });
});

describe('twin fit', () => {
  it('refuses a missing --from file, naming the flag', async () => {
    const { runTwinFit } = await import('../../../../calibration/cli/commands/twin-fit');
    expect(() => runTwinFit({ from: '/nonexistent/sweep.json' })).toThrow('--from: cannot read /nonexistent/sweep.json (ENOENT)');
  });
});
