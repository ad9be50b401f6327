import { drainsBetween, type SourceSubtasksReading } from '../../../calibration/local/source-subtasks';

const reading = (atMs: number, consumed: number[], shards: string[][]): SourceSubtasksReading => ({
  atMs, subtasks: consumed.map((c, i) => ({ subtask: i, consumed: c, shards: shards[i] })),
});

describe('per-subtask drain between two readings of the source', () => {
  it('splits the drain rate by what each subtask consumed in between, with the shards of the later reading', () => {
    const start = reading(1_000, [100, 50], [['s0'], []]);
    const end = reading(9_000, [400, 150], [['s0'], ['s1']]);
    expect(drainsBetween(80, start, end)).toEqual([
      { subtask: 0, recordsPerSecond: 60, shards: ['s0'] },
      { subtask: 1, recordsPerSecond: 20, shards: ['s1'] },
    ]);
  });

  it('has nothing to tell without both readings, with different subtask counts, out of order or with nothing consumed', () => {
    const start = reading(1_000, [100, 50], [['s0'], ['s1']]);
    expect(drainsBetween(80, null, start)).toBeNull();
    expect(drainsBetween(80, start, null)).toBeNull();
    expect(drainsBetween(80, start, reading(9_000, [400], [['s0', 's1']]))).toBeNull();
    expect(drainsBetween(80, start, reading(1_000, [400, 150], [['s0'], ['s1']]))).toBeNull();
    expect(drainsBetween(80, start, reading(9_000, [100, 50], [['s0'], ['s1']]))).toBeNull();
  });
});
