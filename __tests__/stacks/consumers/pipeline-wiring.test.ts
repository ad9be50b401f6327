/**
 * The consumers inside the real pipeline stacks (config/dev.json and config/prod.json): what each
 * environment runs, wired to the stack's streams, bucket, key and alarm topic, and drawn on its dashboard.
 */
import { loadConfig } from '../../../stacks/config';
import { projectRoot, synthPipeline } from '../helpers';

type Json = Record<string, any>;
const synthEnv = (env: 'dev' | 'prod') =>
  synthPipeline(loadConfig(env, projectRoot) as unknown as Json, { environment: env }).tf;
const values = (tf: Json, type: string): Json[] => Object.values(tf.resource?.[type] ?? {});
const refTo = (type: string, attr: string) => expect.stringMatching(new RegExp(`^\\$\\{${type}\\.[A-Za-z0-9_]+\\.${attr}\\}$`));

describe.each([['dev', false], ['prod', true]] as const)('the %s stack', (env, rawArchive) => {
  const tf = synthEnv(env);
  const prefix = `kpufit-${env}`;

  it('runs the alerts Lambda on the alerts stream, notifying the alarm topic', () => {
    const fn = values(tf, 'aws_lambda_function').find((f) => f.function_name === `${prefix}-alerts`)!;
    expect(fn).toBeDefined();
    expect(fn.environment.variables.ALERTS_TOPIC_ARN).toEqual(refTo('aws_sns_topic', 'arn'));
    const [esm] = values(tf, 'aws_lambda_event_source_mapping');
    const alertsStreamId = Object.entries(tf.resource.aws_kinesis_stream as Json).find(([, s]) => s.name === `${prefix}-alerts`)![0];
    expect(esm.event_source_arn).toBe(`\${aws_kinesis_stream.${alertsStreamId}.arn}`);
  });

  it(`${rawArchive ? 'archives' : 'does not archive'} the raw input stream`, () => {
    const firehoses = values(tf, 'aws_kinesis_firehose_delivery_stream');
    expect(firehoses).toHaveLength(rawArchive ? 1 : 0);
    if (rawArchive) {
      const inputId = Object.entries(tf.resource.aws_kinesis_stream as Json).find(([, s]) => s.name === `${prefix}-input`)![0];
      expect(firehoses[0].kinesis_source_configuration.kinesis_stream_arn).toBe(`\${aws_kinesis_stream.${inputId}.arn}`);
      expect(firehoses[0].extended_s3_configuration.bucket_arn).toEqual(refTo('aws_s3_bucket', 'arn'));
    }
  });

  it('catalogues the results for Athena', () => {
    expect(values(tf, 'aws_glue_catalog_database').map((d) => d.name)).toEqual([`${prefix.replace('-', '_')}_analytics`]);
    expect(values(tf, 'aws_glue_catalog_table').map((t) => t.name).sort()).toEqual(['clickstream', 'iot', 'taxi']);
    expect(values(tf, 'aws_athena_workgroup').map((w) => w.name)).toEqual([`${prefix}-analytics`]);
  });

  it('sends the consumer alarms to the topic, named so the topic policy admits them', () => {
    const consumerAlarms = values(tf, 'aws_cloudwatch_metric_alarm')
      .filter((a) => /-(alerts|raw-archive)-/.test(a.alarm_name));
    expect(consumerAlarms).toHaveLength(rawArchive ? 7 : 5);
    for (const a of consumerAlarms) {
      expect(a.alarm_name.startsWith(`${prefix}-`)).toBe(true);
      expect(a.alarm_actions).toEqual([refTo('aws_sns_topic', 'arn')]);
    }
  });

  it('draws the consumer panels on the pipeline dashboard', () => {
    const [dashboard] = values(tf, 'aws_cloudwatch_dashboard');
    const titles = JSON.parse(dashboard.dashboard_body).widgets.map((w: Json) => w.properties.title);
    expect(titles).toEqual(expect.arrayContaining(['Alerts: received, notified, malformed',
      'Alerts Lambda: errors, throttles, dead-lettered batches', 'Alerts Lambda: iterator age']));
    expect(titles.includes('Raw archive: delivery success and freshness')).toBe(rawArchive);
  });

  it('lets CloudWatch Logs encrypt the consumer log groups with the pipeline key', () => {
    const [key] = values(tf, 'aws_kms_key');
    const sids = JSON.parse(key.policy).Statement.map((s: Json) => s.Sid);
    expect(sids).toContain('CloudWatchLogsEncryptAlertsLambdaLogGroup');
    expect(sids.includes('CloudWatchLogsEncryptRawArchiveLogGroup')).toBe(rawArchive);
  });

  it('declares the consumer outputs', () => {
    expect(tf.output.athena_workgroup.value).toEqual(refTo('aws_athena_workgroup', 'name'));
    expect(tf.output.glue_database.value).toBe(`${prefix.replace('-', '_')}_analytics`);
    expect(tf.output.raw_archive_delivery_stream.value).toEqual(rawArchive ? refTo('aws_kinesis_firehose_delivery_stream', 'name') : '');
  });
});
