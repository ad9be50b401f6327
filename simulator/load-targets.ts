/**
 * Where `kpufit load` sends records. Every target is a Producer plus the Clock that paces it: Kinesis and
 * the twin share the Kinesis producer (over the SDK client or the twin's in-process Kinesis), stdout and
 * file write JSON lines, null accepts everything after the full batching path (for benchmarks).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Clock } from '../core/clock';
import { SystemClock } from '../core/clock';
import { createKinesisClient, kinesisApi } from './kinesis-client';
import { OrderedSleepClock } from './ordered-clock';
import { Prng } from '../core/prng';
import { DeadLetterFile } from './producers/dead-letter';
import { nullSink } from './producers/batch-sink';
import { KinesisProducer } from './producers/kinesis-producer';
import { LineProducer } from './producers/line-producer';
import type { Producer } from './producers/producer';
import { loadScenario, parseScenario, Twin, type Scenario } from './twin';

export const TARGET_NAMES = ['twin', 'kinesis', 'stdout', 'file', 'null'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface TargetSpec {
  target: TargetName;
  /** kinesis: the stream; twin: must match the scenario's stream when given. */
  stream?: string;
  region?: string;
  endpointUrl?: string;
  /** twin: the scenario file; without it a small default stream (4 shards). */
  scenario?: string;
  /** file: where the JSON lines go. */
  out?: string;
  concurrency?: number;
  maxRetries?: number;
  /** Seeds the retry jitter: a twin run repeats exactly. */
  seed?: number;
  deadLetterFile: string;
  /** Ends the real clock's sleeps at once on Ctrl-C. */
  signal?: AbortSignal;
}

export interface Target {
  producer: Producer;
  clock: Clock;
  /** One line for the log: where the records go. */
  description: string;
  deadLetters?: DeadLetterFile;
  twin?: Twin;
  close(): void;
}

export class TargetError extends Error {
  constructor(readonly flag: string, message: string) {
    super(message);
  }
}

/** A twin for `--target twin` without --scenario: one modest stream and job, nothing offered but ours. */
export const DEFAULT_TWIN_SCENARIO = {
  name: 'load-default',
  stream: { name: 'kpufit-stream', shards: 4 },
  load: { recordBytes: 400, profile: { type: 'constant', recordsPerSecond: 1 } },
  job: { cpuMsPerRecord: 0.1, ioWaitMsPerRecord: 1 },
} as const;

export async function openTarget(spec: TargetSpec): Promise<Target> {
  const realClock = new SystemClock(spec.signal);
  const jitter = new Prng((spec.seed ?? 1) ^ 0x6a697474);
  const kinesisOptions = { concurrency: spec.concurrency, maxRetries: spec.maxRetries, random: () => jitter.next() };
  switch (spec.target) {
    case 'kinesis': {
      if (!spec.stream) throw new TargetError('--stream', 'required with --target kinesis: name the stream to write to');
      const client = createKinesisClient({ region: spec.region, endpointUrl: spec.endpointUrl, maxSockets: Math.max(50, spec.concurrency ?? 0) });
      const api = kinesisApi(client);
      try {
        // Fail before sending anything: a wrong name, region or endpoint is one clear line, not N dead letters.
        await api.describeStreamSummary({ StreamName: spec.stream });
      } catch (err) {
        client.destroy();
        const e = err as Error;
        if (/region is missing/i.test(e.message)) {
          throw new TargetError('--region', 'no AWS region configured: pass --region or set AWS_REGION (or a profile region)');
        }
        if (e.name === 'CredentialsProviderError') {
          throw new TargetError('--target', `no AWS credentials in the standard chain (env, profile, SSO, instance role): ${e.message}`);
        }
        if (e.name === 'ResourceNotFoundException') {
          throw new TargetError('--stream', `stream "${spec.stream}" does not exist${spec.region ? ` in ${spec.region}` : ''}${spec.endpointUrl ? ` at ${spec.endpointUrl}` : ''}`);
        }
        throw new TargetError(spec.endpointUrl ? '--endpoint-url' : '--stream', `cannot reach stream "${spec.stream}": ${e.name}: ${e.message}`);
      }
      const deadLetters = new DeadLetterFile(spec.deadLetterFile);
      return {
        producer: new KinesisProducer({ api, streamName: spec.stream, clock: realClock, deadLetters, ...kinesisOptions }),
        clock: realClock,
        description: `Kinesis stream ${spec.stream}${spec.endpointUrl ? ` at ${spec.endpointUrl}` : ''}`,
        deadLetters,
        close: () => client.destroy(),
      };
    }
    case 'twin': {
      const scenario: Scenario = spec.scenario ? loadScenario(spec.scenario) : parseScenario(DEFAULT_TWIN_SCENARIO, 'default twin');
      if (spec.stream && spec.stream !== scenario.stream.name) {
        throw new TargetError('--stream', `the twin's stream is "${scenario.stream.name}" (from ${spec.scenario ?? 'the default scenario'}), not "${spec.stream}"`);
      }
      const twin = Twin.fromScenario(scenario);
      // The twin's sleep advances simulated time at once; ordering keeps the pacer's and the retries' waits apart.
      const clock = new OrderedSleepClock(twin.clock);
      const deadLetters = new DeadLetterFile(spec.deadLetterFile);
      return {
        producer: new KinesisProducer({ api: twin.kinesis, streamName: scenario.stream.name, clock, deadLetters, ...kinesisOptions }),
        clock,
        description: `the twin's stream ${scenario.stream.name} (${scenario.stream.shards} shards, simulated time)`,
        deadLetters,
        twin,
        close: () => undefined,
      };
    }
    case 'null':
      return {
        producer: new KinesisProducer({ sink: nullSink, clock: realClock, ...kinesisOptions }),
        clock: realClock,
        description: 'nowhere (null target)',
        close: () => undefined,
      };
    case 'stdout':
      return { producer: new LineProducer(process.stdout), clock: realClock, description: 'stdout', close: () => undefined };
    case 'file': {
      if (!spec.out) throw new TargetError('--out', 'required with --target file: the JSON-lines file to write');
      const out = await openForWriting(spec.out);
      return {
        producer: new LineProducer(out, { closeOnDrain: true }),
        clock: realClock,
        description: `file ${spec.out}`,
        close: () => out.destroy(),
      };
    }
  }
}

function openForWriting(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path, { flags: 'w' });
    stream.once('open', () => resolve(stream));
    stream.once('error', (err) => reject(new TargetError('--out', `cannot write "${path}": ${err.message}`)));
  });
}
