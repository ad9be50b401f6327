/**
 * What each source subtask of a running local job has consumed and which shards it reads, read through the
 * Flink REST API, and the per-subtask drain between two such readings (input of steady-capacity.ts).
 */
import { sourceMetricId, subtaskMetricIds, subtaskMetricValues } from './flink-rest';
import { splitDrain, type SubtaskDrain } from './steady-capacity';

export interface RunningSource {
  restUrl: string;
  jid: string;
  vertexId: string;
  parallelism: number;
}

export interface SourceSubtasksReading {
  atMs: number;
  subtasks: { subtask: number; consumed: number; shards: string[] }[];
}

const SHARD_IDS = 'shardIds';

async function readOnce(src: RunningSource, ids: { consumed: string; shards: string }): Promise<SourceSubtasksReading | null> {
  const atMs = Date.now();
  const subtasks: SourceSubtasksReading['subtasks'] = [];
  for (let i = 0; i < src.parallelism; i++) {
    const values = await subtaskMetricValues(src.restUrl, src.jid, src.vertexId, i, [ids.consumed, ids.shards]);
    const consumed = Number(values.get(ids.consumed));
    if (!Number.isFinite(consumed)) return null;
    const shards = values.get(ids.shards);
    subtasks.push({ subtask: i, consumed, shards: shards ? shards.split(',').filter((x) => x.length > 0) : [] });
  }
  return { atMs, subtasks };
}

const same = (a: SourceSubtasksReading, b: SourceSubtasksReading) =>
  a.subtasks.every((t, i) => t.consumed === b.subtasks[i].consumed && t.shards.join() === b.subtasks[i].shards.join());

/**
 * Every source subtask's numRecordsIn and shardIds from one fetch of the REST API's metric fetcher. Subtasks are
 * read one request each, and the fetcher refreshes every second: a pass that straddled a refresh mixes two
 * moments, which over an 8-second window skews one subtask by up to an eighth. Two identical passes in a row
 * were both served from one fetch (a draining subtask's counter moves at every fetch). Null when the metrics
 * are not registered or no two passes agreed within a few tries.
 */
export async function readSourceSubtasks(src: RunningSource): Promise<SourceSubtasksReading | null> {
  const all = await subtaskMetricIds(src.restUrl, src.jid, src.vertexId);
  const consumed = sourceMetricId(all, 'numRecordsIn');
  const shards = all.find((id) => id.endsWith(`.${SHARD_IDS}`));
  if (!consumed || !shards) return null;
  let previous = await readOnce(src, { consumed, shards });
  for (let attempt = 0; attempt < 8 && previous; attempt++) {
    const next = await readOnce(src, { consumed, shards });
    if (!next) return null;
    if (same(previous, next)) return previous;
    previous = next;
  }
  return null;
}

/** The drain rate split over subtasks by what each consumed between two readings of the same job (null: unusable). */
export function drainsBetween(drainRecordsPerSecond: number, start: SourceSubtasksReading | null, end: SourceSubtasksReading | null): SubtaskDrain[] | null {
  if (!start || !end || start.subtasks.length !== end.subtasks.length || end.atMs <= start.atMs) return null;
  const consumed = end.subtasks.map((t, i) => ({
    subtask: t.subtask,
    records: Math.max(0, t.consumed - start.subtasks[i].consumed),
    // The end reading: a reader names its shards from their assignment on.
    shards: t.shards,
  }));
  // Nothing consumed in between (the backlog gone): no subtask's part of a drain to tell.
  return consumed.some((c) => c.records > 0) ? splitDrain(drainRecordsPerSecond, consumed) : null;
}
