/**
 * Every constraint that binds the answer, each with its numbers, so advice names all causes when they
 * combine (too few shards *and* a hot partition key; a hot-key subtask *and* too little compute) rather
 * than the first one found. Pure: from the load, the stream assessment and the fitted model evaluated at
 * one configuration.
 *
 * A stream constraint binds when the stream does not accept (or deliver) the load. A job constraint binds
 * when, at the configuration examined, its bound is below the required capacity (nothing fits within the
 * limits), or when it is the bound that sets the recommended size.
 */
import type { BindingConstraint } from '../report-types';
import type { CapacityEstimate } from './capacity-model';
import type { StreamAssessment } from './stream-advice';
import { fmt, fmtPair } from './wording';

export type { BindingConstraint };

export interface JobAt {
  parallelism: number;
  parallelismPerKpu: number;
  /** The model at this configuration (mid estimates). */
  estimate: CapacityEstimate;
  /** C and H with the hot key's share set to 0: the bounds a key spread evenly would leave. */
  withoutKey: { computeBound: number; hotKeyBound: number };
  /** h (mid); counts only when the trials show it for sure (its range excludes 0). */
  hotKeyShare: number;
  hotKeyEvident: boolean;
  resource: 'cpu' | 'io';
  /** The capacity a trial measured at this configuration, when one did: it replaces the modelled bound that sets the size. */
  measured?: number;
  /** true: the recommendation (name the bound that sets its size); false: the most capable configuration, which falls short. */
  recommended: boolean;
}

export interface ConstraintInput {
  peak: number;
  stream: StreamAssessment;
  /** Records/s one consumer can read from the stream as it is. */
  readLimit: number;
  /** The capacity μ the job needs (peak, headroom, catch-up). */
  requiredCapacity: number;
  job?: JobAt;
  /** Heap when memory sets the KPU count or rules out every configuration. */
  memory?: { heapPercent: number; maxPercent: number; kpus: number };
}

export function bindingConstraints(input: ConstraintInput): BindingConstraint[] {
  const { stream: s, peak } = input;
  const out: BindingConstraint[] = [];
  const writeLimit = s.shards * s.shardLimit;
  if (peak > writeLimit * (1 + 1e-9)) {
    out.push({ kind: 'stream-write-limit', unit: 'records/s', required: peak, limit: writeLimit, shards: s.shards, shardsNeeded: s.shardsOnceKeySpread });
  }
  const keyShare = s.partitionKeyShare;
  // A skew binds when it is why this many shards are not enough (or why none are).
  if (keyShare !== null && keyShare > 0 && s.throttled && (s.minimumShards === null || s.minimumShards > s.shardsOnceKeySpread)) {
    out.push({
      kind: 'hot-partition-key', unit: 'records/s', keyShare, required: keyShare * peak, limit: s.shardLimit,
      spreadNeeded: s.minimumShards === null, shardsNeeded: s.minimumShards, shardsOnceSpread: s.shardsOnceKeySpread,
    });
  }
  if (input.requiredCapacity > input.readLimit * (1 + 1e-9)) {
    const perShard = input.readLimit / s.shards;
    out.push({ kind: 'stream-read-limit', unit: 'records/s', required: input.requiredCapacity, limit: input.readLimit, shards: s.shards, shardsNeeded: Math.ceil(input.requiredCapacity / perShard - 1e-9) });
  }
  out.push(...jobConstraints(input));
  if (input.memory) {
    const m = input.memory;
    out.push({ kind: 'memory', unit: '% heap per KPU', required: m.heapPercent, limit: m.maxPercent, kpus: m.kpus });
  }
  return out;
}

function jobConstraints(input: ConstraintInput): BindingConstraint[] {
  const j = input.job;
  if (!j) return [];
  const e = j.estimate;
  const at = { parallelism: j.parallelism, parallelismPerKpu: j.parallelismPerKpu };
  const required = input.requiredCapacity;
  const compute: BindingConstraint = { kind: 'compute', unit: 'records/s', resource: j.resource, required, limit: Math.min(e.computeBound, j.withoutKey.hotKeyBound), ...at };
  // The key binds when its share pulls H below what evenly spread keys would leave.
  const keyBound: BindingConstraint | null = j.hotKeyEvident && j.hotKeyShare > 0 && e.hotKeyBound < Math.min(e.computeBound, j.withoutKey.hotKeyBound) * (1 - 1e-9)
    ? { kind: 'hot-key-subtask', unit: 'records/s', keyShare: j.hotKeyShare, required, limit: e.hotKeyBound, ...at }
    : null;
  if (j.recommended) {
    // The bound that sets the size: the tighter of the two (the stream's read bound is the stream's).
    if (e.bottleneck === 'source') return [];
    const sets = keyBound && keyBound.limit < compute.limit ? keyBound : compute;
    return [{ ...sets, limit: j.measured ?? sets.limit }];
  }
  const both: BindingConstraint[] = keyBound ? [keyBound, compute] : [compute];
  const short = both.filter((c) => c.limit < required);
  return short.sort((a, b) => a.limit - b.limit);
}

/** The dominant constraint's label for the report's `bottleneck` field (its historical vocabulary). */
export function bottleneckLabel(c: BindingConstraint): string {
  switch (c.kind) {
    case 'stream-write-limit':
    case 'hot-partition-key':
    case 'stream-read-limit':
      return 'stream';
    case 'hot-key-subtask':
      return 'hot-key';
    case 'compute':
      return c.resource === 'io' ? 'io' : 'compute';
    case 'memory':
      return 'memory';
  }
}

/** One phrase per constraint, with its numbers: "hot partition key: ~20% of the records = 1,600/s > 1,000/s a shard accepts — spread it". */
export function describeConstraint(c: BindingConstraint): string {
  const cmp = (a: number, b: number, op: string) => {
    const [x, y] = fmtPair(a, b);
    return `${x}/s ${op} ${y}/s`;
  };
  const config = (x: { parallelism: number; parallelismPerKpu: number }) => `P=${x.parallelism}, ParallelismPerKPU=${x.parallelismPerKpu}`;
  switch (c.kind) {
    case 'stream-write-limit':
      return `stream write limit: ${c.shards} shards accept at most ${cmp(c.limit, c.required, '<')} at the peak even with evenly spread keys; ${c.shardsNeeded} shards needed`;
    case 'hot-partition-key':
      return c.spreadNeeded
        ? `hot partition key: ~${pct(c.keyShare)} of the records = ${cmp(c.required, c.limit, c.required > c.limit ? '>' : '=')} a shard accepts; no shard count helps until it is spread, then ${c.shardsOnceSpread} shards`
        : `hot partition key: ~${pct(c.keyShare)} of the records (${fmt(c.required)}/s) on one shard; ${c.shardsNeeded} shards needed at this skew (${c.shardsOnceSpread} once it is spread)`;
    case 'stream-read-limit':
      return `stream read limit: ${c.shards} shards deliver at most ${cmp(c.limit, c.required, '<')} required; ${c.shardsNeeded} shards needed`;
    case 'hot-key-subtask':
      return `hot-key subtask: ~${pct(c.keyShare)} of the records on one subtask caps ${config(c)} at ${cmp(c.limit, c.required, c.limit < c.required ? '<' : '>=')} required`;
    case 'compute':
      return `${c.resource === 'io' ? 'compute (subtasks waiting on I/O)' : 'compute (vCPU)'}: ${config(c)} reach ${cmp(c.limit, c.required, c.limit < c.required ? '<' : '>=')} required`;
    case 'memory':
      return `memory: heap ~${fmt(c.required)}% per KPU at ${c.kpus} KPU(s) ${c.required > c.limit ? '>' : '<='} the ${fmt(c.limit)}% SLO`;
  }
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}
