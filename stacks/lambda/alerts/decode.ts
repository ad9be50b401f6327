/**
 * Kinesis record -> alert or malformed. Kinesis hands Lambda the payload base64-encoded; a record that is
 * not base64, not UTF-8, not JSON or not an alert is malformed and must not block the shard.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { type Alert, parseAlert } from './alert';

export type DecodedRecord =
  | { readonly kind: 'alert'; readonly sequenceNumber: string; readonly alert: Alert }
  | { readonly kind: 'malformed'; readonly sequenceNumber: string; readonly reason: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// fatal: a payload with invalid UTF-8 is malformed rather than silently full of U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeRecord(record: KinesisStreamRecord): DecodedRecord {
  const sequenceNumber = record.kinesis.sequenceNumber;
  const malformed = (reason: string): DecodedRecord => ({ kind: 'malformed', sequenceNumber, reason });
  const data = record.kinesis.data;
  // Buffer.from(..., 'base64') skips invalid characters silently, so check the alphabet first.
  if (typeof data !== 'string' || data === '' || !BASE64.test(data)) return malformed('data is not base64');
  let text: string;
  try {
    text = utf8.decode(Buffer.from(data, 'base64'));
  } catch {
    return malformed('payload is not UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return malformed('payload is not JSON');
  }
  const parsed = parseAlert(json);
  return parsed.ok ? { kind: 'alert', sequenceNumber, alert: parsed.alert } : malformed(parsed.reason);
}
