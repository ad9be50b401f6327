import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { AnalyticsCatalog, AnalyticsCatalogProps, DEFAULT_BYTES_SCANNED_CUTOFF } from '../../../stacks/analytics-catalog';
import { ANALYTICS_QUERIES } from '../../../stacks/analytics-queries';
import { WORKLOAD_TABLES } from '../../../stacks/analytics-tables';
import { ARNS, env, ref, resourcesOf, single, synth } from './consumer-stack';

const base: AnalyticsCatalogProps = { env, namePrefix: 'kpufit-test', resultsBucketName: ARNS.bucketName, encryptionKeyArn: ARNS.key };
const synthCatalog = (props: Partial<AnalyticsCatalogProps> = {}) =>
  synth((scope) => { new AnalyticsCatalog(scope, 'catalog', { ...base, ...props }); });
const table = (tf: Record<string, any>, name: string) =>
  Object.values(resourcesOf(tf, 'aws_glue_catalog_table')).find((t) => t.name === name)!;
const B = ARNS.bucketName;

describe('AnalyticsCatalog: Glue database and one table per workload', () => {
  const { text, tf } = synthCatalog();

  it('creates the database named after the prefix', () => {
    expect(text).toHaveResourceWithProperties(GlueCatalogDatabase, { name: 'kpufit_test_analytics' });
  });

  it('defines taxi, iot and clickstream over analytics-results/<workload>/', () => {
    expect(Object.values(resourcesOf(tf, 'aws_glue_catalog_table')).map((t) => t.name).sort()).toEqual(['clickstream', 'iot', 'taxi']);
    for (const w of ['taxi', 'iot', 'clickstream']) {
      expect(table(tf, w)).toMatchObject({
        database_name: ref(tf, 'aws_glue_catalog_database', 'name'), table_type: 'EXTERNAL_TABLE',
        storage_descriptor: { location: `s3://${B}/analytics-results/${w}/` },
      });
    }
  });

  it('reads JSON lines with the OpenX JSON SerDe, tolerating a torn line', () => {
    expect(text).toHaveResourceWithProperties(GlueCatalogTable, { name: 'taxi', table_type: 'EXTERNAL_TABLE' });
    for (const t of Object.values(resourcesOf(tf, 'aws_glue_catalog_table'))) {
      expect(t.storage_descriptor).toMatchObject({
        input_format: 'org.apache.hadoop.mapred.TextInputFormat',
        output_format: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        ser_de_info: { serialization_library: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'true' } },
      });
    }
  });

  it('projects the category, dt and hour partitions instead of crawling them', () => {
    expect(table(tf, 'taxi').partition_keys.map((k: { name: string; type: string }) => `${k.name}:${k.type}`))
      .toEqual(['category:string', 'dt:string', 'hour:string']);
    expect(table(tf, 'taxi').parameters).toEqual({
      EXTERNAL: 'TRUE', classification: 'json',
      'projection.enabled': 'true',
      'projection.category.type': 'enum', 'projection.category.values': 'pickup_hotspots,airport_trip_duration,alerts',
      'projection.dt.type': 'date', 'projection.dt.format': 'yyyy-MM-dd', 'projection.dt.range': '2025-01-01,NOW',
      'projection.dt.interval': '1', 'projection.dt.interval.unit': 'DAYS',
      'projection.hour.type': 'integer', 'projection.hour.range': '0,23', 'projection.hour.digits': '2',
      // "$${" is Terraform's literal "${": Athena, not Terraform, fills these in.
      'storage.location.template': `s3://${B}/analytics-results/taxi/$\${category}/dt=$\${dt}/hour=$\${hour}/`,
    });
    expect(table(tf, 'iot').parameters['projection.category.values']).toBe('sensor_stats,alerts');
    expect(table(tf, 'clickstream').parameters['projection.category.values']).toBe('dashboard');
  });

  it('has the columns the job writes for each workload', () => {
    const columns = (w: string) => table(tf, w).storage_descriptor.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`);
    expect(columns('taxi')).toEqual(expect.arrayContaining(['pickup_cell:string', 'pickups:bigint', 'airport:string',
      'trips:bigint', 'avg_duration_seconds:double', 'window_start:string', 'window_end:string']));
    expect(columns('iot')).toEqual(expect.arrayContaining(['device_id:string', 'sensor_type:string', 'count:bigint',
      'avg:double', 'min:double', 'max:double', 'value:double', 'threshold:double']));
    expect(columns('clickstream')).toEqual(expect.arrayContaining(['events_by_type:map<string,bigint>', 'events:bigint',
      'purchases:bigint', 'revenue:double', 'active_users:bigint']));
  });

  it('defines only the requested workloads and starts projection where told', () => {
    const { tf: one } = synthCatalog({ workloads: ['iot'], projectionStartDate: '2026-01-01', databaseName: 'results_db' });
    expect(Object.values(resourcesOf(one, 'aws_glue_catalog_table')).map((t) => t.name)).toEqual(['iot']);
    expect(table(one, 'iot').parameters['projection.dt.range']).toBe('2026-01-01,NOW');
    expect(Object.values(resourcesOf(one, 'aws_glue_catalog_database'))[0].name).toBe('results_db');
    expect(Object.values(resourcesOf(one, 'aws_athena_named_query')).every((q) => q.name.startsWith('iot-'))).toBe(true);
  });
});

describe('AnalyticsCatalog: Athena workgroup', () => {
  const { text, tf } = synthCatalog();

  const configuration = () => single(tf, 'aws_athena_workgroup').configuration;

  it('enforces its configuration so clients cannot turn off encryption or the cutoff', () => {
    expect(text).toHaveResourceWithProperties(AthenaWorkgroup, { name: 'kpufit-test-analytics', state: 'ENABLED', force_destroy: true });
    expect(configuration()).toMatchObject({ enforce_workgroup_configuration: true, publish_cloudwatch_metrics_enabled: true });
  });

  it('writes query results KMS-encrypted to athena-results/ in the results bucket', () => {
    expect(configuration().result_configuration).toEqual({
      output_location: `s3://${B}/athena-results/`, expected_bucket_owner: '123456789012',
      encryption_configuration: { encryption_option: 'SSE_KMS', kms_key_arn: ARNS.key },
    });
  });

  it('cancels queries scanning more than the cutoff (10 GiB by default) on engine v3', () => {
    expect(DEFAULT_BYTES_SCANNED_CUTOFF).toBe(10737418240);
    expect(configuration()).toMatchObject({
      bytes_scanned_cutoff_per_query: 10737418240, engine_version: { selected_engine_version: 'Athena engine version 3' },
    });
    expect(single(synthCatalog({ bytesScannedCutoffPerQuery: 104857600 }).tf, 'aws_athena_workgroup').configuration)
      .toMatchObject({ bytes_scanned_cutoff_per_query: 104857600 });
  });

  it('saves every README query as a named query in the workgroup', () => {
    const queries = Object.values(resourcesOf(tf, 'aws_athena_named_query'));
    expect(queries.map((q) => q.name).sort()).toEqual(ANALYTICS_QUERIES.map((q) => `${q.workload}-${q.id}`).sort());
    expect(text).toHaveResourceWithProperties(AthenaNamedQuery, {
      name: 'taxi-hotspots', database: ref(tf, 'aws_glue_catalog_database', 'name'), workgroup: ref(tf, 'aws_athena_workgroup', 'id'),
    });
    for (const q of queries) expect(q.query).toContain('"kpufit_test_analytics".');
  });

  it('bounds every saved query by dt, so projection reads only recent partitions', () => {
    for (const q of ANALYTICS_QUERIES) expect(q.sql('db')).toMatch(/WHERE category = '[a-z_]+' AND dt >= /);
  });

  it('uses in each query only columns of its workload table', () => {
    for (const q of ANALYTICS_QUERIES) {
      const known = new Set([...WORKLOAD_TABLES[q.workload].columns.map((c) => c.name), 'category', 'dt', 'hour']);
      const compared = [...q.sql('db').matchAll(/\b([a-z_]+)\s*(?:=|>=|>)\s/g)].map((m) => m[1]);
      for (const c of compared) expect(known).toContain(c);
    }
  });
});

describe('AnalyticsCatalog: QuickSight manifests', () => {
  const { text, tf } = synthCatalog();
  const manifests = Object.values(resourcesOf(tf, 'aws_s3_object'));

  it('writes one manifest per workload result kind, under quicksight/', () => {
    expect(manifests.map((m) => m.key).sort()).toEqual([
      'quicksight/clickstream-dashboard.json', 'quicksight/iot-alerts.json', 'quicksight/iot-sensor_stats.json',
      'quicksight/taxi-airport_trip_duration.json', 'quicksight/taxi-alerts.json', 'quicksight/taxi-pickup_hotspots.json',
    ]);
  });

  it('points fileLocations at analytics-results/ and reads JSON', () => {
    const m = manifests.find((x) => x.key === 'quicksight/iot-sensor_stats.json')!;
    expect(JSON.parse(m.content)).toEqual({
      fileLocations: [{ URIPrefixes: [`s3://${B}/analytics-results/iot/sensor_stats/`] }],
      globalUploadSettings: { format: 'JSON' },
    });
    for (const x of manifests) {
      for (const uri of JSON.parse(x.content).fileLocations[0].URIPrefixes) expect(uri.startsWith(`s3://${B}/analytics-results/`)).toBe(true);
    }
  });

  it('stores them in the results bucket, KMS-encrypted', () => {
    expect(text).toHaveResourceWithProperties(S3Object, {
      bucket: B, content_type: 'application/json', server_side_encryption: 'aws:kms', kms_key_id: ARNS.key,
    });
  });
});

describe('AnalyticsCatalog: validation', () => {
  it.each([
    [{ databaseName: 'Bad-Name' }, 'databaseName must be 1-255 of a-z 0-9 _ (got "Bad-Name")'],
    [{ bytesScannedCutoffPerQuery: 1000 }, 'bytesScannedCutoffPerQuery must be an integer >= 10485760 (10 MB) (got 1000)'],
    [{ projectionStartDate: '01/01/2025' }, 'projectionStartDate must be a date yyyy-MM-dd (got "01/01/2025")'],
    [{ workloads: [] }, 'workloads must name at least one workload'],
    [{ resultsPrefix: 'analytics-results' }, 'resultsPrefix must be an S3 key prefix ending in "/" (got "analytics-results")'],
  ])('rejects %j', (props, message) => {
    expect(() => synthCatalog(props as Partial<AnalyticsCatalogProps>)).toThrow(`AnalyticsCatalog: ${message}`);
  });
});
