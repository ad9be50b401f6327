/**
 * Kinesis record -> JSON value or malformed. Kinesis hands Lambda the payload base64-encoded; a record that
 * is not base64, not UTF-8 or not JSON is malformed and must not block the shard. Each consumer then checks
 * the JSON against its own record shape.
 */
import type { KinesisStreamRecord } from 'aws-lambda';

/** Why a record could not be read; low-cardinality, so it can be a metric dimension. */
export type UnreadableReason = 'NotBase64' | 'NotUtf8' | 'NotJson';

export type JsonRecord =
  | { readonly kind: 'json'; readonly sequenceNumber: string; readonly json: unknown }
  | { readonly kind: 'unreadable'; readonly sequenceNumber: string; readonly reason: UnreadableReason; readonly detail: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// fatal: a payload with invalid UTF-8 is malformed rather than silently full of U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeJsonRecord(record: KinesisStreamRecord): JsonRecord {
  const sequenceNumber = record.kinesis.sequenceNumber;
  const unreadable = (reason: UnreadableReason, detail: string): JsonRecord => ({ kind: 'unreadable', sequenceNumber, reason, detail });
  const data = record.kinesis.data;
  // Buffer.from(..., 'base64') skips invalid characters silently, so check the alphabet first.
  if (typeof data !== 'string' || data === '' || !BASE64.test(data)) return unreadable('NotBase64', 'data is not base64');
  let text: string;
  try {
    text = utf8.decode(Buffer.from(data, 'base64'));
  } catch {
    return unreadable('NotUtf8', 'payload is not UTF-8');
  }
  try {
    return { kind: 'json', sequenceNumber, json: JSON.parse(text) };
  } catch {
    return unreadable('NotJson', 'payload is not JSON');
  }
}

/** Kinesis sequence numbers are decimal strings too long for a double: compare them as BigInts. */
export const compareSequenceNumbers = (a: string, b: string): number => {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};
