/**
 * One notification per workload, device/cell and minute of event time: a burst of alerts from one device
 * becomes one message instead of one e-mail per record.
 */
import type { Alert } from './alert';

export interface AlertGroup {
  readonly workload: string;
  readonly key: string;
  /** Start of the event-time minute the alerts fall in, epoch milliseconds. */
  readonly minuteStartMs: number;
  /** In event-time order. */
  readonly alerts: readonly Alert[];
  /** The Kinesis sequence numbers behind the alerts: what to report if the notification fails. */
  readonly sequenceNumbers: readonly string[];
}

const MINUTE_MS = 60_000;

export function minuteStart(epochMs: number): number {
  return Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
}

/** Groups in order of first appearance in the batch, so notifications follow the stream's order. */
export function groupAlerts(items: ReadonlyArray<{ alert: Alert; sequenceNumber: string }>): AlertGroup[] {
  const groups = new Map<string, { workload: string; key: string; minuteStartMs: number;
    alerts: Alert[]; sequenceNumbers: string[] }>();
  for (const { alert, sequenceNumber } of items) {
    const minuteStartMs = minuteStart(alert.eventTimeMs);
    // JSON of the tuple: no separator character can make two different keys collide.
    const id = JSON.stringify([alert.workload, alert.key, minuteStartMs]);
    let group = groups.get(id);
    if (group === undefined) {
      group = { workload: alert.workload, key: alert.key, minuteStartMs, alerts: [], sequenceNumbers: [] };
      groups.set(id, group);
    }
    group.alerts.push(alert);
    group.sequenceNumbers.push(sequenceNumber);
  }
  return [...groups.values()].map((g) => ({
    ...g,
    alerts: [...g.alerts].sort((a, b) => a.eventTimeMs - b.eventTimeMs),
  }));
}
