import { mockClient } from 'aws-sdk-client-mock';
import { alert, event, jsonRecord } from './kinesis-event';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:kpufit-dev-alarms';

type SnsModule = typeof import('@aws-sdk/client-sns');
type EntryModule = typeof import('../../../../stacks/lambda/alerts/handler');

/**
 * The Lambda entry reads its environment when the module loads, as a cold start would, so each test loads
 * it afresh; the SNS client is mocked in that same module registry, where the entry finds it.
 */
function loadEntry(env: Record<string, string | undefined>, arrange: (sns: SnsModule) => void = () => {}) {
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_REGION: 'eu-west-1' }, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    let entry: EntryModule | undefined;
    let snsModule: SnsModule | undefined;
    jest.isolateModules(() => {
      snsModule = require('@aws-sdk/client-sns');
      arrange(snsModule!);
      entry = require('../../../../stacks/lambda/alerts/handler');
    });
    return { handler: entry!.handler, sns: snsModule! };
  } finally {
    process.env = saved;
  }
}

describe('Lambda entry (stacks/lambda/alerts/handler.ts)', () => {
  it('publishes to the topic named by ALERTS_TOPIC_ARN and writes EMF under METRICS_NAMESPACE to stdout', async () => {
    let calls: () => unknown[] = () => [];
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { writes.push(String(chunk)); return true; });
    try {
      const { handler } = loadEntry({ ALERTS_TOPIC_ARN: TOPIC, METRICS_NAMESPACE: 'kpufit/dev/Alerts',
        AWS_LAMBDA_FUNCTION_NAME: 'kpufit-dev-alerts' }, ({ SNSClient, PublishCommand }) => {
        const sns = mockClient(SNSClient);
        sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
        calls = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn);
      });
      const result = await handler(event(jsonRecord('1', alert())));
      expect(result).toEqual({ batchItemFailures: [] });
    } finally {
      spy.mockRestore();
    }
    expect(calls()).toEqual([TOPIC]);
    const emf = writes.map((w) => JSON.parse(w)).find((l) => '_aws' in l);
    expect(writes.every((w) => w.endsWith('\n'))).toBe(true);
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('kpufit/dev/Alerts');
    expect(emf.FunctionName).toBe('kpufit-dev-alerts');
  });

  it('reports the records of a rejected publish as batch item failures', async () => {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const { handler } = loadEntry({ ALERTS_TOPIC_ARN: TOPIC }, ({ SNSClient, PublishCommand }) => {
        mockClient(SNSClient).on(PublishCommand).rejects(new Error('KMS key disabled'));
      });
      expect(await handler(event(jsonRecord('77', alert())))).toEqual({ batchItemFailures: [{ itemIdentifier: '77' }] });
    } finally {
      spy.mockRestore();
    }
  });

  it('fails the cold start with a clear message when ALERTS_TOPIC_ARN is missing', () => {
    expect(() => loadEntry({ ALERTS_TOPIC_ARN: undefined })).toThrow('environment variable ALERTS_TOPIC_ARN is required');
  });
});
