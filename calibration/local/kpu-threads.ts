/**
 * Which native threads of the MiniCluster JVM belong to which emulated KPU. A MiniCluster runs every
 * TaskManager in one JVM, but a KPU's vCPU must serve only the subtasks placed on it: a CPU-bound subtask on
 * a crowded KPU must not borrow its neighbours' idle CPU. Flink names each task's threads after the task
 * ("<vertex name> (i/P)#attempt", and helper threads "Source Data Fetcher for …", "OutputFlusher for …",
 * "Time Trigger for …" ending the same way), and the REST API says which TaskManager runs each subtask. So a
 * thread dump (`jcmd <pid> Thread.print`: each thread's name and native id) plus the placement gives every
 * task thread's KPU. Threads no task owns (JobManager, REST, GC, JIT) stay with the job's fixed overhead, and
 * so do the sources' fetcher threads: GetRecords polling costs CPU per shard (5 calls a second each, whether
 * records come or not), not per record, and a local KPU is a fraction of a vCPU while that cost is not scaled
 * down. In a KPU's group it took ~0.1 core of a 0.5-core KPU reading 8 shards, so P=1 swept 84/s and P=2 on
 * two KPUs 216/s (2.6x), which no per-record law reproduces.
 */

/** Threads of a task that stay with the fixed overhead (see above). */
const OVERHEAD_PREFIXES = ['Source Data Fetcher for '];

export interface DumpedThread {
  name: string;
  /** Linux thread id (the dump's nid). */
  tid: number;
}

/** Every named Java thread of a `jcmd <pid> Thread.print` dump with its native id. */
export function parseThreadDump(text: string): DumpedThread[] {
  const out: DumpedThread[] = [];
  for (const line of text.split('\n')) {
    // "<name>" #90 prio=5 os_prio=0 cpu=… elapsed=… tid=0x… nid=0x155f runnable  [0x…]
    const m = /^"(.*)" .*\bnid=(0x[0-9a-fA-F]+|\d+)\b/.exec(line);
    if (m) out.push({ name: m[1], tid: m[2].startsWith('0x') ? parseInt(m[2].slice(2), 16) : Number(m[2]) });
  }
  return out;
}

export interface VertexPlacement {
  name: string;
  /** TaskManager id of each subtask, by subtask index. */
  taskManagers: string[];
}

/** "(i/P)#a" at the end of a task thread's name: the vertex part before it and the 0-based subtask. */
function taskOf(threadName: string): { vertexPart: string; subtask: number; parallelism: number } | null {
  const m = /^(.*) \((\d+)\/(\d+)\)#\d+$/.exec(threadName);
  return m ? { vertexPart: m[1], subtask: Number(m[2]) - 1, parallelism: Number(m[3]) } : null;
}

/**
 * The thread ids per KPU (index into `taskManagerOrder`), for every thread that belongs to a subtask of one
 * of `vertices`. A thread belongs to vertex v when its name, before "(i/P)#a", is v's name or ends with
 * " for " + v's name. Threads of unknown TaskManagers or vertices, and fetcher threads, are left out.
 */
export function threadsByKpu(threads: DumpedThread[], vertices: VertexPlacement[], taskManagerOrder: string[]): number[][] {
  const out: number[][] = taskManagerOrder.map(() => []);
  const kpuOf = new Map(taskManagerOrder.map((id, i) => [id, i]));
  for (const t of threads) {
    if (OVERHEAD_PREFIXES.some((prefix) => t.name.startsWith(prefix))) continue;
    const task = taskOf(t.name);
    if (!task) continue;
    const v = vertices.find((x) => x.taskManagers.length === task.parallelism
      && (task.vertexPart === x.name || task.vertexPart.endsWith(` for ${x.name}`)));
    const tm = v?.taskManagers[task.subtask];
    const kpu = tm === undefined ? undefined : kpuOf.get(tm);
    if (kpu !== undefined) out[kpu].push(t.tid);
  }
  return out;
}

/** Subtasks per TaskManager as Flink placed them (the vertex with the most subtasks), largest first. */
export function placementFromVertices(vertices: VertexPlacement[], taskManagerOrder: string[]): number[] {
  const widest = [...vertices].sort((a, b) => b.taskManagers.length - a.taskManagers.length)[0];
  if (!widest) return [];
  return taskManagerOrder.map((id) => widest.taskManagers.filter((x) => x === id).length).sort((a, b) => b - a);
}

/**
 * One placement scan: every task thread of `dump` not moved yet goes to its KPU through `move` (which throws
 * for a thread that ended meanwhile: skipped, and tried again by a later scan only if it reappears). Returns
 * how many were moved and the placement. `pinned` collects the moved ids across scans.
 */
export function placeThreads(
  dump: string, vertices: VertexPlacement[], taskManagerOrder: string[], pinned: Set<number>, move: (kpu: number, tid: number) => void,
): { moved: number; placement: number[] } {
  let moved = 0;
  threadsByKpu(parseThreadDump(dump), vertices, taskManagerOrder).forEach((tids, kpu) => {
    for (const tid of tids) {
      if (pinned.has(tid)) continue;
      try {
        move(kpu, tid);
        pinned.add(tid);
        moved++;
      } catch {
        // the thread ended meanwhile
      }
    }
  });
  return { moved, placement: placementFromVertices(vertices, taskManagerOrder) };
}
