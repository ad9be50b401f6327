/**
 * Each scaling decision of the autoscaler as one SNS message: a short subject, the reason and the numbers
 * behind it as the body, and attributes subscribers can filter on (outcome, kind).
 */
import type { PublishInput } from '@aws-sdk/client-sns';
import type { DecisionNotice, DecisionNotifier } from '../autoscaler/tick';

export interface SnsPublishApi {
  publish(input: PublishInput): Promise<unknown>;
}

export function decisionMessage(notice: DecisionNotice): PublishInput & { Subject: string; Message: string } {
  const d = notice.decision;
  const target = d.target ? `P=${d.target.parallelism} K=${d.target.parallelismPerKpu}` : 'no change';
  const verb = notice.outcome === 'updated' ? 'scaled' : 'could not scale';
  const subject = `kpufit autoscaler: ${notice.application} ${verb} (${d.kind ?? 'keep'}) to ${target}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  const body = {
    application: notice.application,
    at: new Date(notice.atMs).toISOString(),
    outcome: notice.outcome,
    kind: d.kind,
    target: d.target,
    reason: d.reason,
    inputRecordsPerSecond: d.inputRecordsPerSecond,
    lagMs: d.lagMs,
    capacityRecordsPerSecond: d.capacityRecordsPerSecond,
    requiredRecordsPerSecond: d.requiredRecordsPerSecond,
  };
  return {
    Subject: subject,
    Message: `${d.reason}\n\n${JSON.stringify(body, null, 2)}\n`,
    MessageAttributes: {
      outcome: { DataType: 'String', StringValue: notice.outcome },
      kind: { DataType: 'String', StringValue: d.kind ?? 'keep' },
      application: { DataType: 'String', StringValue: notice.application },
    },
  };
}

export class SnsDecisionNotifier implements DecisionNotifier {
  constructor(private readonly api: SnsPublishApi, private readonly topicArn: string) {}

  async notify(notice: DecisionNotice): Promise<void> {
    await this.api.publish({ TopicArn: this.topicArn, ...decisionMessage(notice) });
  }
}
