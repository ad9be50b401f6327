import { CallRecorder, formatPlan, plannedFollowUps } from '../../../calibration/aws/dry-run';
import type { ApplicationState } from '../../../calibration/ports';

const state: ApplicationState = { name: 'app', status: 'RUNNING', versionId: 7, parallelism: 4, parallelismPerKpu: 2, autoScalingEnabled: true };
const original = { parallelism: 4, parallelismPerKpu: 2, autoScalingEnabled: true };

function recorded(): CallRecorder {
  const r = new CallRecorder();
  r.record({ service: 'kinesisanalyticsv2', action: 'DescribeApplication', input: { ApplicationName: 'app' }, mutating: false });
  r.record({ service: 'kinesis', action: 'PutRecords', input: { StreamName: 's', recordsPerSecond: 100, recordBytes: 200, change: 'start' }, mutating: true });
  r.record({ service: 'kinesis', action: 'PutRecords', input: { StreamName: 's', recordsPerSecond: 0, recordBytes: 200, change: 'stop' }, mutating: true });
  return r;
}

describe('dry-run plan', () => {
  it('adds the per-trial update and the restore before the load stops when the loop reached neither', () => {
    const r = recorded();
    plannedFollowUps(r, 'app', state, original, { maxKpu: 8, keep: false });
    expect(r.calls.map((c) => c.action)).toEqual(['DescribeApplication', 'PutRecords', 'UpdateApplication', 'UpdateApplication', 'PutRecords']);
    const [trial, restore] = r.calls.filter((c) => c.action === 'UpdateApplication');
    expect(trial.when).toMatch(/at most 8 KPUs/);
    expect(trial.input).toMatchObject({ CurrentApplicationVersionId: 7, ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { AutoScalingEnabledUpdate: false } } } });
    expect(restore.input).toMatchObject({ CurrentApplicationVersionId: 8, ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ParallelismUpdate: 4, ParallelismPerKPUUpdate: 2, AutoScalingEnabledUpdate: true } } } });
    const text = formatPlan(r.calls);
    expect(text).toContain('then, at the end (and on Ctrl-C or failure), restoring the original configuration, autoscaling included:');
    expect(text.at(-1)).toBe('WOULD CALL kinesis PutRecords on s: stop');
  });

  it('plans no restore with --keep', () => {
    const r = recorded();
    plannedFollowUps(r, 'app', state, original, { maxKpu: 8, keep: true });
    expect(r.calls.filter((c) => c.action === 'UpdateApplication')).toHaveLength(1);
  });

  it('shows the full GetMetricData request once and counts the rest', () => {
    const r = new CallRecorder();
    for (let i = 0; i < 3; i++) r.record({ service: 'cloudwatch', action: 'GetMetricData', input: { MetricDataQueries: [{ Id: `q${i}` }], StartTime: new Date(0), EndTime: new Date(60_000) }, mutating: false });
    expect(formatPlan(r.calls)).toEqual([
      'dry run: no call below that changes anything was made',
      'reads cloudwatch GetMetricData {"MetricDataQueries":[{"Id":"q0"}],"StartTime":"1970-01-01T00:00:00.000Z","EndTime":"1970-01-01T00:01:00.000Z"}',
      '(and 2 more GetMetricData calls of the same queries over later windows)',
    ]);
  });

  it('shows series discovery (one ListMetrics per series) as one line naming the series', () => {
    const r = new CallRecorder();
    r.record({ service: 'cloudwatch', action: 'ListMetrics', input: { Namespace: 'AWS/KinesisAnalytics', MetricName: 'millisBehindLatest' }, mutating: false });
    r.record({ service: 'cloudwatch', action: 'ListMetrics', input: { Namespace: 'AWS/Kinesis', MetricName: 'IncomingRecords' }, mutating: false });
    r.record({ service: 'cloudwatch', action: 'GetMetricData', input: { MetricDataQueries: [{ Id: 'q0' }], StartTime: new Date(0), EndTime: new Date(60_000) }, mutating: false });
    expect(formatPlan(r.calls)).toEqual([
      'dry run: no call below that changes anything was made',
      'reads cloudwatch ListMetrics (series discovery, 2 call(s)): AWS/KinesisAnalytics millisBehindLatest, AWS/Kinesis IncomingRecords',
      'reads cloudwatch GetMetricData {"MetricDataQueries":[{"Id":"q0"}],"StartTime":"1970-01-01T00:00:00.000Z","EndTime":"1970-01-01T00:01:00.000Z"}',
    ]);
  });
});
