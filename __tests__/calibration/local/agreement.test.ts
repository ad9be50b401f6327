import { agreement, margin } from '../../../calibration/local/agreement';
import { nearestToRequirement, relativeSpread } from '../../../calibration/local/sweep';

/** A sweep of an I/O-bound job at 187.5 records/s required: one KPU at P=2 is the cheapest meeting it. */
const swept = [
  { parallelism: 1, parallelismPerKpu: 1, kpus: 1, capacityRecordsPerSecond: 110, feasible: false },
  { parallelism: 2, parallelismPerKpu: 2, kpus: 1, capacityRecordsPerSecond: 220, feasible: true },
  { parallelism: 2, parallelismPerKpu: 1, kpus: 2, capacityRecordsPerSecond: 215, feasible: true },
];
const required = 187.5;

describe('agreement of a local calibration with a sweep of the same job', () => {
  it('agrees when the calibration recommends the sweep\'s cheapest KPU count and that configuration meets the requirement', () => {
    const a = agreement({ recommendation: { parallelism: 2, parallelismPerKpu: 2, kpus: 1 }, configurations: swept, requiredRecordsPerSecond: required, noise: 0.05 });
    expect(a).toEqual({ agree: true, kind: 'equal', sweepKpus: 1, calibratedKpus: 1, cheaperMargin: null, calibratedMargin: margin(220, required), reasons: [] });
  });

  it('disagrees with the same KPU count when the recommended configuration falls short in the sweep beyond the noise', () => {
    const a = agreement({ recommendation: { parallelism: 1, parallelismPerKpu: 1, kpus: 1 }, configurations: swept, requiredRecordsPerSecond: required, noise: 0.05 });
    expect(a.agree).toBe(false);
    expect(a.kind).toBe('disagree');
    expect(a.reasons).toEqual(['the calibrated P=1 K=1 measured 110.0/s in the sweep, 41.3% short of the required 187.5/s (noise 5.0%)']);
  });

  it('accepts one KPU more only when the sweep\'s margin at the cheaper count is inside the measured noise', () => {
    const rec = { parallelism: 2, parallelismPerKpu: 1, kpus: 2 };
    const inside = agreement({ recommendation: rec, configurations: swept, requiredRecordsPerSecond: required, noise: 0.2 });
    expect(inside.agree).toBe(true);
    expect(inside.kind).toBe('one-more-within-noise');
    expect(inside.cheaperMargin).toBeCloseTo(220 / 187.5 - 1, 12);
    const outside = agreement({ recommendation: rec, configurations: swept, requiredRecordsPerSecond: required, noise: 0.1 });
    expect(outside.agree).toBe(false);
    expect(outside.reasons).toEqual(['calibrated 2 KPUs, the sweep\'s cheapest is 1 KPUs with a margin of 17.3% over the required 187.5/s, outside the measured noise of 10.0%']);
  });

  it('never accepts two KPUs more, fewer KPUs than the sweep, no answer, or a configuration the sweep did not measure', () => {
    const wide = [...swept, { parallelism: 3, parallelismPerKpu: 1, kpus: 3, capacityRecordsPerSecond: 300, feasible: true }];
    expect(agreement({ recommendation: { parallelism: 3, parallelismPerKpu: 1, kpus: 3 }, configurations: wide, requiredRecordsPerSecond: required, noise: 1 }).reasons)
      .toEqual(['calibrated 3 KPUs, the sweep\'s cheapest meeting the SLO is 1 KPUs']);
    const none = agreement({ recommendation: null, configurations: swept, requiredRecordsPerSecond: required, noise: 0 });
    expect(none.reasons).toEqual(['the calibration gave no answer']);
    const unmeasured = agreement({ recommendation: { parallelism: 4, parallelismPerKpu: 4, kpus: 1 }, configurations: swept, requiredRecordsPerSecond: required, noise: 0 });
    expect(unmeasured.reasons).toEqual(['the sweep did not measure the calibrated P=4 on 1 KPUs']);
    const infeasible = agreement({ recommendation: { parallelism: 2, parallelismPerKpu: 2, kpus: 1 }, configurations: swept.map((c) => ({ ...c, feasible: false })), requiredRecordsPerSecond: required, noise: 0 });
    expect(infeasible.reasons).toEqual(['the sweep found no configuration meeting the SLO']);
  });
});

describe('the sweep\'s noise measurement', () => {
  it('re-measures the configuration relatively nearest the requirement', () => {
    const rows = [{ recordsPerSecond: 110 }, { recordsPerSecond: 220 }, { recordsPerSecond: 330 }];
    expect(nearestToRequirement(rows, 187.5)).toBe(rows[1]);
    expect(nearestToRequirement([], 187.5)).toBeNull();
  });

  it('reports the spread of repeated measurements as (max - min) / mean, 0 for one', () => {
    expect(relativeSpread([200, 220])).toBeCloseTo(20 / 210, 12);
    expect(relativeSpread([200])).toBe(0);
  });
});
