/** GetMetricData over the twin: the metrics of docs/twin-model.md with their dimensions, statistics and gaps. */
import { Twin } from '../../../simulator/twin';
import { capacity } from '../../../simulator/twin/model';
import { APP, appDims, awsErrorOf, lagDims, parallelismUpdate, query, scenario, series, streamDims } from './fixtures';

const T0 = Date.UTC(2026, 0, 1);
const constant = (recordsPerSecond: number) => ({ type: 'constant' as const, recordsPerSecond });

/** 8 subtasks on 2 KPUs at 3000 records/s, noise 0, for `minutes` minutes. */
function steadyTwin(minutes = 5, overrides: Record<string, unknown> = {}, job: Record<string, unknown> = {}) {
  const twin = Twin.fromScenario(scenario(overrides, job));
  twin.setOfferedLoad(constant(3000), 450);
  twin.advance(minutes * 60);
  return twin;
}

describe('metric values and statistics', () => {
  it('reports consumed records, CPU, heap, KPUs and uptime as docs/twin-model.md defines them', async () => {
    const twin = steadyTwin();
    expect((await series(twin, 'numRecordsInPerSecond', 'Average')).values).toEqual([3000, 3000, 3000, 3000, 3000]);
    expect((await series(twin, 'numRecordsOutPerSecond', 'Average')).values[4]).toBe(3000);
    // 100 * consumed * c_k / (n * 1000), c_4 = 0.1 * 1.06
    expect((await series(twin, 'cpuUtilization', 'Average')).values[4]).toBeCloseTo((100 * 3000 * 0.106) / 2000, 9);
    expect((await series(twin, 'containerCPUUtilization', 'Maximum')).values[4]).toBeCloseTo((1500 * 0.106) / 10, 9);
    expect((await series(twin, 'heapMemoryUtilization', 'Maximum')).values[4]).toBeCloseTo((100 * (600 + 500 / 2)) / 3072, 9);
    expect((await series(twin, 'KPUs', 'Maximum')).values[4]).toBe(3);
    expect((await series(twin, 'uptime', 'Maximum')).values).toEqual([60000, 120000, 180000, 240000, 300000]);
    expect((await series(twin, 'downtime', 'Maximum')).values[4]).toBe(0);
    expect((await series(twin, 'fullRestarts', 'Maximum')).values[4]).toBe(0);
    expect((await series(twin, 'millisBehindLatest', 'Maximum')).values).toEqual([0, 0, 0, 0, 0]);
  });

  it('samples busy, back-pressured and idle time once per subtask per second; they add up to 1000', async () => {
    const twin = steadyTwin();
    const count = await series(twin, 'busyTimeMsPerSecond', 'SampleCount');
    expect(count.values[0]).toBe(8 * 60);
    const busy = (await series(twin, 'busyTimeMsPerSecond', 'Average')).values[4];
    expect(busy).toBeCloseTo(375 * (0.106 + 2), 9); // each subtask: 3000 / 8 records/s at c_4 + w
    expect((await series(twin, 'idleTimeMsPerSecond', 'Average')).values[4]).toBeCloseTo(1000 - busy, 9);
    expect((await series(twin, 'backPressuredTimeMsPerSecond', 'Maximum')).values[4]).toBe(0);
  });

  it('shows the hot-key subtask as the busiest (Maximum) and the hottest KPU in containerCPUUtilization', async () => {
    const twin = Twin.fromScenario(scenario({}, { hotKeyShare: 0.2 }));
    twin.setOfferedLoad(constant(1000), 450);
    twin.advance(120);
    // hot subtask: 1000 * (0.2 + 0.8 / 8) = 300 records/s; the others 100.
    expect((await series(twin, 'busyTimeMsPerSecond', 'Maximum')).values[1]).toBeCloseTo(300 * 2.106, 9);
    expect((await series(twin, 'busyTimeMsPerSecond', 'Minimum')).values[1]).toBeCloseTo(100 * 2.106, 9);
    expect((await series(twin, 'busyTimeMsPerSecond', 'Average')).values[1]).toBeCloseTo((1000 * 2.106) / 8, 9);
    expect((await series(twin, 'containerCPUUtilization', 'Maximum')).values[1]).toBeCloseTo((600 * 0.106) / 10, 9);
    expect((await series(twin, 'containerCPUUtilization', 'Minimum')).values[1]).toBeCloseTo((400 * 0.106) / 10, 9);
    expect((await series(twin, 'containerCPUUtilization', 'SampleCount')).values[1]).toBe(2 * 60);
  });

  it('counts the time a subtask is not busy while records wait as back-pressured', async () => {
    // CPU-bound: 4 subtasks share one vCPU, each gets 1000 / (0.5 * 4) = 500 records/s and is busy 250 ms/s.
    const twin = Twin.fromScenario(scenario({ initial: { parallelism: 4, parallelismPerKpu: 4 } }, { cpuMsPerRecord: 0.5, ioWaitMsPerRecord: 0, slotContention: 0 }));
    twin.setOfferedLoad(constant(3000), 450);
    twin.advance(120);
    expect((await series(twin, 'busyTimeMsPerSecond', 'Average')).values[1]).toBeCloseTo(250, 9);
    expect((await series(twin, 'backPressuredTimeMsPerSecond', 'Average')).values[1]).toBeCloseTo(750, 9);
    expect((await series(twin, 'idleTimeMsPerSecond', 'Maximum')).values[1]).toBe(0);
    expect((await series(twin, 'containerCPUUtilization', 'Maximum')).values[1]).toBeCloseTo(100, 9);
  });

  it('sums the stream side per minute: IncomingRecords, IncomingBytes, throttled writes', async () => {
    const twin = steadyTwin(2);
    expect((await series(twin, 'IncomingRecords', 'Sum')).values).toEqual([180000, 180000]);
    expect((await series(twin, 'IncomingBytes', 'Sum')).values).toEqual([180000 * 450, 180000 * 450]);
    expect((await series(twin, 'IncomingRecords', 'SampleCount')).values).toEqual([60, 60]);
    expect((await series(twin, 'WriteProvisionedThroughputExceeded', 'Sum')).values).toEqual([0, 0]);
    expect((await series(twin, 'ReadProvisionedThroughputExceeded', 'Sum')).values).toEqual([0, 0]);
    expect((await series(twin, 'GetRecords.IteratorAgeMilliseconds', 'Maximum')).values).toEqual([0, 0]);
  });

  it('aggregates longer periods from the minutes: Sum adds, Average weighs by samples', async () => {
    const twin = Twin.fromScenario(scenario());
    twin.setOfferedLoad({ type: 'ramp', from: 0, to: 3000, seconds: 600 }, 450);
    twin.advance(600);
    const minutes = await series(twin, 'IncomingRecords', 'Sum');
    const fives = await series(twin, 'IncomingRecords', 'Sum', 300);
    expect(fives.timestamps).toEqual([new Date(T0), new Date(T0 + 300000)]);
    expect(fives.values[0]).toBeCloseTo(minutes.values.slice(0, 5).reduce((a, b) => a + b, 0), 6);
    const avg = await series(twin, 'numRecordsInPerSecond', 'Average', 600);
    expect(avg.values[0]).toBeCloseTo(minutes.values.reduce((a, b) => a + b, 0) / 600, 6);
  });
});

describe('gaps', () => {
  it('has no millisBehindLatest datapoint while the application is not RUNNING', async () => {
    const twin = Twin.fromScenario(scenario(), { startStatus: 'READY' });
    twin.setOfferedLoad(constant(3000), 450);
    twin.advance(300);
    expect((await series(twin, 'millisBehindLatest', 'Maximum')).values).toEqual([]);
    expect((await series(twin, 'IncomingRecords', 'Sum')).values).toHaveLength(5);
    await twin.kinesisAnalytics.startApplication({ ApplicationName: APP });
    twin.advance(60); // STARTING: still nothing
    expect((await series(twin, 'millisBehindLatest', 'Maximum')).values).toEqual([]);
    twin.advance(60);
    const lag = await series(twin, 'millisBehindLatest', 'Maximum');
    expect(lag.timestamps).toEqual([new Date(T0 + 360000)]);
    // 6 minutes of records waited, 375 a second per shard. The first running second reads -1 (the source has
    // not reported yet), so the Maximum is the second running second's: 2 μ/8 records of each shard processed
    // and 10,000 more fetched ahead, so the fetch stands that many arrival-seconds past the oldest record.
    const mu = capacity({ parallelism: 8, parallelismPerKpu: 4 }, 8, 450, scenario().job).recordsPerSecond;
    expect(lag.values[0]).toBeCloseTo(1000 * (362 - ((2 * mu) / 8 + 10000) / 375), 6);
  });

  it('has no millisBehindLatest datapoint for a minute spent UPDATING; downtime counts the outage', async () => {
    const twin = Twin.fromScenario(scenario({}, { restartSeconds: 150 })); // D = 160 s
    twin.setOfferedLoad(constant(3000), 450);
    twin.advance(60);
    await twin.kinesisAnalytics.updateApplication(parallelismUpdate(12, 4, 1));
    twin.advance(240);
    const lag = await series(twin, 'millisBehindLatest', 'Maximum');
    // Down during seconds 60..219: minutes 1 and 2 entirely, minute 3 for 40 s.
    expect(lag.timestamps.map((t) => (t.getTime() - T0) / 60000)).toEqual([0, 3, 4]);
    expect((await series(twin, 'downtime', 'Maximum')).values).toEqual([0, 60000, 120000, 160000, 0]);
    expect((await series(twin, 'uptime', 'Minimum')).values).toEqual([1000, 0, 0, 0, 21000]);
  });

  it('publishes a minute only once the simulated clock has passed it', async () => {
    const twin = steadyTwin(0);
    twin.advance(59);
    expect((await series(twin, 'IncomingRecords', 'Sum')).values).toEqual([]);
    twin.advance(1);
    expect((await series(twin, 'IncomingRecords', 'Sum')).values).toEqual([180000]);
  });
});

describe('GetMetricData request and response shapes', () => {
  it('answers several queries by Id, newest first by default, with Label and StatusCode', async () => {
    const twin = steadyTwin(3);
    const out = await twin.cloudWatch.getMetricData({
      StartTime: new Date(T0), EndTime: new Date(twin.clock.now()),
      MetricDataQueries: [
        query('lag', 'AWS/KinesisAnalytics', 'millisBehindLatest', lagDims, 'Maximum'),
        { ...query('rin', 'AWS/Kinesis', 'IncomingRecords', streamDims, 'Sum'), Label: 'incoming' },
        { ...query('hidden', 'AWS/KinesisAnalytics', 'KPUs', appDims, 'Maximum'), ReturnData: false },
      ],
    });
    expect(out.MetricDataResults).toEqual([
      { Id: 'lag', Label: 'millisBehindLatest', StatusCode: 'Complete', Values: [0, 0, 0], Timestamps: [new Date(T0 + 120000), new Date(T0 + 60000), new Date(T0)] },
      { Id: 'rin', Label: 'incoming', StatusCode: 'Complete', Values: [180000, 180000, 180000], Timestamps: [new Date(T0 + 120000), new Date(T0 + 60000), new Date(T0)] },
    ]);
    expect(out.NextToken).toBeUndefined();
  });

  it('returns only periods within [StartTime, EndTime)', async () => {
    const twin = steadyTwin(5);
    const out = await twin.cloudWatch.getMetricData({
      StartTime: new Date(T0 + 60000), EndTime: new Date(T0 + 180000),
      MetricDataQueries: [query('r', 'AWS/Kinesis', 'IncomingRecords', streamDims, 'Sum')],
    });
    expect(out.MetricDataResults![0].Timestamps).toEqual([new Date(T0 + 120000), new Date(T0 + 60000)]);
  });

  it('answers an unknown metric or wrong dimensions with no datapoints, as CloudWatch does', async () => {
    const twin = steadyTwin(2);
    const out = await twin.cloudWatch.getMetricData({
      StartTime: new Date(T0), EndTime: new Date(twin.clock.now()),
      MetricDataQueries: [
        query('a', 'AWS/KinesisAnalytics', 'noSuchMetric', appDims, 'Maximum'),
        query('b', 'AWS/KinesisAnalytics', 'millisBehindLatest', appDims, 'Maximum'),
        query('c', 'AWS/Kinesis', 'IncomingRecords', [{ Name: 'StreamName', Value: 'other' }], 'Sum'),
      ],
    });
    expect(out.MetricDataResults!.map((r) => r.Values)).toEqual([[], [], []]);
  });

  it('pages with MaxDatapoints and NextToken', async () => {
    const twin = steadyTwin(5);
    const input = {
      StartTime: new Date(T0), EndTime: new Date(twin.clock.now()), MaxDatapoints: 3,
      MetricDataQueries: [query('a', 'AWS/Kinesis', 'IncomingRecords', streamDims, 'Sum'), query('b', 'AWS/KinesisAnalytics', 'KPUs', appDims, 'Maximum')],
    };
    const pages = [];
    let token: string | undefined;
    do {
      const out = await twin.cloudWatch.getMetricData({ ...input, NextToken: token });
      pages.push(out.MetricDataResults!.map((r) => `${r.Id}:${r.Values!.length}`));
      token = out.NextToken;
    } while (token);
    expect(pages).toEqual([['a:3'], ['a:2', 'b:1'], ['b:3'], ['b:1']]);
  });

  it.each([
    ['a Period that is not a multiple of 60', { Period: 30 }, /multiple of 60/],
    ['an unsupported statistic', { Stat: 'p99' }, /Stat is not supported/],
  ])('rejects %s with InvalidParameterValueException', async (_what, change, message) => {
    const twin = steadyTwin(1);
    const q = query('a', 'AWS/Kinesis', 'IncomingRecords', streamDims, 'Sum');
    const err = await awsErrorOf(twin.cloudWatch.getMetricData({
      StartTime: new Date(T0), EndTime: new Date(twin.clock.now()), MetricDataQueries: [{ ...q, MetricStat: { ...q.MetricStat, ...change } }],
    }));
    expect(err).toMatchObject({ name: 'InvalidParameterValueException', $fault: 'client' });
    expect(err.message).toMatch(message);
  });

  it('rejects bad requests: StartTime after EndTime, duplicate or malformed Ids, expressions, no queries', async () => {
    const twin = steadyTwin(1);
    const q = query('a', 'AWS/Kinesis', 'IncomingRecords', streamDims, 'Sum');
    const now = new Date(twin.clock.now());
    const call = (input: object) => awsErrorOf(twin.cloudWatch.getMetricData({ StartTime: new Date(T0), EndTime: now, MetricDataQueries: [q], ...input }));
    expect((await call({ StartTime: now, EndTime: new Date(T0) })).message).toMatch(/StartTime must be less than/);
    expect((await call({ MetricDataQueries: [q, q] })).message).toMatch(/not unique/);
    expect((await call({ MetricDataQueries: [{ ...q, Id: 'Upper' }] })).message).toMatch(/must start with a lowercase letter/);
    expect((await call({ MetricDataQueries: [{ Id: 'e', Expression: 'SUM(METRICS())' }] })).message).toMatch(/MetricStat queries only/);
    expect((await call({ MetricDataQueries: [] })).name).toBe('InvalidParameterValueException');
    expect((await call({ StartTime: undefined })).name).toBe('MissingRequiredParameterException');
  });
});

describe('determinism', () => {
  async function everything(seed: number) {
    const twin = Twin.fromScenario(scenario({ seed }, { noise: 0.05 }));
    twin.setOfferedLoad({ type: 'daily', min: 2000, max: 5000, periodSeconds: 1800 }, 450);
    twin.advance(900);
    await twin.kinesisAnalytics.updateApplication(parallelismUpdate(6, 2, 1));
    await twin.clock.sleep(1200500);
    const names = ['millisBehindLatest', 'numRecordsInPerSecond', 'busyTimeMsPerSecond', 'containerCPUUtilization', 'IncomingRecords'];
    const out = [];
    for (const n of names) for (const stat of ['Maximum', 'Average', 'Minimum']) out.push(await series(twin, n, stat));
    return JSON.stringify(out);
  }

  it('gives identical metric series for the same seed and calls, different ones for another seed', async () => {
    const a = await everything(42);
    expect(await everything(42)).toBe(a);
    expect(await everything(43)).not.toBe(a);
  });
});

describe('ListMetrics', () => {
  const names = (out: { Metrics?: Array<{ MetricName?: string }> }) => out.Metrics!.map((m) => m.MetricName);

  it('lists every published series from the epoch on (the application was already running), each with its dimensions', async () => {
    const twin = Twin.fromScenario(scenario());
    const all = await twin.cloudWatch.listMetrics({});
    expect(all.Metrics).toHaveLength(18);
    expect(all.NextToken).toBeUndefined();
    expect(all.Metrics).toContainEqual({ Namespace: 'AWS/KinesisAnalytics', MetricName: 'millisBehindLatest', Dimensions: lagDims });
    expect(all.Metrics).toContainEqual({ Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords', Dimensions: streamDims });
  });

  it('filters by namespace, name and dimensions (a dimension filter without a value matches any value)', async () => {
    const cw = Twin.fromScenario(scenario()).cloudWatch;
    expect(names(await cw.listMetrics({ Namespace: 'AWS/Kinesis', MetricName: 'IncomingBytes' }))).toEqual(['IncomingBytes']);
    expect(names(await cw.listMetrics({ Namespace: 'AWS/KinesisAnalytics', Dimensions: [{ Name: 'Flow' }] }))).toEqual(['millisBehindLatest']);
    expect((await cw.listMetrics({ Namespace: 'AWS/KinesisAnalytics', Dimensions: appDims })).Metrics).toHaveLength(13);
    expect((await cw.listMetrics({ Dimensions: [{ Name: 'Application', Value: 'other' }] })).Metrics).toEqual([]);
    expect((await cw.listMetrics({ Namespace: 'AWS/KinesisAnalytics', MetricName: 'numRestarts' })).Metrics).toEqual([]);
  });

  it('rejects more than 10 dimension filters and a bad NextToken as CloudWatch does', async () => {
    const cw = Twin.fromScenario(scenario()).cloudWatch;
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Name: `d${i}` }));
    expect(await awsErrorOf(cw.listMetrics({ Dimensions: eleven }))).toMatchObject({ name: 'InvalidParameterValueException' });
    expect(await awsErrorOf(cw.listMetrics({ NextToken: 'x' }))).toMatchObject({ name: 'InvalidParameterValueException' });
  });
});
