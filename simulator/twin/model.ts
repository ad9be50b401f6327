/**
 * The twin's model as pure functions (docs/twin-model.md sections 1, 2, 5, 6, 8 and docs/json-shapes.md "What right-sized
 * means"): the simulation, `twin run` and `twin sweep` all compute capacity, downtime, heap and cost here,
 * so the what-if answers and the simulated world can never disagree.
 */
import type { JobParameters, Scenario } from './scenario';
import { peakRate } from '../../core/rate-profile';
import { HEAP_MB_PER_KPU, MAX_PARALLELISM_PER_KPU, shardWriteLimit, streamReadLimit } from '../../core/aws-facts';
import { kpusFor } from '../../core/managed-flink';
import { costOf } from '../../core/pricing';
import { shardsToAccept } from '../../core/shard-advice';

/** Above this heap utilization the job runs out of memory (the twin's OOM threshold). */
export const OOM_HEAP_UTILIZATION = 0.95;

export interface Config {
  parallelism: number;
  parallelismPerKpu: number;
}

export type Bottleneck = 'compute' | 'hot-key' | 'source';

export interface Capacity {
  /** C: all subtasks busy. */
  computeBound: number;
  /** H: the hot-key subtask saturated. */
  hotKeyBound: number;
  /** R: the stream's read limits. */
  sourceBound: number;
  /** μ = min(C, H, R), noise-free. */
  recordsPerSecond: number;
  bottleneck: Bottleneck;
}

/** c_j: CPU ms per record when j subtasks share one KPU's vCPU. */
export function cpuMsPerRecordShared(job: Pick<JobParameters, 'cpuMsPerRecord' | 'slotContention'>, j: number): number {
  return job.cpuMsPerRecord * (1 + job.slotContention * (j - 1));
}

/** rate(j): records/s of one subtask among j on a KPU (bounded by its own time and by the shared vCPU). */
export function subtaskRate(job: Pick<JobParameters, 'cpuMsPerRecord' | 'slotContention' | 'ioWaitMsPerRecord'>, j: number): number {
  const c = cpuMsPerRecordShared(job, j);
  return Math.min(1000 / (c + job.ioWaitMsPerRecord), 1000 / (c * j));
}

/** Share of the records the hot-key subtask gets: h + (1 - h) / P. */
export function hotSubtaskShare(hotKeyShare: number, parallelism: number): number {
  return hotKeyShare + (1 - hotKeyShare) / parallelism;
}

/** Subtasks per KPU for (P, k) as the twin fills KPUs: floor(P/k) full KPUs of k, then one of the rest. */
export function placementOf(config: Config): number[] {
  const { parallelism: p, parallelismPerKpu: k } = config;
  const full = Math.floor(p / k);
  const rest = p - full * k;
  return [...Array.from({ length: full }, () => k), ...(rest > 0 ? [rest] : [])];
}

/** Noise-free μ of docs/twin-model.md section 2. */
export function capacity(
  config: Config,
  shards: number,
  recordBytes: number,
  job: Pick<JobParameters, 'cpuMsPerRecord' | 'slotContention' | 'ioWaitMsPerRecord' | 'hotKeyShare'>,
): Capacity {
  return placementCapacity(placementOf(config), shards, recordBytes, job);
}

/**
 * μ for any placement of P subtasks on KPUs (subtasks per KPU). The twin's own (P, k) is one placement; a
 * local run reports the one Flink made, which may differ (its TaskManagers all have k slots).
 */
export function placementCapacity(
  placement: number[],
  shards: number,
  recordBytes: number,
  job: Pick<JobParameters, 'cpuMsPerRecord' | 'slotContention' | 'ioWaitMsPerRecord' | 'hotKeyShare'>,
): Capacity {
  const used = placement.filter((j) => j > 0);
  const p = used.reduce((a, j) => a + j, 0);
  const computeBound = used.reduce((a, j) => a + j * subtaskRate(job, j), 0);
  // The busiest subtask shares the most crowded KPU's vCPU.
  const hotRate = subtaskRate(job, Math.max(...used));
  const hotKeyBound = hotRate / hotSubtaskShare(job.hotKeyShare, p);
  const sourceBound = streamReadLimit(shards, recordBytes);
  const recordsPerSecond = Math.min(computeBound, hotKeyBound, sourceBound);
  // With evenly spread keys H is P rate(j_hot): below C only because the last KPU is partly filled, where
  // the busiest subtask shares a full KPU's vCPU. That is compute, not a hot key; the key binds only when
  // its share pulls H below that.
  const keyBinds = job.hotKeyShare > 0 && hotKeyBound < Math.min(computeBound, p * hotRate);
  const bottleneck: Bottleneck =
    recordsPerSecond === computeBound ? 'compute' : recordsPerSecond === hotKeyBound ? (keyBinds ? 'hot-key' : 'compute') : 'source';
  return { computeBound, hotKeyBound, sourceBound, recordsPerSecond, bottleneck };
}

/** D: seconds one update (or autoscaling action, or OOM restart) keeps the job down. */
export function updateDowntimeSeconds(job: Pick<JobParameters, 'restartSeconds' | 'stateMb' | 'snapshotMbps'>): number {
  return job.restartSeconds + job.stateMb / job.snapshotMbps;
}

/** Heap per KPU as a fraction of the 3 GB heap: (baseHeapMb + stateMb / n) / 3072. */
export function heapUtilization(job: Pick<JobParameters, 'baseHeapMb' | 'stateMb'>, kpus: number): number {
  return (job.baseHeapMb + job.stateMb / kpus) / HEAP_MB_PER_KPU;
}

/** Share of the offered load the hottest shard gets: hs + (1 - hs) / S; the others get (1 - hs) / S each. */
export function hottestShardShare(shards: number, shardSkew: number): number {
  return shardSkew + (1 - shardSkew) / shards;
}

export interface StreamFit {
  accepts: boolean;
  /** The shards the stream needs: its own count when it accepts λ, else how many would at this skew; null when one partition key alone exceeds a shard. */
  requiredShards: number | null;
  /** The fewest shards that accept λ at this skew (fewer than the stream has when it has more than enough); null when one key alone exceeds a shard. */
  minimumShards: number | null;
  /** The fewest shards that accept λ once the hot key is spread evenly. */
  shardsOnceSpread: number;
}

export function streamFit(rate: number, shards: number, shardSkew: number, recordBytes: number): StreamFit {
  const limit = shardWriteLimit(recordBytes);
  const accepts = rate * hottestShardShare(shards, shardSkew) <= limit * (1 + 1e-12);
  const advice = shardsToAccept(rate, recordBytes, shardSkew);
  return {
    accepts,
    requiredShards: accepts ? shards : advice.minimumShards,
    // The stream accepting λ is the ground truth: the closed form may round an exact boundary the other way.
    minimumShards: accepts && advice.minimumShards === null ? shards : advice.minimumShards,
    shardsOnceSpread: advice.shardsOnceSpread,
  };
}

/** $ per hour of a running application: (n + 1) KPU-hours plus 50 GB of running storage per KPU. */
export function costPerHourUsd(kpus: number, pricing: Scenario['pricing']): number {
  return costOf(kpus, pricing).perHourUsd;
}

/** The capacity a configuration must have at peak λ: λ · max(1 / targetUtilization, 1 + D / catchUpSeconds). */
export function requiredCapacity(scenario: Pick<Scenario, 'load' | 'slo' | 'job'>, rate = peakRate(scenario.load.profile)): number {
  const d = updateDowntimeSeconds(scenario.job);
  return rate * Math.max(1 / scenario.slo.targetUtilization, 1 + d / scenario.slo.catchUpSeconds);
}

export interface ConfigAssessment extends Config {
  kpus: number;
  capacityRecordsPerSecond: number;
  bottleneck: Bottleneck;
  heapUtilization: number;
  costPerHourUsd: number;
  feasible: boolean;
  /** Why not feasible, one short phrase per failed condition; empty when feasible. */
  reasons: string[];
}

/** The objective of docs/calibration.md applied to one configuration. */
export function assess(scenario: Scenario, config: Config, maxKpu = scenario.limits.maxKpu): ConfigAssessment {
  const kpus = kpusFor(config.parallelism, config.parallelismPerKpu);
  const cap = capacity(config, scenario.stream.shards, scenario.load.recordBytes, scenario.job);
  const heap = heapUtilization(scenario.job, kpus);
  const peak = peakRate(scenario.load.profile);
  const needed = requiredCapacity(scenario, peak);
  const reasons: string[] = [];
  if (cap.recordsPerSecond < needed * (1 - 1e-12)) reasons.push(`capacity below ${round(needed, 1)} rec/s`);
  if (heap > scenario.slo.maxHeapUtilization) reasons.push(`heap ${round(100 * heap, 0)}% above ${round(100 * scenario.slo.maxHeapUtilization, 0)}%`);
  if (kpus > maxKpu) reasons.push(`KPUs above ${maxKpu}`);
  if (config.parallelism > scenario.limits.maxParallelism) reasons.push(`parallelism above ${scenario.limits.maxParallelism}`);
  if (!streamFit(peak, scenario.stream.shards, scenario.stream.shardSkew, scenario.load.recordBytes).accepts) {
    reasons.push('stream throttles writes');
  }
  return {
    ...config,
    kpus,
    capacityRecordsPerSecond: cap.recordsPerSecond,
    bottleneck: cap.bottleneck,
    heapUtilization: heap,
    costPerHourUsd: costPerHourUsd(kpus, scenario.pricing),
    feasible: reasons.length === 0,
    reasons,
  };
}

export type SizingVerdict = 'recommended' | 'stream-bound' | 'infeasible-within-limits';

export interface Sizing {
  verdict: SizingVerdict;
  peakRecordsPerSecond: number;
  requiredCapacityRecordsPerSecond: number;
  rightSize: ConfigAssessment | null;
  streamAdvice: {
    shards: number;
    requiredShards: number | null;
    cause?: 'write-throughput' | 'hot-partition-key';
    /** The fewest shards that accept the peak at the stream's key skew; null when one partition key alone exceeds a shard. */
    minimumShards: number | null;
    /** The fewest shards that accept the peak once the hot partition key is spread evenly. */
    shardsOnceKeySpread: number;
  };
  /** Every (P, K) with at most maxKpu KPUs and P <= limits.maxParallelism, by KPUs, then K, then P. */
  configurations: ConfigAssessment[];
}

/**
 * The right size: the feasible configuration with the fewest KPUs, among those the largest μ (then the
 * smallest P and K, so the answer is unique).
 */
export function rightSize(scenario: Scenario, maxKpu = scenario.limits.maxKpu): Sizing {
  const peak = peakRate(scenario.load.profile);
  const fit = streamFit(peak, scenario.stream.shards, scenario.stream.shardSkew, scenario.load.recordBytes);
  const configurations: ConfigAssessment[] = [];
  for (let k = 1; k <= MAX_PARALLELISM_PER_KPU; k++) {
    const maxP = Math.min(scenario.limits.maxParallelism, maxKpu * k);
    for (let p = 1; p <= maxP; p++) configurations.push(assess(scenario, { parallelism: p, parallelismPerKpu: k }, maxKpu));
  }
  configurations.sort((a, b) => a.kpus - b.kpus || a.parallelismPerKpu - b.parallelismPerKpu || a.parallelism - b.parallelism);
  let best: ConfigAssessment | null = null;
  for (const c of configurations) {
    if (!c.feasible) continue;
    if (
      !best || c.kpus < best.kpus ||
      (c.kpus === best.kpus && (c.capacityRecordsPerSecond > best.capacityRecordsPerSecond ||
        (c.capacityRecordsPerSecond === best.capacityRecordsPerSecond &&
          (c.parallelism < best.parallelism || (c.parallelism === best.parallelism && c.parallelismPerKpu < best.parallelismPerKpu)))))
    ) {
      best = c;
    }
  }
  const streamAdvice: Sizing['streamAdvice'] = {
    shards: scenario.stream.shards, requiredShards: fit.requiredShards, minimumShards: fit.minimumShards, shardsOnceKeySpread: fit.shardsOnceSpread,
  };
  if (!fit.accepts) streamAdvice.cause = fit.requiredShards === null ? 'hot-partition-key' : 'write-throughput';
  return {
    verdict: !fit.accepts ? 'stream-bound' : best ? 'recommended' : 'infeasible-within-limits',
    peakRecordsPerSecond: peak,
    requiredCapacityRecordsPerSecond: requiredCapacity(scenario, peak),
    rightSize: fit.accepts ? best : null,
    streamAdvice,
    configurations,
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
