import { DEFAULT_RUNTIME, LAG_NOT_YET_REPORTED, METRICS, isDeprecated, metricFor, runtimeVersion } from '../../core/metric-catalogue';

describe('metric names by Managed Flink runtime', () => {
  it('reads restarts as fullRestarts up to FLINK-1_20 and as numRestarts from FLINK-2_2', () => {
    expect(metricFor('fullRestarts')).toBe(METRICS.fullRestarts);
    expect(metricFor('fullRestarts', 'FLINK-1_20')).toBe(METRICS.fullRestarts);
    expect(metricFor('fullRestarts', 'FLINK-2_2')).toBe(METRICS.numRestarts);
    expect(metricFor('fullRestarts', 'FLINK-2_10')).toBe(METRICS.numRestarts);
    expect(metricFor('millisBehindLatest', 'FLINK-2_2')).toBe(METRICS.millisBehindLatest);
  });

  it('marks uptime and downtime deprecated from FLINK-2_2, not before', () => {
    expect([isDeprecated('uptime'), isDeprecated('downtime'), isDeprecated('fullRestarts', 'FLINK-2_2')]).toEqual([false, false, false]);
    expect([isDeprecated('uptime', 'FLINK-2_2'), isDeprecated('downtime', 'FLINK-2_2')]).toEqual([true, true]);
  });

  it('understands runtime names of the form FLINK-<major>_<minor> only', () => {
    expect(DEFAULT_RUNTIME).toBe('FLINK-1_20');
    expect(runtimeVersion('FLINK-1_20')).toEqual([1, 20]);
    expect(() => runtimeVersion('flink-1.20')).toThrow('runtime: expected FLINK-<major>_<minor> such as FLINK-1_20 (got "flink-1.20")');
  });

  it('declares -1 as millisBehindLatest before the source reports, and no such value elsewhere', () => {
    expect(LAG_NOT_YET_REPORTED).toBe(-1);
    expect(METRICS.millisBehindLatest.unknownValue).toBe(-1);
    expect(Object.values(METRICS).filter((d) => 'unknownValue' in d).map((d) => d.name)).toEqual(['millisBehindLatest']);
  });
});
