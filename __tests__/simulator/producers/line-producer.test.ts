/** stdout and file targets: JSON lines, acknowledged once the stream took them, its back-pressure ours. */
import { Writable } from 'node:stream';
import { LineProducer } from '../../../simulator/producers/line-producer';

class SlowSink extends Writable {
  readonly chunks: string[] = [];
  constructor(private readonly delayMs: number, private readonly failAfter = Infinity) {
    super({ highWaterMark: 1024 });
  }
  _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error) => void): void {
    setTimeout(() => {
      if (this.chunks.length >= this.failAfter) return done(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
      this.chunks.push(chunk.toString('utf8'));
      done();
    }, this.delayMs);
  }
}

const record = (i: number) => ({ data: JSON.stringify({ i, pad: 'x'.repeat(40) }), partitionKey: `k${i}` });

describe('LineProducer', () => {
  it('writes one JSON object per line, in order, and acknowledges what the stream took', async () => {
    const sink = new SlowSink(1);
    const producer = new LineProducer(sink);
    for (let i = 0; i < 1000; i++) if (!producer.offer(record(i))) await producer.ready();
    await producer.drain();
    const lines = sink.chunks.join('').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const s = producer.stats();
    expect(s).toMatchObject({ sent: 1000, acknowledged: 1000, failed: 0, inFlight: 0 });
    expect(s.bytesAcknowledged).toBe(sink.chunks.join('').length);
  });

  it('passes the stream\'s back-pressure on to the generator', async () => {
    const producer = new LineProducer(new SlowSink(5));
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      if (!producer.offer(record(i))) {
        refused++;
        await producer.ready();
      }
    }
    await producer.drain();
    expect(refused).toBeGreaterThan(0);
    expect(producer.stats().acknowledged).toBe(600);
  });

  it('stops for good when the stream fails, counting what it lost', async () => {
    const producer = new LineProducer(new SlowSink(1, 1));
    for (let i = 0; i < 1000 && !producer.fatalError; i++) if (!producer.offer(record(i))) await producer.ready();
    await producer.drain();
    const s = producer.stats();
    expect(producer.fatalError?.message).toMatch(/no space left/);
    expect(s.failed).toBeGreaterThan(0);
    expect(s.sent).toBe(s.acknowledged + s.failed + s.inFlight);
  });
});
