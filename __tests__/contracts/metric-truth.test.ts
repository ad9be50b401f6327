/**
 * Metric truth: the job, the catalogue, the stack's alarms and dashboard, the calibrator's queries and the twin
 * must name the same CloudWatch series. Each side is read as it ships (the Java sources, the synthesized
 * Terraform, the twin's ListMetrics), so any one of them drifting fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dimension } from '@aws-sdk/client-cloudwatch';
import { METRICS, LAG_NOT_YET_REPORTED, metricDimensions, type MetricName } from '../../core/metric-catalogue';
import { metricQueries } from '../../calibration/adapters/cloudwatch-metrics';
import { Twin } from '../../simulator/twin';
import { APP, STREAM, parallelismUpdate, scenario, version } from '../simulator/twin/fixtures';
import { projectRoot, resourcesOf, single, synthPipeline } from '../stacks/helpers';

const javaRoot = join(projectRoot, 'flink-app', 'src', 'main', 'java', 'dev', 'kpufit', 'flink');
const jobMetrics = readFileSync(join(javaRoot, 'pipeline', 'JobMetrics.java'), 'utf8');
const kinesisSource = readFileSync(join(javaRoot, 'kinesis', 'KinesisSource.java'), 'utf8');

function javaConstant(source: string, name: string): string {
  const m = new RegExp(`static final String ${name} = "([^"]*)";`).exec(source);
  if (!m) throw new Error(`JobMetrics.java has no String constant ${name}`);
  return m[1];
}

/** The lag series as the job registers it: group kinesisanalytics → Id=<stream, '-' as '_'> → Flow=Input. */
const job = {
  group: javaConstant(jobMetrics, 'GROUP'),
  name: javaConstant(jobMetrics, 'LAG_GAUGE'),
  idKey: javaConstant(jobMetrics, 'INPUT_ID_KEY'),
  flowKey: javaConstant(jobMetrics, 'FLOW_KEY'),
  flowInput: javaConstant(jobMetrics, 'FLOW_INPUT'),
};
/** Managed Flink: metrics of the kinesisanalytics group go to AWS/KinesisAnalytics with Application plus the group's key/values. */
const jobLagDimensions = (application: string, stream: string) => ({
  Application: application, [job.idKey]: stream.replace(/-/g, '_'), [job.flowKey]: job.flowInput,
});

const asRecord = (dims: Dimension[] | undefined) => Object.fromEntries((dims ?? []).map((d) => [d.Name!, d.Value!]));
const catalogued = (namespace: string, name: string) =>
  Object.values(METRICS).find((d) => d.namespace === namespace && d.name === name);

describe('metric truth: the job publishes the lag series the catalogue declares', () => {
  it('registers millisBehindLatest in the kinesisanalytics group under the Id and Flow=Input subgroups, -1 until the source answers', () => {
    expect(job).toEqual({ group: 'kinesisanalytics', name: 'millisBehindLatest', idKey: 'Id', flowKey: 'Flow', flowInput: 'Input' });
    expect(jobMetrics).toMatch(/addGroup\(GROUP\)\.addGroup\(INPUT_ID_KEY, inputId\(streamName\)\)\.addGroup\(FLOW_KEY, FLOW_INPUT\)/);
    expect(jobMetrics).toContain("streamName.replace('-', '_')");
    // The source uses that registration, for the stream it reads, not a bare gauge.
    expect(kinesisSource).toMatch(/JobMetrics\.lagGauge\(context\.metricGroup\(\), streamName,/);
    expect(kinesisSource).not.toMatch(/JobMetrics\.gauge\(/);
    const shardLag = readFileSync(join(javaRoot, 'kinesis', 'ShardLag.java'), 'utf8');
    expect(shardLag).toContain(`UNKNOWN = ${LAG_NOT_YET_REPORTED}L`);
  });

  it('matches the catalogue entry: namespace, name and dimensions', () => {
    const def = METRICS.millisBehindLatest;
    expect([def.namespace, def.name, def.unknownValue]).toEqual(['AWS/KinesisAnalytics', job.name, LAG_NOT_YET_REPORTED]);
    expect(metricDimensions(def, { application: 'app', stream: 'my-input-stream' })).toEqual(jobLagDimensions('app', 'my-input-stream'));
  });
});

describe('metric truth: the stack alarms on and charts catalogued series', () => {
  const { tf } = synthPipeline();
  const application = single(tf, 'aws_kinesisanalyticsv2_application').name as string;
  // The input stream: the one the stack's stream_name output (where the load goes) names.
  const streamRef = /^\$\{aws_kinesis_stream\.([^.]+)\.name\}$/.exec(tf.output.stream_name.value as string)!;
  const stream = resourcesOf(tf, 'aws_kinesis_stream')[streamRef[1]].name as string;
  const alarms = Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm'));

  it('alarms on the lag series the job publishes', () => {
    const lag = alarms.find((a) => a.metric_name === 'millisBehindLatest');
    expect(lag).toMatchObject({ namespace: 'AWS/KinesisAnalytics', dimensions: jobLagDimensions(application, stream) });
  });

  // An alarm on a series, or on an expression over one (DIFF for "increased"): either way a catalogued series.
  const alarmedSeries = (a: Record<string, any>) => (a.metric_query
    ? (a.metric_query as Array<Record<string, any>>).filter((q) => q.metric).map((q) => ({ namespace: q.metric.namespace, name: q.metric.metric_name, dimensions: q.metric.dimensions, stat: q.metric.stat }))
    : [{ namespace: a.namespace, name: a.metric_name, dimensions: a.dimensions, stat: a.statistic }]);

  // A ratio alarm (malformed records over intake) reads two series: each must be catalogued.
  it.each(alarms.map((a) => [a.alarm_name as string, a]))('%s: catalogued series with their dimensions and statistics', (_name, alarm) => {
    const series = alarmedSeries(alarm);
    expect(series.length).toBeGreaterThanOrEqual(1);
    for (const one of series) {
      const def = catalogued(one.namespace, one.name);
      expect(def).toBeDefined();
      expect(one.dimensions).toEqual(metricDimensions(def!, { application, stream }));
      expect(one.stat).toBe(def!.statistic);
    }
  });

  it('charts only catalogued series, with their dimensions (stream series of any of the stack\'s streams)', () => {
    const streams = Object.values(resourcesOf(tf, 'aws_kinesis_stream')).map((r) => r.name as string);
    const body = JSON.parse(single(tf, 'aws_cloudwatch_dashboard').dashboard_body) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> };
    const lines = body.widgets.flatMap((w) => w.properties.metrics ?? []);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const [namespace, name, ...rest] = line as string[];
      const def = catalogued(namespace, name);
      expect(def).toBeDefined();
      const pairs = rest.filter((x) => typeof x === 'string');
      const dims = Object.fromEntries(Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i], pairs[2 * i + 1]]));
      const onStream = def!.dimensions === 'stream' && streams.includes(dims.StreamName) ? dims.StreamName : stream;
      expect(dims).toEqual(metricDimensions(def!, { application, stream: onStream }));
    }
  });
});

describe('metric truth: the twin publishes exactly what the calibrator queries, as the job would', () => {
  it('lists the job lag series with the job dimensions', async () => {
    const twin = Twin.fromScenario(scenario());
    const out = await twin.cloudWatch.listMetrics({ Namespace: 'AWS/KinesisAnalytics', MetricName: 'millisBehindLatest' });
    expect(out.Metrics!.map((m) => asRecord(m.Dimensions))).toEqual([jobLagDimensions(APP, STREAM)]);
  });

  it('lists every series the calibrator queries, with exactly the queried dimensions, and only catalogued series', async () => {
    const twin = Twin.fromScenario(scenario());
    const listed = (await twin.cloudWatch.listMetrics({})).Metrics!;
    for (const m of listed) expect(catalogued(m.Namespace!, m.MetricName!)).toBeDefined();
    const key = (ns: string, name: string, dims: Record<string, string>) => JSON.stringify([ns, name, Object.entries(dims).sort()]);
    const keys = new Set(listed.map((m) => key(m.Namespace!, m.MetricName!, asRecord(m.Dimensions))));
    for (const q of metricQueries(APP, STREAM)) {
      const metric = q.MetricStat!.Metric!;
      expect(keys).toContain(key(metric.Namespace!, metric.MetricName!, asRecord(metric.Dimensions)));
    }
  });

  it('publishes millisBehindLatest -1 for the first second after a restart, real readings otherwise', async () => {
    const twin = Twin.fromScenario(scenario());
    twin.advance(120);
    await twin.kinesisAnalytics.updateApplication(parallelismUpdate(2, 1, await version(twin)));
    twin.advance(900);
    const lag = (stat: string) => twin.cloudWatch.getMetricData({
      StartTime: new Date(0), EndTime: new Date(Date.UTC(2100, 0)), ScanBy: 'TimestampAscending',
      MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: { Namespace: 'AWS/KinesisAnalytics', MetricName: 'millisBehindLatest', Dimensions: Object.entries(jobLagDimensions(APP, STREAM)).map(([Name, Value]) => ({ Name, Value })) }, Period: 60, Stat: stat } }],
    }).then((o) => o.MetricDataResults![0].Values!);
    const minima = await lag('Minimum');
    // Before the update the application had been running a while: no -1.
    expect(minima.slice(0, 2).every((v) => v >= 0)).toBe(true);
    expect(minima.filter((v) => v === LAG_NOT_YET_REPORTED)).toHaveLength(1);
    expect(Math.min(...minima)).toBe(LAG_NOT_YET_REPORTED);
  });
});

describe('metric truth: docs/metrics.md documents every catalogued series', () => {
  const doc = readFileSync(join(projectRoot, 'docs', 'metrics.md'), 'utf8');
  /** Reference-style links defined on the page: [KEY]: https://... */
  const links = new Map([...doc.matchAll(/^\[([^\]]+)\]: (https:\/\/\S+)$/gm)].map((m) => [m[1], m[2]]));
  it.each(Object.keys(METRICS) as MetricName[])('%s has a table row with its namespace and a source link', (name) => {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    expect(row).toBeDefined();
    const cells = row!.split('|').map((c) => c.trim());
    expect(cells[2]).toBe(METRICS[name].namespace);
    const sources = [...cells[cells.length - 2].matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
    expect(sources.some((k) => links.get(k)?.startsWith('https://docs.aws.amazon.com/'))).toBe(true);
  });
});
