/**
 * Every binding constraint is named with its numbers, also when several bind at once.
 */
import { bindingConstraints, bottleneckLabel, describeConstraint, type ConstraintInput, type JobAt } from '../../../calibration/algorithm/binding-constraints';
import type { StreamAssessment } from '../../../calibration/algorithm/stream-advice';

const calmStream = (shards: number, minimumShards: number): StreamAssessment => ({
  throttled: false, shards, requiredShards: shards, hottestShardShare: 1 / shards, minimumShards, shardsOnceKeySpread: minimumShards,
  partitionKeyShare: null, shardLimit: 1000, explanation: '',
});

const job = (over: Partial<JobAt> & { computeBound: number; hotKeyBound: number; withoutKeyHot?: number }): JobAt => ({
  parallelism: 16, parallelismPerKpu: 8, hotKeyShare: 0, hotKeyEvident: false, resource: 'io', recommended: false,
  estimate: {
    computeBound: over.computeBound, hotKeyBound: over.hotKeyBound, sourceBound: 1e9,
    recordsPerSecond: Math.min(over.computeBound, over.hotKeyBound), bottleneck: 'compute',
  },
  withoutKey: { computeBound: over.computeBound, hotKeyBound: over.withoutKeyHot ?? over.computeBound },
  ...over,
});

const base = (over: Partial<ConstraintInput>): ConstraintInput => ({
  peak: 5000, stream: calmStream(8, 5), readLimit: 8 * 4660, requiredCapacity: 6250, ...over,
});

describe('binding constraints', () => {
  it('too few shards and a hot partition key: both, each with its numbers', () => {
    const stream: StreamAssessment = {
      throttled: true, shards: 4, requiredShards: 4, cause: 'hot-partition-key', hottestShardShare: 0.4, minimumShards: null,
      shardsOnceKeySpread: 8, partitionKeyShare: 0.2, shardLimit: 1000, explanation: '',
    };
    const cs = bindingConstraints(base({ peak: 8000, stream, readLimit: 4 * 1310.72 * 2, requiredCapacity: 10000 }));
    expect(cs).toEqual([
      { kind: 'stream-write-limit', unit: 'records/s', required: 8000, limit: 4000, shards: 4, shardsNeeded: 8 },
      { kind: 'hot-partition-key', unit: 'records/s', keyShare: 0.2, required: 1600, limit: 1000, spreadNeeded: true, shardsNeeded: null, shardsOnceSpread: 8 },
    ]);
    expect(cs.map(describeConstraint)).toEqual([
      'stream write limit: 4 shards accept at most 4,000/s < 8,000/s at the peak even with evenly spread keys; 8 shards needed',
      'hot partition key: ~20% of the records = 1,600/s > 1,000/s a shard accepts; no shard count helps until it is spread, then 8 shards',
    ]);
    expect(bottleneckLabel(cs[0])).toBe('stream');
  });

  it('a skew some shard count absorbs binds with that count', () => {
    const stream: StreamAssessment = {
      throttled: true, shards: 4, requiredShards: 6, cause: 'write-throughput', hottestShardShare: 0.4, minimumShards: 6,
      shardsOnceKeySpread: 3, partitionKeyShare: 0.2, shardLimit: 1000, explanation: '',
    };
    const cs = bindingConstraints(base({ peak: 3000, stream, requiredCapacity: 3750 }));
    expect(cs).toEqual([{ kind: 'hot-partition-key', unit: 'records/s', keyShare: 0.2, required: 600, limit: 1000, spreadNeeded: false, shardsNeeded: 6, shardsOnceSpread: 3 }]);
    expect(describeConstraint(cs[0])).toBe('hot partition key: ~20% of the records (600/s) on one shard; 6 shards needed at this skew (3 once it is spread)');
  });

  it('infeasible with a hot key the trials show: names the hot-key subtask, not just "capacity"', () => {
    // P=16, K=8 of an I/O job: H = 473 / (0.1 + 0.9 / 16) = 3,030 < 6,250; C = 16 * 473 = 7,569 is enough.
    const cs = bindingConstraints(base({ job: job({ computeBound: 7569, hotKeyBound: 3030, hotKeyShare: 0.1, hotKeyEvident: true }) }));
    expect(cs).toEqual([{ kind: 'hot-key-subtask', unit: 'records/s', keyShare: 0.1, required: 6250, limit: 3030, parallelism: 16, parallelismPerKpu: 8 }]);
    expect(bottleneckLabel(cs[0])).toBe('hot-key');
    expect(describeConstraint(cs[0])).toBe('hot-key subtask: ~10% of the records on one subtask caps P=16, ParallelismPerKPU=8 at 3,030/s < 6,250/s required');
  });

  it('infeasible on both a hot key and compute: both, tightest first', () => {
    const cs = bindingConstraints(base({ job: job({ computeBound: 5000, hotKeyBound: 3030, hotKeyShare: 0.1, hotKeyEvident: true }) }));
    expect(cs.map((c) => [c.kind, c.limit])).toEqual([['hot-key-subtask', 3030], ['compute', 5000]]);
  });

  it('a hot-key share the trials cannot tell from 0 is not named', () => {
    const cs = bindingConstraints(base({ job: job({ computeBound: 5000, hotKeyBound: 4900, hotKeyShare: 0.003, hotKeyEvident: false }) }));
    expect(cs.map((c) => c.kind)).toEqual(['compute']);
  });

  it('evenly spread keys on a partly filled KPU are compute: the bound they leave is the compute limit', () => {
    // No key: H = P rate(k) = 2,000 < C = 2,933 (the last KPU partly filled). The compute constraint says 2,000.
    const cs = bindingConstraints(base({ requiredCapacity: 3000, job: job({ computeBound: 2933, hotKeyBound: 2000, withoutKeyHot: 2000, resource: 'cpu', parallelism: 10, parallelismPerKpu: 4 }) }));
    expect(cs).toEqual([{ kind: 'compute', unit: 'records/s', resource: 'cpu', required: 3000, limit: 2000, parallelism: 10, parallelismPerKpu: 4 }]);
    expect(bottleneckLabel(cs[0])).toBe('compute');
  });

  it('a recommendation names the bound that sets its size, at the capacity its trial measured', () => {
    const cs = bindingConstraints(base({ requiredCapacity: 6500, job: job({ computeBound: 7500, hotKeyBound: 7500, recommended: true, measured: 7569 }) }));
    expect(cs).toEqual([{ kind: 'compute', unit: 'records/s', resource: 'io', required: 6500, limit: 7569, parallelism: 16, parallelismPerKpu: 8 }]);
    expect(bottleneckLabel(cs[0])).toBe('io');
    expect(describeConstraint(cs[0])).toBe('compute (subtasks waiting on I/O): P=16, ParallelismPerKPU=8 reach 7,569/s >= 6,500/s required');
  });

  it('reads and memory: the read limit of the shards and the heap per KPU', () => {
    // 8 shards delivering 500/s each: 6,250/s need 13.
    const cs = bindingConstraints(base({ readLimit: 4000, requiredCapacity: 6250, memory: { heapPercent: 95, maxPercent: 90, kpus: 4 } }));
    expect(cs).toEqual([
      { kind: 'stream-read-limit', unit: 'records/s', required: 6250, limit: 4000, shards: 8, shardsNeeded: 13 },
      { kind: 'memory', unit: '% heap per KPU', required: 95, limit: 90, kpus: 4 },
    ]);
    expect(describeConstraint(cs[0])).toBe('stream read limit: 8 shards deliver at most 4,000/s < 6,250/s required; 13 shards needed');
    expect(describeConstraint(cs[1])).toBe('memory: heap ~95% per KPU at 4 KPU(s) > the 90% SLO');
  });

  it('compared numbers never print alike when they differ', () => {
    const cs = bindingConstraints(base({ requiredCapacity: 7500.2, job: job({ computeBound: 7499.6, hotKeyBound: 1e9 }) }));
    expect(describeConstraint(cs[0])).toBe('compute (subtasks waiting on I/O): P=16, ParallelismPerKPU=8 reach 7,499.6/s < 7,500.2/s required');
  });
});
