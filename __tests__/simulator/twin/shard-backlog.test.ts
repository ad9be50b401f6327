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

  it('is behind by the newest arrival minus the next record to consume, 0 when drained', () => {
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
    const q = new ShardBacklog(100);
    for (let s = 0; s < 10_000; s++) q.add(s, 1);
    expect(q.chunks).toBe(100);
    expect(q.total).toBe(100);
  });
});
