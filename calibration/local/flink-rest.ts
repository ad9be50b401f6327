/** The few Flink REST API calls a local run needs: job state, source lag and counters, stop with savepoint, cancel. */

interface JobOverview {
  jid: string;
  name: string;
  state: string;
}

interface Vertex {
  id: string;
  name: string;
  status: string;
}

interface AggregatedMetric {
  id: string;
  min?: number;
  max?: number;
  sum?: number;
}

async function get<T>(restUrl: string, path: string): Promise<T> {
  const response = await fetch(restUrl + path);
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export async function runningJob(restUrl: string): Promise<JobOverview | undefined> {
  const { jobs } = await get<{ jobs: JobOverview[] }>(restUrl, '/jobs/overview');
  const job = jobs.find((j) => j.state === 'RUNNING');
  if (!job) return undefined;
  const { vertices } = await get<{ vertices: Vertex[] }>(restUrl, `/jobs/${job.jid}`);
  return vertices.every((v) => v.status === 'RUNNING') ? job : undefined;
}

async function vertices(restUrl: string, jid: string): Promise<Vertex[]> {
  return (await get<{ vertices: Vertex[] }>(restUrl, `/jobs/${jid}`)).vertices;
}

/** Metrics of all subtasks of every vertex whose metric id ends with `.<name>`, aggregated by Flink. */
async function metricAcrossVertices(restUrl: string, jid: string, name: string): Promise<AggregatedMetric[]> {
  const found: AggregatedMetric[] = [];
  for (const v of await vertices(restUrl, jid)) {
    const base = `/jobs/${jid}/vertices/${v.id}/subtasks/metrics`;
    const available = await get<{ id: string }[]>(restUrl, base);
    const ids = available.map((m) => m.id).filter((id) => id === name || id.endsWith(`.${name}`));
    if (ids.length === 0) continue;
    found.push(...(await get<AggregatedMetric[]>(restUrl, `${base}?get=${ids.map(encodeURIComponent).join(',')}&agg=min,max,sum`)));
  }
  return found;
}

/**
 * The source's millisBehindLatest, worst subtask (-1 until its first GetRecords answer); undefined while the
 * metric is not registered yet.
 */
export async function millisBehindLatest(restUrl: string, jid: string): Promise<number | undefined> {
  const metrics = await metricAcrossVertices(restUrl, jid, 'millisBehindLatest');
  if (metrics.length === 0) return undefined;
  return Math.max(...metrics.map((m) => m.max ?? -1));
}

/** A counter summed over all subtasks and operators that report it (malformedRecords, lateRecords, ...). */
export async function counter(restUrl: string, jid: string, name: string): Promise<number> {
  const metrics = await metricAcrossVertices(restUrl, jid, name);
  return metrics.reduce((total, m) => total + (m.sum ?? 0), 0);
}

export async function cancel(restUrl: string, jid: string): Promise<void> {
  await fetch(`${restUrl}/jobs/${jid}?mode=cancel`, { method: 'PATCH' });
}

/**
 * Stops the job with a savepoint (no drain: windows stay open in the savepoint, as on an UpdateApplication) and
 * returns the savepoint's location once it is complete.
 */
export async function stopWithSavepoint(restUrl: string, jid: string, targetDirectory: string): Promise<string> {
  const response = await fetch(`${restUrl}/jobs/${jid}/stop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ drain: false, targetDirectory }),
  });
  if (!response.ok) throw new Error(`POST /jobs/${jid}/stop: HTTP ${response.status} ${await response.text()}`);
  const { 'request-id': requestId } = (await response.json()) as { 'request-id': string };
  // A savepoint of a small state takes a second; a starved JVM on a loaded machine can take minutes.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const status = await get<{
      status: { id: string };
      operation?: { location?: string; 'failure-cause'?: { 'stack-trace'?: string } };
    }>(restUrl, `/jobs/${jid}/savepoints/${requestId}`);
    if (status.status.id === 'COMPLETED') {
      if (status.operation?.location) return status.operation.location;
      const cause = status.operation?.['failure-cause']?.['stack-trace']?.split('\n')[0] ?? 'no location';
      throw new Error(`stop with savepoint failed: ${cause}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('stop with savepoint: no answer within 180 s');
}

/** The job's state as the REST API shows it (RUNNING, FINISHED, FAILED...), undefined when it is unknown. */
export async function jobState(restUrl: string, jid: string): Promise<string | undefined> {
  return (await get<{ state?: string }>(restUrl, `/jobs/${jid}`)).state;
}

export interface VertexInfo {
  id: string;
  name: string;
  parallelism: number;
}

export async function jobVertices(restUrl: string, jid: string): Promise<VertexInfo[]> {
  return (await get<{ vertices: VertexInfo[] }>(restUrl, `/jobs/${jid}`)).vertices;
}

/** Every metric id its subtasks report, for picking operator-scoped ids (they carry the operator's name). */
export async function subtaskMetricIds(restUrl: string, jid: string, vertexId: string): Promise<string[]> {
  return (await get<{ id: string }[]>(restUrl, `/jobs/${jid}/vertices/${vertexId}/subtasks/metrics`)).map((m) => m.id);
}

export interface Aggregate {
  min: number;
  max: number;
  avg: number;
  sum: number;
}

/** `ids` aggregated over the vertex's subtasks (min, max, avg, sum), keyed by id; ids not reported are absent. */
export async function subtaskAggregates(restUrl: string, jid: string, vertexId: string, ids: string[]): Promise<Map<string, Aggregate>> {
  const out = new Map<string, Aggregate>();
  if (ids.length === 0) return out;
  const rows = await get<{ id: string; min?: number; max?: number; avg?: number; sum?: number }[]>(
    restUrl, `/jobs/${jid}/vertices/${vertexId}/subtasks/metrics?get=${ids.map(encodeURIComponent).join(',')}&agg=min,max,avg,sum`);
  for (const r of rows) out.set(r.id, { min: r.min ?? 0, max: r.max ?? 0, avg: r.avg ?? 0, sum: r.sum ?? 0 });
  return out;
}

/**
 * Each subtask's accumulated busy time since it started, ms (`accumulated-busy-time` of the vertex details),
 * in subtask order; undefined where a subtask does not report it yet. The busyTimeMsPerSecond gauge averages
 * over a window of its own (it trailed a step in load by tens of seconds here), too slow for a compressed
 * clock whose "minute" lasts a few wall seconds; the slope of this counter over a period is that period's.
 */
export async function subtaskBusyMs(restUrl: string, jid: string, vertexId: string): Promise<(number | undefined)[]> {
  const d = await get<{ subtasks?: { metrics?: Record<string, unknown> }[] }>(restUrl, `/jobs/${jid}/vertices/${vertexId}`);
  return (d.subtasks ?? []).map((s) => {
    const v = s.metrics?.['accumulated-busy-time'];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  });
}

/** The source operator's metric id `name` among a vertex's ids (operator-scoped ids carry the operator's name). */
export function sourceMetricId(ids: string[], name: string): string | undefined {
  return ids.find((id) => id.startsWith('Source__') && id.endsWith(`.${name}`));
}

/** The TaskManager running each subtask of a vertex, by subtask index (`taskmanager-id` of the vertex details). */
export async function subtaskTaskManagers(restUrl: string, jid: string, vertexId: string): Promise<string[]> {
  const d = await get<{ subtasks?: { 'taskmanager-id'?: string }[] }>(restUrl, `/jobs/${jid}/vertices/${vertexId}`);
  return (d.subtasks ?? []).map((s) => s['taskmanager-id'] ?? '');
}

/** The cluster's TaskManager ids, sorted (a stable order for numbering emulated KPUs). */
export async function taskManagerIds(restUrl: string): Promise<string[]> {
  const { taskmanagers } = await get<{ taskmanagers: { id: string }[] }>(restUrl, '/taskmanagers');
  return taskmanagers.map((t) => t.id).sort();
}

/** Heap used by the job's JVM (every TaskManager of a MiniCluster shares it), bytes. */
export async function taskManagerHeapUsed(restUrl: string): Promise<number | undefined> {
  const { taskmanagers } = await get<{ taskmanagers: { id: string }[] }>(restUrl, '/taskmanagers');
  if (taskmanagers.length === 0) return undefined;
  const rows = await get<{ id: string; value: string }[]>(restUrl, `/taskmanagers/${taskmanagers[0].id}/metrics?get=Status.JVM.Memory.Heap.Used`);
  const value = rows.find((r) => r.id === 'Status.JVM.Memory.Heap.Used')?.value;
  return value === undefined ? undefined : Number(value);
}

export async function jobMetric(restUrl: string, jid: string, id: string): Promise<number | undefined> {
  const rows = await get<{ id: string; value: string }[]>(restUrl, `/jobs/${jid}/metrics?get=${encodeURIComponent(id)}`);
  const value = rows.find((r) => r.id === id)?.value;
  return value === undefined ? undefined : Number(value);
}

/**
 * `ids` of one subtask (0-based `index`) of a vertex, as the REST API serves them: the values the metric fetcher
 * last fetched (every metrics.fetcher.update-interval, 1 s in the local job), as strings, since gauges may be
 * texts (the source's shardIds). Ids the subtask does not report are absent from the map.
 */
export async function subtaskMetricValues(restUrl: string, jid: string, vertexId: string, index: number, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await get<{ id: string; value: string }[]>(
    restUrl, `/jobs/${jid}/vertices/${vertexId}/subtasks/${index}/metrics?get=${ids.map(encodeURIComponent).join(',')}`);
  return new Map(rows.map((r) => [r.id, r.value]));
}
