/**
 * An alert group as one SNS notification: a subject that fits SNS's limits, a readable body for e-mail,
 * and message attributes subscribers can filter on (e.g. only severity=critical to a pager).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from './alert';
import type { AlertGroup } from './group';

export interface Notification {
  readonly subject: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, { type: 'String' | 'Number'; value: string }>>;
}

/** Where notifications go; the Lambda entry wires SNS, tests a fake. Rejects when delivery failed. */
export interface NotificationPublisher {
  publish(notification: Notification): Promise<void>;
}

/** SNS: subject <= 100 printable ASCII characters, no line breaks. */
const SUBJECT_MAX = 100;
/** Enough to act on; the count says how many more there were. */
export const MAX_ALERTS_LISTED = 20;
const SEVERITY_RANK = ['info', 'low', 'medium', 'warning', 'high', 'critical'];

function asciiSubject(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length <= SUBJECT_MAX ? printable : `${printable.slice(0, SUBJECT_MAX - 3)}...`;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The most severe severity in the group (unknown names rank lowest); undefined when none carry one. */
export function highestSeverity(alerts: readonly Alert[]): string | undefined {
  let best: string | undefined;
  for (const a of alerts) {
    if (a.severity === undefined) continue;
    if (best === undefined || SEVERITY_RANK.indexOf(a.severity.toLowerCase()) > SEVERITY_RANK.indexOf(best.toLowerCase())) {
      best = a.severity;
    }
  }
  return best;
}

function alertLine(a: Alert): string {
  const severity = a.severity ? ` [${a.severity}]` : '';
  return `- ${isoSeconds(a.eventTimeMs)} ${a.alert_type}${severity}: value ${a.value}, threshold ${a.threshold}: ${a.message}`;
}

export function formatNotification(group: AlertGroup): Notification {
  const n = group.alerts.length;
  const minute = isoSeconds(group.minuteStartMs);
  const types = [...new Set(group.alerts.map((a) => a.alert_type))];
  const severity = highestSeverity(group.alerts);
  const listed = group.alerts.slice(0, MAX_ALERTS_LISTED).map(alertLine);
  const rest = n - listed.length;
  const message = [
    `${n} alert${n === 1 ? '' : 's'} for ${group.workload} ${group.key} in the minute starting ${minute}`,
    `types: ${types.join(', ')}${severity ? `; highest severity: ${severity}` : ''}`,
    '',
    ...listed,
    ...(rest > 0 ? [`... and ${rest} more in the same minute`] : []),
  ].join('\n');
  const attributes: Record<string, { type: 'String' | 'Number'; value: string }> = {
    workload: { type: 'String', value: group.workload },
    key: { type: 'String', value: group.key },
    alert_type: { type: 'String', value: types.join(',') },
    alert_count: { type: 'Number', value: String(n) },
  };
  if (severity) attributes.severity = { type: 'String', value: severity };
  return {
    subject: asciiSubject(`[kpufit] ${group.workload} ${group.key}: ${n} alert${n === 1 ? '' : 's'} at ${minute}`),
    message,
    attributes,
  };
}

/** Publishes to one SNS topic; a rejected Publish rejects, so the caller can report the records. */
export function snsPublisher(client: Pick<SNSClient, 'send'>, topicArn: string): NotificationPublisher {
  return {
    async publish(n: Notification): Promise<void> {
      await client.send(new PublishCommand({
        TopicArn: topicArn,
        Subject: n.subject,
        Message: n.message,
        MessageAttributes: Object.fromEntries(Object.entries(n.attributes)
          .map(([name, a]) => [name, { DataType: a.type, StringValue: a.value }])),
      }));
    },
  };
}
