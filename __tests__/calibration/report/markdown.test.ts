import { renderMarkdown } from '../../../calibration/report';
import { reportFixture } from './report-fixture';

describe('report.md', () => {
  const md = renderMarkdown(reportFixture());

  it('opens with the recommendation, its capacity against the load, and its cost per hour and month', () => {
    expect(md).toMatch(/^# kpufit right-sizing report: taxi-analytics/);
    expect(md).toContain('Run Parallelism 8, ParallelismPerKPU 4 (2 KPUs): estimated capacity 7,700 records/s for a peak load of 6,000 records/s (1.28x), $0.3437 per hour, $250.90 per month.');
  });

  it('breaks the cost down into the KPUs, the orchestration KPU and 50 GB of running storage per KPU', () => {
    expect(md).toContain('| KPUs ($0.11 per KPU-hour) | 2 | $0.22 | $160.60 |');
    expect(md).toContain('| Orchestration KPU (one per application) | 1 | $0.11 | $80.30 |');
    expect(md).toContain('| Running storage (50 GB per KPU, $0.10 per GB-month) | 100 GB | $0.0137 | $10.00 |');
    expect(md).toContain('| **Total** |  | **$0.3437** | **$250.90** |');
    expect(md).not.toContain('the total is the calibrator'); // the items add up to the total
  });

  it('says when the breakdown at the report prices does not add up to the calibrator total', () => {
    const r = reportFixture();
    r.recommendation!.costPerHourUsd = 0.33;
    expect(renderMarkdown(r)).toContain('At these prices the items sum to $0.3437 per hour ($250.90 per month); the total is the calibrator\'s.');
  });

  it('lists every trial with configuration, duration, max lag, lag slope, capacity, CPU, verdict and why', () => {
    expect(md).toContain('| \\# | Parallelism | Per KPU | KPUs | Start | Duration | Max lag | Lag slope (ms/ms) | Max lag once RUNNING | Lag slope once RUNNING (ms/ms) | ' +
      'Est. capacity (rec/s) | CPU | Verdict | Why |');
    // A report.json from before the "once RUNNING" fields leaves their cells empty.
    expect(md).toContain('| 1 | 1 | 1 | 1 | 0 s | 10 min | 412.0 s | 0.820 |  |  | 1,080 (lag-slope) | 9.8% | fail | lag grows 0.82 ms/ms |');
    expect(md).toContain('| 2 | 8 | 4 | 2 | 10 min | 15 min | 52.0 s | -0.210 | 46.5 s | -0.254 | 7,700 (catch-up) | 41.5% | pass | caught up in 290 s, lag under SLO |');
    expect(md).toContain("Max lag and Lag slope cover every minute of the trial as the lag chart draws it, the update's restart included");
    expect(md).toContain('3 reconfigurations (UpdateApplication calls), 40 min simulated time, 1.90 KPU-hours spent calibrating.');
  });

  it('puts the built-in autoscaling result beside ours', () => {
    expect(md).toContain('| Final configuration | Parallelism 8, ParallelismPerKPU 4 (2 KPUs) | Parallelism 8, ParallelismPerKPU 1 (8 KPUs) |');
    expect(md).toContain('| Time to the answer / until the lag stays within the SLO | 40 min | 1 h 30 min |');
    expect(md).toContain('| KPU-hours spent getting there | 1.90 | 4.20 |');
  });

  it('ends with the config/<env>.json snippet and the equivalent update-application call', () => {
    const apply = md.slice(md.indexOf('## Apply'));
    const json = /```json\n([\s\S]*?)```/.exec(apply)![1];
    expect(JSON.parse(json)).toEqual({ application: { parallelism: 8, parallelismPerKpu: 4, autoScalingEnabled: false } });
    expect(apply).toContain("application.maxKpus, the stack's cost guard, must be at least 2.");
    const sh = /```sh\n([\s\S]*?)```/.exec(apply)![1];
    expect(sh).toContain("describe-application --application-name 'taxi-analytics'");
    expect(sh).toContain('--current-application-version-id "$VERSION"');
    const update = /--application-configuration-update '(.*)'/.exec(sh)![1];
    expect(JSON.parse(update)).toEqual({
      FlinkApplicationConfigurationUpdate: {
        ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 8, ParallelismPerKPUUpdate: 4, AutoScalingEnabledUpdate: false },
      },
    });
    expect(md.trimEnd().endsWith('```')).toBe(true);
  });

  it('advises the shard count for a stream-bound verdict and names a hot partition key when shards cannot help', () => {
    const r = reportFixture();
    r.verdict = 'stream-bound';
    r.recommendation = null;
    r.streamAdvice = { shards: 2, requiredShards: 5, cause: 'write-throughput' };
    const bound = renderMarkdown(r);
    expect(bound).toContain('**Stream-bound: the Kinesis stream cannot accept the load**');
    expect(bound).toContain('has 2 shards and throttles writes at this load: it needs 5 shards.');
    expect(bound).toContain("aws kinesis update-shard-count --stream-name 'taxi-trips' --target-shard-count 5 --scaling-type UNIFORM_SCALING");
    expect(bound).toContain('There is no configuration to apply');
    expect(bound).not.toContain('## Cost');

    r.recommendation = reportFixture().recommendation;
    expect(renderMarkdown(r)).toContain('Once the stream has 5 shards: run Parallelism 8, ParallelismPerKPU 4 (2 KPUs): estimated capacity');

    r.streamAdvice = { shards: 2, requiredShards: 2, cause: 'hot-partition-key' };
    expect(renderMarkdown(r)).toContain('one partition key takes more than a shard\'s write limit; no shard count fixes that');
  });

  it('a hot partition key on too few shards says both: spread it, then reshard to the count for even keys', () => {
    const r = reportFixture();
    r.verdict = 'stream-bound';
    r.recommendation = null;
    r.streamAdvice = { shards: 4, requiredShards: 4, cause: 'hot-partition-key', minimumShards: null, shardsOnceKeySpread: 8, partitionKeyShare: 0.2 };
    r.bottleneck = 'stream';
    r.constraints = [
      { kind: 'stream-write-limit', unit: 'records/s', required: 8000, limit: 4000, shards: 4, shardsNeeded: 8 },
      { kind: 'hot-partition-key', unit: 'records/s', keyShare: 0.2, required: 1600, limit: 1000, spreadNeeded: true, shardsNeeded: null, shardsOnceSpread: 8 },
    ];
    const md = renderMarkdown(r);
    expect(md).toContain('no shard count fixes that. Spread the key (e.g. add a suffix) or lower its rate. Once it is spread, the stream still needs 8 shards (it has 4).');
    expect(md).toContain("aws kinesis update-shard-count --stream-name 'taxi-trips' --target-shard-count 8 --scaling-type UNIFORM_SCALING");
    expect(md).toContain('Binds: stream write limit: 4 shards accept at most 4,000/s &lt; 8,000/s at the peak even with evenly spread keys; 8 shards needed.');
    expect(md).toContain('Binds: hot partition key: ~20% of the records = 1,600/s &gt; 1,000/s a shard accepts; no shard count helps until it is spread, then 8 shards.');
  });

  it('a stream with more shards than the load needs says how few would do, with evenly spread keys', () => {
    const r = reportFixture();
    r.streamAdvice = { shards: 8, requiredShards: 8, minimumShards: 6, shardsOnceKeySpread: 6 };
    expect(renderMarkdown(r)).toContain('The stream taxi-trips has 8 shards; 6 accept this load with evenly spread keys (no throttling showed their skew). No change needed.');
  });

  it('escapes text that would break a table or inject HTML', () => {
    const r = reportFixture();
    r.trials[0].reason = 'a | b <img src=x>\nsecond line';
    const out = renderMarkdown(r);
    expect(out).toContain('a \\| b &lt;img src=x&gt; second line');
    expect(out).not.toContain('<img');
  });

  it('quotes an application name for the shell whatever it contains', () => {
    const r = reportFixture();
    r.application = "it's-app";
    expect(renderMarkdown(r)).toContain("--application-name 'it'\\''s-app'");
  });
});
