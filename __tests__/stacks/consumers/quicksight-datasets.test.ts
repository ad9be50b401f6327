import { QuickSightDatasets, QuickSightDatasetsProps, quickSightColumns } from '../../../stacks/quicksight-datasets';
import { WORKLOAD_TABLES } from '../../../stacks/analytics-tables';
import { ARNS, env, identityPolicy, ref, resourcesOf, single, statement, synth } from './consumer-stack';

const OWNER = 'arn:aws:quicksight:eu-west-1:123456789012:user/default/analyst';
const base: QuickSightDatasetsProps = {
  env, namePrefix: 'kpufit-test', workgroupName: 'kpufit-test-analytics', databaseName: 'kpufit_test_analytics',
  workloads: ['taxi', 'iot', 'clickstream'], resultsBucketArn: ARNS.bucket, encryptionKeyArn: ARNS.key, ownerArn: OWNER,
};
const synthQs = (props: Partial<QuickSightDatasetsProps> = {}) =>
  synth((scope) => { new QuickSightDatasets(scope, 'qs', { ...base, ...props }); }).tf;

describe('QuickSightDatasets: data source', () => {
  const tf = synthQs();
  const source = single(tf, 'aws_quicksight_data_source');

  it('is an Athena source on the pipeline workgroup, over SSL', () => {
    expect(source).toMatchObject({
      data_source_id: 'kpufit-test-athena', type: 'ATHENA', parameters: { athena: { work_group: 'kpufit-test-analytics' } },
      ssl_properties: { disable_ssl: false },
    });
  });

  it('is created after the service role can query', () => {
    expect(source.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\./)]);
  });

  it('gives the configured owner the owner actions', () => {
    expect(source.permission).toEqual([{ principal: OWNER, actions: expect.arrayContaining(['quicksight:DescribeDataSource', 'quicksight:PassDataSource']) }]);
  });

  it('has no permissions block without an owner', () => {
    expect(single(synthQs({ ownerArn: undefined }), 'aws_quicksight_data_source').permission).toBeUndefined();
  });
});

describe('QuickSightDatasets: data sets', () => {
  const tf = synthQs();
  const sets = Object.values(resourcesOf(tf, 'aws_quicksight_data_set'));
  const iot = sets.find((d) => d.data_set_id === 'kpufit-test-iot')!;

  it('has one SPICE data set per result table', () => {
    expect(sets.map((d) => [d.data_set_id, d.import_mode]).sort()).toEqual([
      ['kpufit-test-clickstream', 'SPICE'], ['kpufit-test-iot', 'SPICE'], ['kpufit-test-taxi', 'SPICE'],
    ]);
  });

  it('reads the Glue table through the Athena source, with the table\'s columns and partitions', () => {
    expect(iot.physical_table_map).toEqual([{
      physical_table_map_id: 'iot',
      relational_table: {
        data_source_arn: ref(tf, 'aws_quicksight_data_source', 'arn'), catalog: 'AwsDataCatalog', schema: 'kpufit_test_analytics', name: 'iot',
        input_columns: quickSightColumns([...WORKLOAD_TABLES.iot.columns, { name: 'category', type: 'string', comment: '' },
          { name: 'dt', type: 'string', comment: '' }, { name: 'hour', type: 'string', comment: '' }]),
      },
    }]);
    expect(iot.physical_table_map[0].relational_table.input_columns).toEqual(expect.arrayContaining([
      { name: 'location', type: 'STRING' }, { name: 'count', type: 'INTEGER' }, { name: 'avg', type: 'DECIMAL' }, { name: 'dt', type: 'STRING' },
    ]));
  });

  it('maps Glue types to QuickSight types and leaves out the map column QuickSight cannot read', () => {
    expect(quickSightColumns([
      { name: 'a', type: 'string', comment: '' }, { name: 'b', type: 'bigint', comment: '' }, { name: 'c', type: 'double', comment: '' },
      { name: 'd', type: 'boolean', comment: '' }, { name: 'e', type: 'map<string,bigint>', comment: '' },
    ])).toEqual([{ name: 'a', type: 'STRING' }, { name: 'b', type: 'INTEGER' }, { name: 'c', type: 'DECIMAL' }, { name: 'd', type: 'BIT' }]);
  });

  it('refreshes incrementally, re-reading the last day by the partition date', () => {
    expect(iot.logical_table_map[0].data_transforms).toEqual([
      { cast_column_type_operation: { column_name: 'dt', new_column_type: 'DATETIME', format: 'yyyy-MM-dd' } },
    ]);
    expect(iot.refresh_properties).toEqual({
      refresh_configuration: { incremental_refresh: { lookback_window: { column_name: 'dt', size: 1, size_unit: 'DAY' } } },
    });
  });

  it('schedules an hourly incremental refresh per data set', () => {
    const schedules = Object.values(resourcesOf(tf, 'aws_quicksight_refresh_schedule'));
    expect(schedules.map((s) => [s.data_set_id, s.schedule_id, s.schedule]).sort()).toEqual(['clickstream', 'iot', 'taxi'].map((w) => [
      `kpufit-test-${w}`, `kpufit-test-${w}-incremental`,
      [{ refresh_type: 'INCREMENTAL_REFRESH', schedule_frequency: [{ interval: 'HOURLY', timezone: 'UTC' }] }],
    ]));
  });
});

describe('QuickSightDatasets: the service role\'s grants', () => {
  const tf = synthQs();
  const policy = identityPolicy(tf);

  it('go to the account\'s QuickSight service role', () => {
    expect(single(tf, 'aws_iam_role_policy')).toMatchObject({ role: 'aws-quicksight-service-role-v0', name: 'kpufit-test-quicksight-athena' });
    expect(single(synthQs({ serviceRoleName: 'qs-custom' }), 'aws_iam_role_policy').role).toBe('qs-custom');
  });

  it('query through the pipeline workgroup only', () => {
    expect(statement(policy, 'QueryThroughTheWorkgroup').Resource).toBe('arn:aws:athena:eu-west-1:123456789012:workgroup/kpufit-test-analytics');
  });

  it('read exactly the catalog, the database and the three tables', () => {
    expect(statement(policy, 'ReadResultTables')).toEqual({
      Sid: 'ReadResultTables', Effect: 'Allow', Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
      Resource: ['arn:aws:glue:eu-west-1:123456789012:catalog', 'arn:aws:glue:eu-west-1:123456789012:database/kpufit_test_analytics',
        ...['taxi', 'iot', 'clickstream'].map((t) => `arn:aws:glue:eu-west-1:123456789012:table/kpufit_test_analytics/${t}`)],
    });
  });

  it('read analytics-results/, write athena-results/, list only those prefixes', () => {
    expect(statement(policy, 'ReadResults')).toMatchObject({ Action: 's3:GetObject', Resource: `${ARNS.bucket}/analytics-results/*` });
    expect(statement(policy, 'WriteQueryResults')).toMatchObject({
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: `${ARNS.bucket}/athena-results/*`,
    });
    expect(statement(policy, 'ListThosePrefixes')).toMatchObject({
      Action: 's3:ListBucket', Resource: ARNS.bucket, Condition: { StringLike: { 's3:prefix': ['analytics-results/*', 'athena-results/*'] } },
    });
  });

  it('use the pipeline key only through S3', () => {
    expect(statement(policy, 'UsePipelineKeyThroughS3')).toEqual({
      Sid: 'UsePipelineKeyThroughS3', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: ARNS.key,
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
  });
});

describe('QuickSightDatasets: validation', () => {
  it.each([
    [{ refreshInterval: 'WEEKLY' as never }, 'QuickSightDatasets: refreshInterval must be one of MINUTE15, MINUTE30, HOURLY, DAILY (got "WEEKLY")'],
    [{ ownerArn: 'arn:aws:iam::123456789012:user/x' }, 'QuickSightDatasets: ownerArn must be a QuickSight user or group ARN (got "arn:aws:iam::123456789012:user/x")'],
    [{ workloads: [] }, 'QuickSightDatasets: workloads must be at least one workload (got [])'],
  ])('refuses %j', (props, message) => {
    expect(() => synthQs(props)).toThrow(message);
  });
});
