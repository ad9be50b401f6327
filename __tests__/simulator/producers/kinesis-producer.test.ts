/**
 * The Kinesis producer never loses a record silently: batches stay within the PutRecords limits, refused
 * records are retried with backoff until acknowledged, and whatever is given up on is counted and filed.
 * sent = acknowledged + failed + inFlight holds at every step.
 */
import { DeadLetterMemory } from '../helpers/dead-letter-memory';
import {
  KinesisProducer, MAX_BYTES_PER_CALL, MAX_RECORD_BYTES, MAX_RECORDS_PER_CALL, type KinesisProducerOptions,
} from '../../../simulator/producers/kinesis-producer';
import type { OutRecord } from '../../../simulator/records';
import { awsError, ScriptedKinesis, type CallScript } from '../helpers/scripted-kinesis';
import { virtualClock } from '../helpers/virtual-clock';

const record = (i: number, size = 20): OutRecord => ({ data: `{"i":${i},"pad":"${'x'.repeat(Math.max(0, size - 20))}"}`, partitionKey: `key-${i % 7}` });

function setup(script?: CallScript, options: Partial<KinesisProducerOptions> = {}, latencyMs = 0) {
  const clock = virtualClock();
  const api = new ScriptedKinesis(clock, script, latencyMs);
  const deadLetters = new DeadLetterMemory();
  const producer = new KinesisProducer({ api, streamName: 'taxi', clock, deadLetters, random: () => 0.5, ...options });
  const identity = () => {
    const s = producer.stats();
    expect(s.sent).toBe(s.acknowledged + s.failed + s.inFlight);
    return s;
  };
  return { clock, api, producer, deadLetters, identity };
}

async function offerAll(producer: KinesisProducer, records: OutRecord[]) {
  for (const r of records) if (!producer.offer(r)) await producer.ready();
}

describe('batching', () => {
  it('puts at most 500 records in a call', async () => {
    const { api, producer, identity } = setup();
    await offerAll(producer, Array.from({ length: 1200 }, (_, i) => record(i)));
    await producer.drain();
    expect(api.calls.map((c) => c.records)).toEqual([500, 500, 200]);
    expect(identity()).toMatchObject({ sent: 1200, acknowledged: 1200, failed: 0, inFlight: 0, putCalls: 3 });
  });

  it('puts at most 5 MiB in a call, counting partition keys', async () => {
    const { api, producer, identity } = setup();
    const big = Array.from({ length: 120 }, (_, i) => record(i, 100 * 1024));
    await offerAll(producer, big);
    await producer.drain();
    expect(api.calls.every((c) => c.bytes <= MAX_BYTES_PER_CALL)).toBe(true);
    const perRecord = api.calls[0].bytes / api.calls[0].records;
    expect(api.calls[0].records).toBe(Math.floor(MAX_BYTES_PER_CALL / perRecord));
    expect(identity()).toMatchObject({ sent: 120, acknowledged: 120 });
    expect(api.accepted.map((a) => a.data)).toEqual(big.map((r) => r.data));
  });

  it('refuses a record over 1 MiB with its key, and files it; one of exactly 1 MiB goes through', async () => {
    const { api, producer, deadLetters, identity } = setup();
    const key = 'k';
    const exact: OutRecord = { data: 'y'.repeat(MAX_RECORD_BYTES - 1), partitionKey: key };
    const over: OutRecord = { data: 'y'.repeat(MAX_RECORD_BYTES), partitionKey: key };
    await offerAll(producer, [exact, over]);
    await producer.drain();
    expect(api.accepted).toHaveLength(1);
    expect(deadLetters.letters.map((l) => l.errorCode)).toEqual(['RecordTooLarge']);
    expect(identity()).toMatchObject({ sent: 2, acknowledged: 1, failed: 1 });
  });

  it('ships a partial batch once it has lingered, when the pacer ticks', async () => {
    const { clock, api, producer } = setup(undefined, { lingerMs: 100 });
    producer.offer(record(1));
    producer.tick(clock.now() + 50);
    expect(api.calls).toHaveLength(0);
    producer.tick(clock.now() + 100);
    expect(api.calls).toHaveLength(1);
  });

  it('keeps at most `concurrency` calls on the wire', async () => {
    const { api, producer } = setup(undefined, { concurrency: 3 }, 200);
    await offerAll(producer, Array.from({ length: 5000 }, (_, i) => record(i)));
    await producer.drain();
    expect(api.maxOnWire).toBe(3);
    expect(api.accepted).toHaveLength(5000);
  });

  it('says when its buffer is full and resumes when calls complete', async () => {
    const { producer, identity } = setup(undefined, { concurrency: 1, maxBufferedRecords: 1000 }, 500);
    let refused = 0;
    for (let i = 0; i < 999; i++) if (!producer.offer(record(i))) refused++;
    expect(refused).toBe(0);
    expect(producer.offer(record(999))).toBe(false);
    await producer.ready();
    expect(identity().acknowledged).toBeGreaterThanOrEqual(500);
    await producer.drain();
  });
});

describe('retries', () => {
  it('retries records a PutRecords call refused until every one is acknowledged', async () => {
    // The first two calls refuse every other record: throttling and an internal failure.
    const { api, producer, identity } = setup((input, call) =>
      call < 2 ? { errorCodes: input.Records!.map((_, i) => (i % 2 ? (call === 0 ? 'ProvisionedThroughputExceededException' : 'InternalFailure') : undefined)) } : undefined);
    const records = Array.from({ length: 1000 }, (_, i) => record(i));
    await offerAll(producer, records);
    await producer.drain();
    expect(new Set(api.accepted.map((a) => a.data))).toEqual(new Set(records.map((r) => r.data)));
    expect(api.accepted).toHaveLength(1000);
    const s = identity();
    expect(s).toMatchObject({ sent: 1000, acknowledged: 1000, failed: 0, inFlight: 0, throttledRetries: 250, retries: 500 });
  });

  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'KMSThrottlingException', 'LimitExceededException'])(
    'retries the whole call when it throws %s',
    async (name) => {
      const { api, producer, identity } = setup((_, call) => (call < 3 ? { throw: awsError(name) } : undefined));
      await offerAll(producer, Array.from({ length: 300 }, (_, i) => record(i)));
      await producer.drain();
      expect(api.accepted).toHaveLength(300);
      expect(identity()).toMatchObject({ acknowledged: 300, failed: 0, throttledRetries: 900 });
    },
  );

  it('retries server faults and network errors, without counting them as throttling', async () => {
    const faults = [
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }),
    ];
    const { api, producer, identity } = setup((_, call) => (call < 2 ? { throw: faults[call] } : undefined));
    await offerAll(producer, Array.from({ length: 10 }, (_, i) => record(i)));
    await producer.drain();
    expect(api.accepted).toHaveLength(10);
    expect(identity()).toMatchObject({ acknowledged: 10, throttledRetries: 0, retries: 20 });
  });

  it('waits with exponential backoff and full jitter between attempts', async () => {
    const { api, producer } = setup((_, call) => (call < 4 ? { throw: awsError('ProvisionedThroughputExceededException') } : undefined), {
      random: () => 1, backoff: { baseMs: 100, capMs: 350 }, lingerMs: 0,
    });
    producer.offer(record(1));
    await producer.drain();
    const gaps = api.calls.slice(1).map((c, i) => c.at - api.calls[i].at);
    expect(gaps).toEqual([100, 200, 350, 350]);
  });

  it('gives up after the retry limit: counted failed and written to the dead letters', async () => {
    const { api, producer, deadLetters, identity } = setup(
      (input) => ({ errorCodes: input.Records!.map(() => 'ProvisionedThroughputExceededException') }), { maxRetries: 3 });
    const records = Array.from({ length: 20 }, (_, i) => record(i));
    await offerAll(producer, records);
    await producer.drain();
    expect(api.calls).toHaveLength(4);
    expect(identity()).toMatchObject({ sent: 20, acknowledged: 0, failed: 20, inFlight: 0, throttledRetries: 60 });
    expect(deadLetters.letters).toHaveLength(20);
    expect(deadLetters.letters[0]).toMatchObject({ errorCode: 'ProvisionedThroughputExceededException', attempts: 4, partitionKey: records[0].partitionKey, data: records[0].data });
  });

  it('stops for good on an error retrying cannot fix, keeping every record on file', async () => {
    const { producer, deadLetters, identity } = setup(() => ({ throw: awsError('ResourceNotFoundException', 'Stream taxi not found') }));
    await offerAll(producer, Array.from({ length: 700 }, (_, i) => record(i)));
    await producer.drain();
    expect(producer.fatalError?.name).toBe('ResourceNotFoundException');
    const s = identity();
    expect(s.acknowledged).toBe(0);
    expect(deadLetters.letters).toHaveLength(700);
    expect(new Set(deadLetters.letters.map((l) => l.errorCode))).toEqual(new Set(['ResourceNotFoundException', 'Aborted']));
  });
});

describe('abort (Ctrl-C)', () => {
  it('stops retrying, waits for calls on the wire, and keeps the books balanced', async () => {
    const { clock, api, producer, deadLetters, identity } = setup(
      (input, call) => ({ errorCodes: input.Records!.map((_, i) => (call === 0 && i < 100 ? 'ProvisionedThroughputExceededException' : undefined)) }),
      { concurrency: 2, backoff: { baseMs: 5000, capMs: 5000 } }, 100);
    await offerAll(producer, Array.from({ length: 1700 }, (_, i) => record(i)));
    await clock.sleep(150);
    await producer.abort();
    const s = identity();
    expect(s.acknowledged).toBe(api.accepted.length);
    expect(s.inFlight).toBeGreaterThan(0);
    expect(s.failed).toBe(0);
    expect(deadLetters.letters).toHaveLength(s.inFlight);
    expect(deadLetters.letters.every((l) => l.errorCode === 'Aborted')).toBe(true);
  });
});

describe('limits', () => {
  it('match the Kinesis PutRecords quotas', () => {
    expect([MAX_RECORDS_PER_CALL, MAX_BYTES_PER_CALL, MAX_RECORD_BYTES]).toEqual([500, 5 * 1024 * 1024, 1024 * 1024]);
  });
});
