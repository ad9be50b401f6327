import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../stacks/config';
import { bucketRef, minimalConfig, projectRoot, refOf, single, synthPipeline, withPatch } from './helpers';

function groupsOf(tf: Record<string, any>): Record<string, Record<string, string>> {
  const groups = single(tf, 'aws_kinesisanalyticsv2_application').application_configuration.environment_properties.property_group;
  return Object.fromEntries(groups.map((g: { property_group_id: string; property_map: Record<string, string> }) => [g.property_group_id, g.property_map]));
}

describe('runtime property groups (the contract with flink-app)', () => {
  const { tf } = synthPipeline(loadConfig('prod', projectRoot) as unknown as Record<string, any>, { environment: 'prod' });
  const groups = groupsOf(tf);
  const results = bucketRef(tf, 'results', 'bucket');

  it('has exactly the groups InputStream, Output, Job and (config opensearch.enabled) OpenSearch', () => {
    expect(Object.keys(groups)).toEqual(['InputStream', 'Output', 'Job', 'OpenSearch']);
  });

  it('InputStream: the stream ARN and name, the region, and LATEST as start position', () => {
    expect(groups.InputStream).toEqual({
      'stream.arn': refOf(tf, 'aws_kinesis_stream', (s) => s.name === 'kpufit-prod-input', 'arn'),
      'stream.name': 'kpufit-prod-input',
      'aws.region': 'eu-west-1',
      'source.init.position': 'LATEST',
    });
  });

  it('Output: results and errors paths in the results bucket, the alerts stream ARN, the region', () => {
    expect(groups.Output).toEqual({
      'results.path': `s3://${results}/analytics-results/`,
      'errors.path': `s3://${results}/errors/`,
      'alerts.stream.arn': refOf(tf, 'aws_kinesis_stream', (s) => s.name === 'kpufit-prod-alerts', 'arn'),
      'aws.region': 'eu-west-1',
    });
  });

  it('Job: workload, window and watermark settings as strings', () => {
    expect(groups.Job).toEqual({
      workload: 'taxi', 'window.size.seconds': '60', 'watermark.max.out.of.orderness.seconds': '10', 'watermark.idleness.seconds': '60',
    });
  });

  it('Job: adds the synthetic cost keys that are set', () => {
    const { tf: withCost } = synthPipeline(withPatch(minimalConfig(), { job: { cost: { cpuSpinMicros: 250, ioMode: 'blocking', ioWaitMillis: 3 } } }));
    expect(groupsOf(withCost).Job).toEqual({
      workload: 'iot', 'window.size.seconds': '300', 'watermark.max.out.of.orderness.seconds': '5', 'watermark.idleness.seconds': '60',
      'cost.cpu.spin.micros': '250', 'cost.io.mode': 'blocking', 'cost.io.wait.millis': '3',
    });
  });

  it('Job: sends the async I/O capacity and timeout under the names flink-app JobConfig reads', () => {
    const { tf: asyncCost } = synthPipeline(withPatch(minimalConfig(), {
      job: { cost: { ioMode: 'async', ioWaitMillis: 5, asyncCapacity: 250, asyncTimeoutMillis: 2000 } },
    }));
    expect(groupsOf(asyncCost).Job).toMatchObject({
      'cost.io.mode': 'async', 'cost.io.wait.millis': '5', 'cost.io.async.capacity': '250', 'cost.io.async.timeout.millis': '2000',
    });
    const java = fs.readFileSync(path.join(projectRoot, 'flink-app/src/main/java/dev/kpufit/flink/config/JobConfig.java'), 'utf8');
    expect(java).toContain('r.intInRange(JOB, "cost.io.async.capacity", 100, 1, 10_000)');
    expect(java).toContain('r.intInRange(JOB, "cost.io.async.timeout.millis", 1_000, 1, 600_000)');
  });

  it('Job: windows the iot workload over 5 minutes by default', () => {
    expect(groupsOf(synthPipeline(minimalConfig()).tf).Job['window.size.seconds']).toBe('300');
  });

  it('Output: no alerts.stream.arn when the alerts stream is disabled', () => {
    const { tf: off } = synthPipeline(withPatch(minimalConfig(), { alertsStream: { enabled: false } }));
    expect(Object.keys(groupsOf(off).Output).sort()).toEqual(['aws.region', 'errors.path', 'results.path']);
    expect(Object.values(off.resource.aws_kinesis_stream)).toHaveLength(1);
  });
});
