/**
 * Replay of recorded events (JSON lines), as amazon-kinesis-replay replays the NYC taxi data: each line is
 * sent as is, at the moment its own timestamp falls due, compressed by a speedup.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Prng } from '../core/prng';
import type { PartitionKeyMode } from './records';

export interface ReplayEvent {
  data: string;
  partitionKey: string;
  /** Epoch ms of the event's own timestamp; undefined when the line has none (sent with its predecessor). */
  eventTimeMs: number | undefined;
}

export interface ReplayFileOptions {
  path: string;
  timestampField: string;
  /** Field whose value is the partition key in `entity` mode (the workload's entity field). */
  keyField: string;
  partitionKey: PartitionKeyMode;
  seed: number;
}

export class ReplayFileError extends Error {}

/** ISO-8601 strings, or numbers as epoch milliseconds. */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function fieldOf(line: string, field: string): unknown {
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>)[field] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fails early, before anything is sent, when the file cannot be read or its first event has no usable
 * timestamp: a replay without timestamps cannot be paced.
 */
export async function checkReplayFile(path: string, timestampField: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new ReplayFileError(`cannot read "${path}": ${(err as Error).message}`);
  }
  await handle.close();
  for await (const line of lines(path)) {
    if (parseEventTime(fieldOf(line, timestampField)) === undefined) {
      throw new ReplayFileError(
        `"${path}" line 1 has no timestamp in field "${timestampField}" (ISO-8601 string or epoch ms); set --timestamp-field`,
      );
    }
    return;
  }
  throw new ReplayFileError(`"${path}" has no events`);
}

async function* lines(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line.length > 0) yield line;
    }
  } finally {
    rl.close();
  }
}

export async function* readReplay(options: ReplayFileOptions): AsyncGenerator<ReplayEvent> {
  const keys = new Prng(options.seed ^ 0x6b657973);
  const random = options.partitionKey === 'random';
  for await (const line of lines(options.path)) {
    let parsed: Record<string, unknown> | undefined;
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object') parsed = value as Record<string, unknown>;
    } catch {
      // Malformed lines are replayed too: they exercise the job's error path like the originals did.
    }
    const entity = parsed?.[options.keyField];
    const partitionKey =
      !random && (typeof entity === 'string' || typeof entity === 'number') && String(entity).length > 0
        ? String(entity).slice(0, 256)
        : keys.hex8() + keys.hex8();
    yield { data: line, partitionKey, eventTimeMs: parseEventTime(parsed?.[options.timestampField]) };
  }
}
