/**
 * `kpufit calibrate --target aws --sole-consumer`: an application that publishes no millisBehindLatest
 * (e.g. a source other than the Kinesis connector's, or a metrics level that drops it) is measured through
 * the stream's GetRecords.IteratorAgeMilliseconds, but only when the user asserts that no other consumer
 * reads the stream; without the flag the run stops before changing anything. The SDK clients are answered
 * by the twin (twin-backed-aws.ts), with millisBehindLatest removed from what CloudWatch lists and returns.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAwsCalibration } from '../../../calibration/aws/run';
import { twinBackedAws, twinSettings, type TwinBackedAws } from './twin-backed-aws';

/** The twin's CloudWatch, as for an application that never published millisBehindLatest. */
function withoutJobLag(t: TwinBackedAws): void {
  t.handlers.listMetrics = async (input) => {
    const out = await t.twinHandlers.listMetrics(input);
    return { ...out, Metrics: (out.Metrics ?? []).filter((m) => m.MetricName !== 'millisBehindLatest') };
  };
  t.handlers.getMetricData = async (input) => {
    const out = await t.twinHandlers.getMetricData(input);
    const lagIds = new Set((input.MetricDataQueries ?? []).filter((q) => q.MetricStat?.Metric?.MetricName === 'millisBehindLatest').map((q) => q.Id));
    return { ...out, MetricDataResults: (out.MetricDataResults ?? []).map((r) => (lagIds.has(r.Id) ? { ...r, Timestamps: [], Values: [] } : r)) };
  };
}

const ITERATOR_AGE = { signal: 'lag', namespace: 'AWS/Kinesis', name: 'GetRecords.IteratorAgeMilliseconds', dimensions: { StreamName: 'taxi-io-bound-stream' } };

describe('kpufit calibrate --target aws --sole-consumer', () => {
  let t: TwinBackedAws;
  afterEach(() => t.restoreMocks());
  const args = (extra: Record<string, unknown> = {}) => ({
    app: t.scenario.application, stream: t.scenario.stream.name, rate: 5200, recordBytes: 450, out: join(mkdtempSync(join(tmpdir(), 'kpufit-aws-')), 'report'), json: true, ...extra,
  });

  it('without the flag, stops before any change when the application has no lag series, saying why the iterator age was not used', async () => {
    t = twinBackedAws('taxi-io-bound.json');
    withoutJobLag(t);
    const err = (await runAwsCalibration(args(), t.deps).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^metrics: no series for lag of application taxi-io-bound-app /);
    expect(err.message).toContain('GetRecords.IteratorAgeMilliseconds can stand in only when the user asserts that no other consumer polls taxi-io-bound-stream');
    expect(t.updates()).toEqual([]);
    expect(await twinSettings(t)).toMatchObject({ parallelism: 1, parallelismPerKpu: 1 });
  });

  it('with the flag, reads lag from the stream\'s iterator age, says so in the report, and right-sizes', async () => {
    t = twinBackedAws('taxi-io-bound.json');
    withoutJobLag(t);
    const { report } = await runAwsCalibration(args({ soleConsumer: true }), t.deps);
    expect(report!.verdict).toBe('recommended');
    expect(report!.metricsUsed!.filter((m) => m.signal === 'lag')).toEqual([ITERATOR_AGE]);
    expect(report!.metricsNotes).toEqual([
      'no millisBehindLatest series for taxi-io-bound-app; lag is read from the stream\'s GetRecords.IteratorAgeMilliseconds because no other consumer polls taxi-io-bound-stream (asserted by the user)',
    ]);
    // Every GetMetricData asks for the lag statistics of the iterator age, on the stream's one dimension.
    for (const request of t.metricRequests()) {
      const lag = request.MetricDataQueries!.filter((q) => q.Id!.startsWith('lag_')).map((q) => [q.Id, q.MetricStat!.Stat, q.MetricStat!.Metric]);
      expect(lag).toEqual(['Maximum', 'Average', 'Minimum'].map((stat, i) => [['lag_max', 'lag_avg', 'lag_min'][i], stat, {
        Namespace: 'AWS/Kinesis', MetricName: 'GetRecords.IteratorAgeMilliseconds', Dimensions: [{ Name: 'StreamName', Value: 'taxi-io-bound-stream' }],
      }]));
    }
  });

  it('changes nothing when the job publishes its own lag: millisBehindLatest stays the lag series', async () => {
    t = twinBackedAws('taxi-io-bound.json');
    const { report } = await runAwsCalibration(args({ soleConsumer: true }), t.deps);
    expect(report!.metricsUsed!.filter((m) => m.signal === 'lag').map((m) => m.name)).toEqual(['millisBehindLatest']);
    expect(report!.metricsNotes).toBeUndefined();
  });
});
