/**
 * The saturated capacity a configuration has at steady state, from what it showed while draining a backlog.
 *
 * The cost knobs run chained to the source, so each source subtask processes the records of the shards it
 * reads. Draining a backlog keeps every subtask busy with its own shards, so the drain rate is the sum of the
 * subtasks' own rates, whatever share of the live load their shards would carry. At steady state the load
 * arrives in the shards' shares of the offered load: subtask i, draining at r_i and reading shards whose shares
 * sum to s_i, saturates once the total reaches r_i / s_i. The first subtask to get there binds:
 *
 *   capacity = min(Σ r_i, min over subtasks with s_i > 0 of r_i / s_i)
 *
 * A hot key (one shard with far more than 1/shards of the load) and an uneven split of shards over subtasks
 * (P=3 on 8 shards: 3, 3 and 2) both show here and not in the drain rate. This is exact when the subtasks'
 * rates are independent (blocking I/O per subtask); when they share a CPU quota, a lightly loaded subtask leaves
 * CPU to the binding one at steady state, so this is then a lower bound.
 */

/** One source subtask over the measurement window. */
export interface SubtaskDrain {
  subtask: number;
  recordsPerSecond: number;
  /** The shards it read (shardIds gauge). */
  shards: string[];
}

export interface SubtaskShare extends SubtaskDrain {
  /** Σ of its shards' shares of the offered load, 0..1. */
  share: number;
}

export interface SteadyCapacity {
  recordsPerSecond: number;
  drainRecordsPerSecond: number;
  /** Per subtask, with its share; empty when the readings were missing. */
  subtasks: SubtaskShare[];
  /** The subtask whose r_i / s_i binds; null when the drain rate itself binds or no readings were usable. */
  bindingSubtask: number | null;
  bindingShare: number | null;
  /** Why the drain rate was used as it is (null when per-subtask readings were used). */
  fallback: string | null;
}

/**
 * The drain rate split over subtasks by each one's consumption in the same window. Only the ratios of the
 * counters matter: Flink's REST API serves metrics fetched up to a second earlier, which would skew per-subtask
 * rates divided by the reading times, but not their shares of one drain.
 */
export function splitDrain(drainRecordsPerSecond: number, consumed: { subtask: number; records: number; shards: string[] }[]): SubtaskDrain[] {
  const total = consumed.reduce((a, c) => a + c.records, 0);
  return consumed.map((c) => ({
    subtask: c.subtask,
    recordsPerSecond: total > 0 ? (drainRecordsPerSecond * c.records) / total : 0,
    shards: c.shards,
  }));
}

/** The steady-state capacity; `subtasks` or `shardShares` null (not read) falls back to the drain rate. */
export function steadyCapacity(
  drainRecordsPerSecond: number,
  subtasks: SubtaskDrain[] | null,
  shardShares: ReadonlyMap<string, number> | null,
): SteadyCapacity {
  const fallback = (reason: string): SteadyCapacity => ({
    recordsPerSecond: drainRecordsPerSecond, drainRecordsPerSecond, subtasks: [], bindingSubtask: null, bindingShare: null, fallback: reason,
  });
  if (!shardShares || shardShares.size === 0) return fallback('no per-shard shares of the load');
  if (!subtasks || subtasks.length === 0) return fallback('no per-subtask readings');
  const seen = new Set<string>();
  for (const t of subtasks) {
    if (t.recordsPerSecond > 0 && t.shards.length === 0) return fallback(`subtask ${t.subtask} consumed records but named no shard`);
    for (const id of t.shards) {
      if (!shardShares.has(id)) return fallback(`subtask ${t.subtask} reads ${id}, which the backlog did not write to`);
      if (seen.has(id)) return fallback(`${id} is read by more than one subtask`);
      seen.add(id);
    }
  }
  const unread = [...shardShares].filter(([id, share]) => share > 0 && !seen.has(id)).map(([id]) => id);
  if (unread.length > 0) return fallback(`no subtask reported reading ${unread.join(', ')}`);

  const withShares: SubtaskShare[] = subtasks.map((t) => ({ ...t, share: t.shards.reduce((a, id) => a + shardShares.get(id)!, 0) }));
  let capacity = withShares.reduce((a, t) => a + t.recordsPerSecond, 0);
  let binding: SubtaskShare | null = null;
  for (const t of withShares) {
    if (t.share <= 0) continue;
    const saturatesAt = t.recordsPerSecond / t.share;
    if (saturatesAt < capacity) {
      capacity = saturatesAt;
      binding = t;
    }
  }
  return {
    recordsPerSecond: capacity, drainRecordsPerSecond, subtasks: withShares,
    bindingSubtask: binding?.subtask ?? null, bindingShare: binding?.share ?? null, fallback: null,
  };
}

/** Each shard's share of the records written, from the ShardId of each PutRecords result entry. */
export function sharesOf(countByShard: ReadonlyMap<string, number>): Map<string, number> {
  const total = [...countByShard.values()].reduce((a, b) => a + b, 0);
  return new Map([...countByShard].map(([id, n]) => [id, total > 0 ? n / total : 0]));
}
