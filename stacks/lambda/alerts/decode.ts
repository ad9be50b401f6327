/**
 * Kinesis record -> alert or malformed: the shared JSON decoding (stacks/lambda/shared/kinesis-json.ts),
 * then the alert check. Anything that fails either is malformed and must not block the shard.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { decodeJsonRecord } from '../shared/kinesis-json';
import { type Alert, parseAlert } from './alert';

export type DecodedRecord =
  | { readonly kind: 'alert'; readonly sequenceNumber: string; readonly alert: Alert }
  | { readonly kind: 'malformed'; readonly sequenceNumber: string; readonly reason: string };

export function decodeRecord(record: KinesisStreamRecord): DecodedRecord {
  const decoded = decodeJsonRecord(record);
  const { sequenceNumber } = decoded;
  if (decoded.kind === 'unreadable') return { kind: 'malformed', sequenceNumber, reason: decoded.detail };
  const parsed = parseAlert(decoded.json);
  return parsed.ok ? { kind: 'alert', sequenceNumber, alert: parsed.alert } : { kind: 'malformed', sequenceNumber, reason: parsed.reason };
}
