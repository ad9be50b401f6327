/** One shard's FIFO as per-second chunks: oldest first, sub-second lag from evenly spread arrivals. */
import { ShardBacklog } from '../../../simulator/twin/shard-backlog';

describe('ShardBacklog', () => {
  it('holds one chunk per arrival second, merging writes of the same second', () => {
    const q = new ShardBacklog();
    q.add(0, 100);
    q.add(0, 50);
    q.add(1, 100);
    q.add(2, 0); // nothing arrived: no chunk
    expect(q.chunks).toBe(2);
    expect(q.total).toBe(250);
  });

  it('is consumed oldest first and reports the records actually taken', () => {
    const q = new ShardBacklog();
    q.add(0, 100);
    q.add(1, 100);
    expect(q.take(150)).toBe(150);
    expect(q.chunks).toBe(1);
    expect(q.total).toBe(50);
    expect(q.take(80)).toBe(50);
    expect(q.empty).toBe(true);
  });

  it('without fetch-ahead, is behind by the newest arrival minus the next record to consume, 0 when drained', () => {
    const q = new ShardBacklog();
    for (let s = 0; s < 10; s++) q.add(s, 100);
    // Records of second s arrive evenly over [s, s + 1): after taking 250, the next is a half into second 2.
    q.take(250);
    expect(q.behindSeconds()).toBeCloseTo(10 - 2.5, 12);
    expect(q.ageSeconds(12)).toBeCloseTo(12 - 2.5, 12);
    expect(q.take(Infinity)).toBeCloseTo(750, 9);
    expect(q.behindSeconds()).toBe(0);
    expect(q.ageSeconds(12)).toBe(0);
  });

  it('grows past its initial ring without losing order', () => {
    const q = new ShardBacklog();
    q.add(0, 1);
    q.take(1); // move the head so the ring wraps
    for (let s = 1; s <= 1000; s++) q.add(s, s);
    expect(q.chunks).toBe(1000);
    expect(q.take(1 + 2 + 3)).toBe(6);
    expect(q.behindSeconds()).toBeCloseTo(1001 - 4, 12);
    expect(q.total).toBeCloseTo((1000 * 1001) / 2 - 6, 6);
  });

  it('treats float dust left by proportional takes as consumed', () => {
    const q = new ShardBacklog();
    q.add(0, 0.3);
    q.take(0.1);
    q.take(0.2 - 1e-9);
    expect(q.empty).toBe(true);
    expect(q.total).toBe(0);
  });

  describe('with fetch-ahead (the lag GetRecords reports)', () => {
    it('is behind from the last record fetched, F records past the last one consumed', () => {
      const q = new ShardBacklog(300);
      for (let s = 0; s < 10; s++) q.add(s, 100);
      // 250 consumed, 300 more fetched: the next record to fetch is a half into second 5.
      q.take(250);
      expect(q.fetchedAhead).toBeCloseTo(300, 9);
      expect(q.behindSeconds()).toBeCloseTo(10 - 5.5, 12);
      expect(q.ageSeconds(12)).toBeCloseTo(12 - 5.5, 12);
    });

    it('reads 0 while the whole backlog fits in the fetch-ahead, however much of it waits in the job', () => {
      const q = new ShardBacklog(10000);
      for (let s = 0; s < 20; s++) {
        q.add(s, 1000);
        q.take(500); // consumption at half the arrival rate: the backlog grows by 500 a second
      }
      expect(q.total).toBeCloseTo(10000, 6);
      expect(q.behindSeconds()).toBe(0);
      expect(q.ageSeconds(20)).toBe(0);
      q.add(20, 1000);
      q.take(500);
      // 10,500 unconsumed, 10,000 of them fetched: the last 500 of second 20 are not.
      expect(q.fetchedAhead).toBeCloseTo(10000, 6);
      expect(q.behindSeconds()).toBeCloseTo(0.5, 9);
    });

    it('keeps the fetch position across new records of the same second and new seconds', () => {
      const q = new ShardBacklog(150);
      q.add(0, 100);
      q.take(0);
      expect(q.behindSeconds()).toBe(0); // all 100 fetched
      q.add(0, 100); // 200 in second 0: 150 fetched, the next to fetch is 3/4 into it
      q.take(0);
      expect(q.behindSeconds()).toBeCloseTo(0.25, 12);
      q.add(1, 100);
      q.take(100); // 100 of second 0 and 100 of second 1 left, 150 of them fetched: the next is half into second 1
      expect(q.fetchedAhead).toBeCloseTo(150, 9);
      expect(q.behindSeconds()).toBeCloseTo(2 - 1.5, 12);
    });

    it('restarts the fetch from the next record to consume when processing outruns it', () => {
      const q = new ShardBacklog(50);
      for (let s = 0; s < 10; s++) q.add(s, 100);
      q.take(250); // more than the 50 fetched: 250 consumed, 50 more fetched, next to fetch at 3.0
      expect(q.behindSeconds()).toBeCloseTo(10 - 3, 12);
      q.take(Infinity);
      expect(q.behindSeconds()).toBe(0);
      q.add(10, 100);
      q.take(0);
      expect(q.fetchedAhead).toBeCloseTo(50, 9);
      expect(q.behindSeconds()).toBeCloseTo(0.5, 12);
    });
  });
});

describe('ShardBacklog retention', () => {
  it('drops records older than the stream retention (24 h by default), as Kinesis does', () => {
    const q = new ShardBacklog();
    q.add(0, 100);
    q.add(1, 50);
    q.add(86_400, 10); // second 0 is now 24 h old: expired
    expect(q.total).toBe(60);
    expect(q.chunks).toBe(2);
    q.add(86_401, 5);
    expect(q.total).toBe(15);
    expect(q.chunks).toBe(2);
  });

  it('holds at most a retention period of chunks however long it falls behind', () => {
    const q = new ShardBacklog(0, 100);
    for (let s = 0; s < 10_000; s++) q.add(s, 1);
    expect(q.chunks).toBe(100);
    expect(q.total).toBe(100);
  });
});

describe('ShardBacklog retention with fetch-ahead', () => {
  it('expired records leave the fetch-ahead with their chunk when the fetch stood inside it', () => {
    const q = new ShardBacklog(100, 10);
    q.add(0, 1000);
    q.take(0);
    expect(q.fetchedAhead).toBe(100);
    q.add(10, 5); // second 0 is now a retention period old: its 1,000 records expire, 100 of them fetched
    expect([q.total, q.fetchedAhead, q.chunks]).toEqual([5, 0, 1]);
    q.take(0);
    expect([q.fetchedAhead, q.behindSeconds()]).toEqual([5, 0]);
  });

  it('a cursor past an expired chunk keeps its place in the next one', () => {
    const q = new ShardBacklog(100, 10);
    q.add(0, 50);
    q.add(1, 1000);
    q.take(0); // fetches all 50 of second 0 and 50 of second 1
    q.add(10, 5);
    expect([q.total, q.fetchedAhead, q.chunks]).toEqual([1005, 50, 2]);
    expect(q.behindSeconds()).toBeCloseTo(10 + 1 - (1 + 1 - 950 / 1000), 9);
  });
});
