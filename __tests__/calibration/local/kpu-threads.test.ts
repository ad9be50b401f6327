import { parseThreadDump, placeThreads, placementFromVertices, threadsByKpu } from '../../../calibration/local/kpu-threads';

const SOURCE = 'Source: Kinesis source -> synthetic CPU cost -> alerts to Kinesis: Writer';
const WINDOW = 'sensor stats per window -> sensor stats to JSON';

/** A trimmed `jcmd <pid> Thread.print` of a job at P=3 (the lines that matter, in the dump's format). */
const DUMP = [
  '2026-11-30 15:14:02',
  'Full thread dump OpenJDK 64-Bit Server VM (17.0.13+11-Debian-2deb12u1 mixed mode, sharing):',
  '',
  '"main" #1 prio=5 os_prio=0 cpu=4144.96ms elapsed=8.17s tid=0x00007fd42c01bd30 nid=0x14dc waiting on condition  [0x00007fd4305fe000]',
  '   java.lang.Thread.State: WAITING (parking)',
  `"${SOURCE} (1/3)#0" #90 prio=5 os_prio=0 cpu=3496.28ms elapsed=9.12s tid=0x00007fd3a41e2000 nid=0x155e runnable  [0x00007fd38f9fe000]`,
  `"${SOURCE} (2/3)#0" #91 prio=5 os_prio=0 cpu=3000.00ms elapsed=9.12s tid=0x00007fd3a41e2100 nid=0x155f runnable  [0x00007fd38f9fe000]`,
  `"${SOURCE} (3/3)#0" #92 prio=5 os_prio=0 cpu=3000.00ms elapsed=9.12s tid=0x00007fd3a41e2200 nid=0x1560 runnable  [0x00007fd38f9fe000]`,
  `"Source Data Fetcher for ${SOURCE} (3/3)#0" #111 prio=5 os_prio=0 cpu=10.00ms elapsed=8.00s tid=0x00007fd3a41e2300 nid=0x1570 runnable  [0x00007fd38f9fe000]`,
  `"OutputFlusher for ${WINDOW} (2/3)#0" #96 daemon prio=5 os_prio=0 cpu=4.53ms elapsed=9.00s tid=0x00007fd3a80148b0 nid=0x1562 waiting on condition  [0x00007fd38f5f0000]`,
  `"${WINDOW} (1/3)#1" #93 prio=5 os_prio=0 cpu=279.66ms elapsed=9.10s tid=0x00007fd3a41e3790 nid=0x1563 waiting on condition  [0x00007fd38f8fe000]`,
  '"GC Thread#0" os_prio=0 cpu=74.00ms elapsed=8.17s tid=0x00007fd42c051710 nid=0x14dd runnable  ',
  '"Some other job\'s task (1/3)#0" #120 prio=5 os_prio=0 cpu=1.00ms elapsed=1.00s tid=0x1 nid=0x1600 runnable',
].join('\n');

describe('kpu-threads: which native threads run on which emulated KPU', () => {
  it('reads every named thread and its native id (nid, hex) from a thread dump', () => {
    const threads = parseThreadDump(DUMP);
    expect(threads[0]).toEqual({ name: 'main', tid: 0x14dc });
    expect(threads.find((t) => t.name === 'GC Thread#0')).toEqual({ name: 'GC Thread#0', tid: 0x14dd });
    expect(threads).toHaveLength(9);
  });

  it('gives each KPU the threads of the subtasks Flink placed on its TaskManager, helpers included but not the shard fetchers', () => {
    const vertices = [
      { name: SOURCE, taskManagers: ['tm-b', 'tm-a', 'tm-a'] },
      { name: WINDOW, taskManagers: ['tm-b', 'tm-a', 'tm-a'] },
    ];
    // KPU 0 is tm-a (the sorted order), KPU 1 tm-b.
    expect(threadsByKpu(parseThreadDump(DUMP), vertices, ['tm-a', 'tm-b'])).toEqual([
      [0x155f, 0x1560, 0x1562],
      [0x155e, 0x1563],
    ]);
  });

  it('leaves out threads of no known vertex, of another parallelism, and of unknown TaskManagers', () => {
    const vertices = [{ name: SOURCE, taskManagers: ['tm-a', 'tm-gone', 'tm-a'] }];
    expect(threadsByKpu(parseThreadDump(DUMP), vertices, ['tm-a'])).toEqual([[0x155e, 0x1560]]);
    expect(threadsByKpu(parseThreadDump(DUMP), [{ name: SOURCE, taskManagers: ['tm-a', 'tm-a'] }], ['tm-a'])).toEqual([[]]);
  });

  it('reports the placement as subtasks per TaskManager, largest first', () => {
    expect(placementFromVertices([{ name: SOURCE, taskManagers: ['tm-b', 'tm-a', 'tm-a', 'tm-a'] }, { name: WINDOW, taskManagers: ['tm-a'] }], ['tm-a', 'tm-b'])).toEqual([3, 1]);
    expect(placementFromVertices([{ name: SOURCE, taskManagers: ['tm-b', 'tm-a', 'tm-b', 'tm-a'] }], ['tm-a', 'tm-b'])).toEqual([2, 2]);
    expect(placementFromVertices([], ['tm-a'])).toEqual([]);
  });

  it('scans again without moving a thread twice, and skips a thread that ended before it could be moved', () => {
    const vertices = [
      { name: SOURCE, taskManagers: ['tm-b', 'tm-a', 'tm-a'] },
      { name: WINDOW, taskManagers: ['tm-b', 'tm-a', 'tm-a'] },
    ];
    const pinned = new Set<number>();
    const moves: [number, number][] = [];
    const ended = new Set([0x1563]);
    const move = (kpu: number, tid: number) => {
      if (ended.has(tid)) throw new Error('ESRCH');
      moves.push([kpu, tid]);
    };
    expect(placeThreads(DUMP, vertices, ['tm-a', 'tm-b'], pinned, move)).toEqual({ moved: 4, placement: [2, 1] });
    expect(moves).toEqual([[0, 0x155f], [0, 0x1560], [0, 0x1562], [1, 0x155e]]);
    // A later scan: the same dump moves nothing new; the ended thread is still not counted.
    expect(placeThreads(DUMP, vertices, ['tm-a', 'tm-b'], pinned, move)).toEqual({ moved: 0, placement: [2, 1] });
    expect(moves).toHaveLength(4);
    expect([...pinned].sort()).toEqual([0x155e, 0x155f, 0x1560, 0x1562].sort());
  });
});
