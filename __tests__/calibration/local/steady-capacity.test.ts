import { sharesOf, splitDrain, steadyCapacity } from '../../../calibration/local/steady-capacity';

const shard = (i: number) => `shardId-${String(i).padStart(12, '0')}`;
const shards = (...ids: number[]) => ids.map(shard);

/** 8 shards with an even spread of the load: 1/8 each. */
const even = sharesOf(new Map(Array.from({ length: 8 }, (_, i) => [shard(i), 1000])));

/** 8 shards, 30% of the records on one key (shard 0), the rest spread evenly, so shard 0 also gets 0.7/8. */
const hot = new Map(Array.from({ length: 8 }, (_, i) => [shard(i), (i === 0 ? 0.3 : 0) + 0.7 / 8]));

describe('steady-state capacity from a backlog drain', () => {
  it('is the drain rate when 8 even shards are spread 2 by 2 over P=4 subtasks draining alike', () => {
    const c = steadyCapacity(200, [
      { subtask: 0, recordsPerSecond: 50, shards: shards(0, 1) },
      { subtask: 1, recordsPerSecond: 50, shards: shards(2, 3) },
      { subtask: 2, recordsPerSecond: 50, shards: shards(4, 5) },
      { subtask: 3, recordsPerSecond: 50, shards: shards(6, 7) },
    ], even);
    expect(c.recordsPerSecond).toBe(200);
    expect(c.drainRecordsPerSecond).toBe(200);
    expect(c.bindingSubtask).toBeNull();
    expect(c.fallback).toBeNull();
    expect(c.subtasks.map((t) => t.share)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('is 8/3 of one subtask\'s rate at P=3, where two subtasks read 3 of the 8 shards and saturate first', () => {
    const r = 60;
    const c = steadyCapacity(3 * r, [
      { subtask: 0, recordsPerSecond: r, shards: shards(0, 3, 6) },
      { subtask: 1, recordsPerSecond: r, shards: shards(1, 4, 7) },
      { subtask: 2, recordsPerSecond: r, shards: shards(2, 5) },
    ], even);
    expect(c.recordsPerSecond).toBeCloseTo((8 / 3) * r, 9);
    expect(c.drainRecordsPerSecond).toBe(3 * r);
    expect(c.bindingSubtask).toBe(0);
    expect(c.bindingShare).toBe(3 / 8);
    expect(c.subtasks.map((t) => t.share)).toEqual([3 / 8, 3 / 8, 2 / 8]);
  });

  it('is r / (0.3 + 0.7/4) at P=4 with a 30% hot key: the subtask reading the hot shard binds', () => {
    const r = 46;
    const c = steadyCapacity(4 * r, [
      { subtask: 0, recordsPerSecond: r, shards: shards(2, 3) },
      { subtask: 1, recordsPerSecond: r, shards: shards(0, 1) },
      { subtask: 2, recordsPerSecond: r, shards: shards(4, 5) },
      { subtask: 3, recordsPerSecond: r, shards: shards(6, 7) },
    ], hot);
    expect(c.recordsPerSecond).toBeCloseTo(r / (0.3 + 0.7 / 4), 9);
    expect(c.bindingSubtask).toBe(1);
    expect(c.bindingShare).toBeCloseTo(0.3 + 0.7 / 4, 12);
  });

  it('is the drain rate at P=1: one subtask reads every shard, whatever their shares', () => {
    const c = steadyCapacity(52, [{ subtask: 0, recordsPerSecond: 52, shards: shards(0, 1, 2, 3, 4, 5, 6, 7) }], hot);
    expect(c.recordsPerSecond).toBeCloseTo(52, 9);
    expect(c.fallback).toBeNull();
  });

  it('lets a subtask without shards (P above the shard count) bind nothing', () => {
    const two = sharesOf(new Map([[shard(0), 10], [shard(1), 10]]));
    const c = steadyCapacity(100, [
      { subtask: 0, recordsPerSecond: 50, shards: shards(0) },
      { subtask: 1, recordsPerSecond: 50, shards: shards(1) },
      { subtask: 2, recordsPerSecond: 0, shards: [] },
    ], two);
    expect(c.recordsPerSecond).toBe(100);
    expect(c.subtasks.map((t) => t.share)).toEqual([0.5, 0.5, 0]);
  });

  describe('falls back to the drain rate and says why', () => {
    const fine = [{ subtask: 0, recordsPerSecond: 50, shards: shards(0, 1, 2, 3, 4, 5, 6, 7) }];
    it.each([
      ['no per-subtask readings', null, even],
      ['no per-subtask readings', [], even],
      ['no per-shard shares of the load', fine, null],
      ['subtask 0 consumed records but named no shard', [{ subtask: 0, recordsPerSecond: 50, shards: [] }], even],
      [`subtask 0 reads ${shard(9)}, which the backlog did not write to`, [{ subtask: 0, recordsPerSecond: 50, shards: shards(9) }], even],
      [`${shard(1)} is read by more than one subtask`, [
        { subtask: 0, recordsPerSecond: 25, shards: shards(0, 1, 2, 3) },
        { subtask: 1, recordsPerSecond: 25, shards: shards(1, 4, 5, 6, 7) },
      ], even],
      [`no subtask reported reading ${shard(6)}, ${shard(7)}`, [{ subtask: 0, recordsPerSecond: 50, shards: shards(0, 1, 2, 3, 4, 5) }], even],
    ])('%s', (reason, subtasks, shares) => {
      expect(steadyCapacity(50, subtasks, shares)).toEqual({
        recordsPerSecond: 50, drainRecordsPerSecond: 50, subtasks: [], bindingSubtask: null, bindingShare: null, fallback: reason,
      });
    });
  });
});

describe('splitting the drain rate over subtasks', () => {
  it('gives each subtask the drain rate times its part of the records consumed in the window', () => {
    expect(splitDrain(120, [
      { subtask: 0, records: 300, shards: shards(0) },
      { subtask: 1, records: 100, shards: shards(1) },
    ])).toEqual([
      { subtask: 0, recordsPerSecond: 90, shards: shards(0) },
      { subtask: 1, recordsPerSecond: 30, shards: shards(1) },
    ]);
  });

  it('gives 0 to every subtask when nothing was consumed', () => {
    expect(splitDrain(120, [{ subtask: 0, records: 0, shards: [] }])).toEqual([{ subtask: 0, recordsPerSecond: 0, shards: [] }]);
  });
});

describe('shard shares of the backlog', () => {
  it('is each shard\'s records over all records written', () => {
    expect(sharesOf(new Map([[shard(0), 300], [shard(1), 100]]))).toEqual(new Map([[shard(0), 0.75], [shard(1), 0.25]]));
  });
});
