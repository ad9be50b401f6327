/**
 * One batch of the alerts stream: decode, group, notify, count. The contract with Lambda's event source
 * mapping (ReportBatchItemFailures):
 * - malformed records are logged and counted but never reported, so they cannot stall the shard;
 * - a failed SNS publish reports the sequence numbers of every record in its group, and Lambda retries
 *   from the lowest one (records after it are re-delivered too: notifications are at-least-once);
 * - when retries or record age run out, Lambda sends the batch's shard/sequence range to the DLQ.
 */
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Alert } from './alert';
import { compareSequenceNumbers } from '../shared/kinesis-json';
import { decodeRecord } from './decode';
import { emfLine, type EmfMetric } from '../shared/emf';
import { type AlertGroup, groupAlerts } from './group';
import { formatNotification, type NotificationPublisher } from './notify';

export interface AlertsConsumerDeps {
  readonly publisher: NotificationPublisher;
  /** Epoch milliseconds now: stamps the metrics. */
  readonly clock: () => number;
  /** One complete line to stdout. EMF must reach CloudWatch Logs as a bare JSON line, not via console.*. */
  readonly writeLine: (line: string) => void;
  /** CloudWatch namespace of the EMF metrics. */
  readonly metricsNamespace: string;
  /** The FunctionName dimension (AWS_LAMBDA_FUNCTION_NAME in Lambda). */
  readonly functionName: string;
  /** Publishes in flight at once; SNS throttles a single caller long before this matters. Default 8. */
  readonly maxConcurrentPublishes?: number;
}

/** The Lambda context is optional so tests may leave it out; only its request id is used (log correlation). */
export type AlertsBatchHandler = (event: KinesisStreamEvent, context?: Pick<Context, 'awsRequestId'>) =>
  Promise<KinesisStreamBatchResponse>;

interface Outcome { readonly group: AlertGroup; readonly error?: Error }

/** Runs `task` over `items` with at most `limit` in flight; never rejects (errors are part of the result). */
async function settleWithLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>,
  onError: (item: T, error: Error) => R): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await task(items[i]);
      } catch (e) {
        results[i] = onError(items[i], e instanceof Error ? e : new Error(String(e)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function createAlertsConsumer(deps: AlertsConsumerDeps): AlertsBatchHandler {
  const limit = deps.maxConcurrentPublishes ?? 8;
  return async (event, context) => {
    const requestId = context?.awsRequestId;
    const log = (level: 'WARN' | 'ERROR', msg: string, fields: Record<string, unknown>) =>
      deps.writeLine(JSON.stringify({ level, msg, ...(requestId ? { requestId } : {}), ...fields }));
    const records = event.Records ?? [];
    const decoded = records.map(decodeRecord);
    const alerts: { alert: Alert; sequenceNumber: string }[] = [];
    let malformed = 0;
    decoded.forEach((d, i) => {
      if (d.kind === 'alert') {
        alerts.push({ alert: d.alert, sequenceNumber: d.sequenceNumber });
        return;
      }
      malformed += 1;
      log('WARN', 'malformed alert record skipped', {
        reason: d.reason, sequenceNumber: d.sequenceNumber, eventID: records[i].eventID,
        partitionKey: records[i].kinesis.partitionKey,
      });
    });

    const groups = groupAlerts(alerts);
    const outcomes = await settleWithLimit<AlertGroup, Outcome>(groups, limit,
      async (group) => {
        await deps.publisher.publish(formatNotification(group));
        return { group };
      },
      (group, error) => ({ group, error }));

    const failed = outcomes.filter((o) => o.error !== undefined);
    for (const { group, error } of failed) {
      log('ERROR', 'alert notification failed; records reported for retry', {
        workload: group.workload, key: group.key, minute: new Date(group.minuteStartMs).toISOString(),
        alerts: group.alerts.length, error: error?.name, detail: error?.message,
      });
    }
    const failedSequenceNumbers = [...new Set(failed.flatMap((o) => o.group.sequenceNumbers))]
      .sort(compareSequenceNumbers);

    emitMetrics(deps, { records: records.length, malformed, outcomes, failedRecords: failedSequenceNumbers.length, requestId });
    return { batchItemFailures: failedSequenceNumbers.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function emitMetrics(deps: AlertsConsumerDeps, batch: { records: number; malformed: number;
  outcomes: readonly Outcome[]; failedRecords: number; requestId?: string }): void {
  const timestampMs = deps.clock();
  const properties: Record<string, string> = batch.requestId ? { requestId: batch.requestId } : {};
  const count = (name: string, value: number): EmfMetric => ({ name, unit: 'Count', value });
  const published = (os: readonly Outcome[]) => os.filter((o) => o.error === undefined).length;
  const alertsIn = (os: readonly Outcome[]) => os.reduce((n, o) => n + o.group.alerts.length, 0);
  deps.writeLine(emfLine({
    namespace: deps.metricsNamespace, timestampMs, dimensions: { FunctionName: deps.functionName }, properties,
    metrics: [
      count('RecordsReceived', batch.records),
      count('AlertsReceived', alertsIn(batch.outcomes)),
      count('MalformedRecords', batch.malformed),
      count('NotificationsPublished', published(batch.outcomes)),
      count('NotificationsFailed', batch.outcomes.length - published(batch.outcomes)),
      count('RecordsReportedForRetry', batch.failedRecords),
    ],
  }));
  const byWorkload = new Map<string, Outcome[]>();
  for (const o of batch.outcomes) byWorkload.set(o.group.workload, [...(byWorkload.get(o.group.workload) ?? []), o]);
  for (const [workload, os] of byWorkload) {
    deps.writeLine(emfLine({
      namespace: deps.metricsNamespace, timestampMs, properties,
      dimensions: { FunctionName: deps.functionName, Workload: workload },
      metrics: [count('AlertsReceived', alertsIn(os)), count('NotificationsPublished', published(os))],
    }));
  }
}
