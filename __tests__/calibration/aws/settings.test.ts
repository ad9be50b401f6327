import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAwsSettings, workloadRecordBytes } from '../../../calibration/aws/settings';
import { parseStackOutputs } from '../../../calibration/aws/stack-outputs';
import { ValidationError } from '../../../core/validation';

const OUTPUTS = {
  region: 'eu-west-1', stream_name: 'kpufit-dev-events', stream_arn: 'arn:aws:kinesis:eu-west-1:1:stream/kpufit-dev-events',
  application_name: 'kpufit-dev-analytics', application_arn: 'arn:aws:kinesisanalytics:eu-west-1:1:application/kpufit-dev-analytics',
  alerts_stream_name: 'kpufit-dev-alerts', results_bucket: 'r', artifacts_bucket: 'a', alerts_topic_arn: 't', dashboard_url: 'https://console',
};

function outputsFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kpufit-outputs-')), 'outputs.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('calibrate --target aws flags', () => {
  it('takes the application, stream and region from the stack outputs (cdktf output --outputs-file shape)', async () => {
    const s = await resolveAwsSettings({ fromOutputs: outputsFile({ 'kpufit-dev': OUTPUTS }), rate: 1000 }, {});
    expect(s).toMatchObject({ application: 'kpufit-dev-analytics', stream: 'kpufit-dev-events', region: 'eu-west-1', outDir: join('reports', 'kpufit-dev-analytics') });
    expect(s).toMatchObject({ recordsPerSecond: 1000, workload: 'taxi', maxKpu: 64, maxParallelism: 256, dryRun: false, keep: false });
    expect(s.slo).toEqual({ maxLagMs: 60000, catchUpSeconds: 600, targetUtilization: 0.8, maxHeapUtilization: 0.9 });
  });

  it('lets flags win over the outputs, and reads terraform output -json and flat shapes too', async () => {
    const tf = Object.fromEntries(Object.entries(OUTPUTS).map(([k, v]) => [k, { value: v, type: 'string', sensitive: false }]));
    const s = await resolveAwsSettings({ fromOutputs: outputsFile(tf), app: 'other', region: 'us-east-1', rate: 5, workload: 'iot', sloLagMs: 5000, catchUpS: 120, targetUtilization: 0.7, maxKpu: 4, maxCostUsd: 2 }, {});
    expect(s).toMatchObject({ application: 'other', stream: 'kpufit-dev-events', region: 'us-east-1', workload: 'iot', maxKpu: 4, maxCostUsd: 2 });
    expect(s.slo).toMatchObject({ maxLagMs: 5000, catchUpSeconds: 120, targetUtilization: 0.7 });
    expect(parseStackOutputs(OUTPUTS, 'f')).toEqual(OUTPUTS);
  });

  it('sizes records as the workload generates them unless --record-bytes says otherwise', async () => {
    const taxi = await resolveAwsSettings({ app: 'a', stream: 's', rate: 1 }, {});
    const iot = await resolveAwsSettings({ app: 'a', stream: 's', rate: 1, workload: 'iot' }, {});
    expect(taxi.recordBytes).toBe(workloadRecordBytes('taxi', 1));
    expect(iot.recordBytes).toBe(workloadRecordBytes('iot', 1));
    // Plausible JSON events (tens to hundreds of bytes), and the two workloads differ.
    for (const b of [taxi.recordBytes, iot.recordBytes]) expect(b).toBeGreaterThan(50);
    for (const b of [taxi.recordBytes, iot.recordBytes]) expect(b).toBeLessThan(2000);
    expect(taxi.recordBytes).not.toBe(iot.recordBytes);
    expect((await resolveAwsSettings({ app: 'a', stream: 's', rate: 1, recordBytes: 999 }, {})).recordBytes).toBe(999);
  });

  it('falls back to AWS_REGION for the region', async () => {
    const s = await resolveAwsSettings({ app: 'a', stream: 's', rate: 1 }, { AWS_REGION: 'ap-south-1' });
    expect(s.region).toBe('ap-south-1');
  });

  it('reports every bad flag at once, one line each, naming the flag and what is allowed', async () => {
    const err = await resolveAwsSettings({ rate: -3, recordBytes: 0, targetUtilization: 1.5, maxKpu: 2.5, maxCostUsd: 0, workload: 'bank', endpointUrl: 'ftp://x' }, {}).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual([
      '--app: required for --target aws (or --from-outputs FILE)',
      '--stream: required for --target aws (or --from-outputs FILE)',
      '--rate: must be a number > 0 and <= 1000000 (records per second), got -3',
      '--record-bytes: must be an integer from 1 to 1048576, got 0',
      '--target-utilization: must be a number > 0 and <= 1, got 1.5',
      '--max-kpu: must be an integer >= 1, got 2.5',
      '--max-cost-usd: must be a number > 0 (US dollars), got 0',
      '--workload: must be one of taxi, iot, clickstream, got "bank"',
      '--endpoint-url: must be http:// or https://, got "ftp:"',
    ]);
  });

  it('says which output is missing from the file', async () => {
    const { application_name: _, ...rest } = OUTPUTS;
    const err = await resolveAwsSettings({ fromOutputs: outputsFile({ stack: rest }), rate: 1 }, {}).catch((e) => e);
    expect((err as ValidationError).problems).toEqual([expect.stringMatching(/^--app: required for --target aws \(.*outputs\.json has no application_name\)$/)]);
  });

  it('refuses an outputs file that is missing, not JSON, has no outputs or several stacks', async () => {
    await expect(resolveAwsSettings({ fromOutputs: '/nonexistent/outputs.json', rate: 1 }, {})).rejects.toThrow('--from-outputs /nonexistent/outputs.json: file not found');
    await expect(resolveAwsSettings({ fromOutputs: outputsFile('{oops'), rate: 1 }, {})).rejects.toThrow(/: not valid JSON: /);
    await expect(resolveAwsSettings({ fromOutputs: outputsFile({ x: { y: 1 } }), rate: 1 }, {})).rejects.toThrow(/no stack outputs found/);
    await expect(resolveAwsSettings({ fromOutputs: outputsFile({ a: OUTPUTS, b: OUTPUTS }), rate: 1 }, {})).rejects.toThrow(/outputs of several stacks \(a, b\)/);
  });
});
