/**
 * QuickSight over the analytics catalog, provisioned instead of clicked: an Athena data source on the
 * pipeline's workgroup, one SPICE data set per result table (taxi, iot, clickstream) with an incremental
 * refresh schedule, and the grants QuickSight's service role needs for exactly that workgroup, those Glue
 * tables, the results and Athena-results prefixes and the pipeline key. Opt-in: it needs a QuickSight
 * subscription in the account, which Terraform cannot assume. The S3 manifests (AnalyticsCatalog) stay for
 * teams that point QuickSight at the files.
 *
 * The provider's Athena data source takes no role of its own, so the grants go to the account's QuickSight
 * service role as an inline policy.
 */
import { Construct } from 'constructs';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { QuicksightDataSet } from '@cdktf/provider-aws/lib/quicksight-data-set';
import { QuicksightDataSource } from '@cdktf/provider-aws/lib/quicksight-data-source';
import { QuicksightRefreshSchedule } from '@cdktf/provider-aws/lib/quicksight-refresh-schedule';
import { AwsContext, arnFor } from './aws-context';
import { Column, PARTITION_KEYS, WORKLOAD_TABLES, Workload } from './analytics-tables';
import { PolicyDocument } from './policy-document';
import { invalidProp, keyPrefix } from './private/prop-checks';

export const QUICKSIGHT_REFRESH_INTERVALS = ['MINUTE15', 'MINUTE30', 'HOURLY', 'DAILY'] as const;
export type QuickSightRefreshInterval = (typeof QUICKSIGHT_REFRESH_INTERVALS)[number];
/** The role QuickSight uses for AWS data sources unless the account chose another. */
export const DEFAULT_QUICKSIGHT_SERVICE_ROLE = 'aws-quicksight-service-role-v0';

/** What an owner of the data source and data sets may do (the console's "owner" set). */
const DATA_SOURCE_OWNER_ACTIONS = ['quicksight:DescribeDataSource', 'quicksight:DescribeDataSourcePermissions',
  'quicksight:PassDataSource', 'quicksight:UpdateDataSource', 'quicksight:DeleteDataSource', 'quicksight:UpdateDataSourcePermissions'];
const DATA_SET_OWNER_ACTIONS = ['quicksight:DescribeDataSet', 'quicksight:DescribeDataSetPermissions', 'quicksight:PassDataSet',
  'quicksight:DescribeIngestion', 'quicksight:ListIngestions', 'quicksight:UpdateDataSet', 'quicksight:DeleteDataSet',
  'quicksight:CreateIngestion', 'quicksight:CancelIngestion', 'quicksight:UpdateDataSetPermissions'];

export interface QuickSightDatasetsProps {
  readonly env: AwsContext;
  /** Ids and names start with it: data source `<prefix>-athena`, data sets `<prefix>-<workload>`. */
  readonly namePrefix: string;
  readonly workgroupName: string;
  readonly databaseName: string;
  readonly workloads: readonly Workload[];
  readonly resultsBucketArn: string;
  /** Where the job's results are. @default 'analytics-results/' */
  readonly resultsPrefix?: string;
  /** Where the workgroup writes query results. @default 'athena-results/' */
  readonly athenaResultsPrefix?: string;
  /** The key of the results bucket and of Athena's results. */
  readonly encryptionKeyArn: string;
  /** The IAM role QuickSight reads AWS sources with. @default DEFAULT_QUICKSIGHT_SERVICE_ROLE */
  readonly serviceRoleName?: string;
  /** A QuickSight user or group ARN given owner rights on the data source and data sets. @default none (API only) */
  readonly ownerArn?: string;
  /** How often SPICE re-reads the last day. @default 'HOURLY' */
  readonly refreshInterval?: QuickSightRefreshInterval;
}

/** QuickSight's input column types for the Glue types the tables use; map columns are left out (unsupported). */
const QUICKSIGHT_TYPES: Record<string, string> = { string: 'STRING', bigint: 'INTEGER', double: 'DECIMAL', boolean: 'BIT' };

export function quickSightColumns(columns: readonly Column[]): Array<{ name: string; type: string }> {
  return columns.filter((c) => QUICKSIGHT_TYPES[c.type] !== undefined).map((c) => ({ name: c.name, type: QUICKSIGHT_TYPES[c.type] }));
}

export class QuickSightDatasets extends Construct {
  readonly dataSource: QuicksightDataSource;
  readonly dataSets: Partial<Record<Workload, QuicksightDataSet>> = {};
  readonly refreshSchedules: Partial<Record<Workload, QuicksightRefreshSchedule>> = {};
  /** The service role's grants, parsed back by the IAM tests. */
  readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: QuickSightDatasetsProps) {
    super(scope, id);
    const interval = props.refreshInterval ?? 'HOURLY';
    if (!(QUICKSIGHT_REFRESH_INTERVALS as readonly string[]).includes(interval)) {
      invalidProp('QuickSightDatasets', 'refreshInterval', `one of ${QUICKSIGHT_REFRESH_INTERVALS.join(', ')}`, interval);
    }
    if (props.ownerArn !== undefined && !/^arn:[a-z-]+:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/.+$/.test(props.ownerArn)) {
      invalidProp('QuickSightDatasets', 'ownerArn', 'a QuickSight user or group ARN', props.ownerArn);
    }
    if (props.workloads.length === 0) invalidProp('QuickSightDatasets', 'workloads', 'at least one workload', props.workloads);
    const resultsPrefix = keyPrefix('QuickSightDatasets', 'resultsPrefix', props.resultsPrefix ?? 'analytics-results/');
    const athenaPrefix = keyPrefix('QuickSightDatasets', 'athenaResultsPrefix', props.athenaResultsPrefix ?? 'athena-results/');
    const owner = (actions: string[]) => (props.ownerArn ? [{ principal: props.ownerArn, actions }] : undefined);

    this.policy = this.grants(props, resultsPrefix, athenaPrefix);
    const grants = new IamRolePolicy(this, 'service_role_policy', {
      name: `${props.namePrefix}-quicksight-athena`, role: props.serviceRoleName ?? DEFAULT_QUICKSIGHT_SERVICE_ROLE,
      policy: this.policy.toJson(),
    });

    this.dataSource = new QuicksightDataSource(this, 'athena', {
      dataSourceId: `${props.namePrefix}-athena`,
      name: `kpufit ${props.namePrefix} (Athena ${props.workgroupName})`,
      type: 'ATHENA',
      parameters: { athena: { workGroup: props.workgroupName } },
      sslProperties: { disableSsl: false },
      permission: owner(DATA_SOURCE_OWNER_ACTIONS),
      // QuickSight tests the connection on create: the service role must be able to query by then.
      dependsOn: [grants],
    });

    for (const workload of props.workloads) {
      const table = WORKLOAD_TABLES[workload];
      const dataSetId = `${props.namePrefix}-${workload}`;
      this.dataSets[workload] = new QuicksightDataSet(this, `data_set_${workload}`, {
        dataSetId,
        name: `kpufit ${props.namePrefix} ${workload} results`,
        importMode: 'SPICE',
        physicalTableMap: [{
          physicalTableMapId: workload,
          relationalTable: {
            dataSourceArn: this.dataSource.arn, catalog: 'AwsDataCatalog', schema: props.databaseName, name: workload,
            inputColumns: quickSightColumns([...table.columns, ...PARTITION_KEYS]),
          },
        }],
        logicalTableMap: [{
          logicalTableMapId: workload, alias: workload, source: { physicalTableId: workload },
          // The partition date as a date: the incremental refresh's lookback column.
          dataTransforms: [{ castColumnTypeOperation: { columnName: 'dt', newColumnType: 'DATETIME', format: 'yyyy-MM-dd' } }],
        }],
        refreshProperties: {
          refreshConfiguration: { incrementalRefresh: { lookbackWindow: { columnName: 'dt', size: 1, sizeUnit: 'DAY' } } },
        },
        permissions: owner(DATA_SET_OWNER_ACTIONS),
      });
      this.refreshSchedules[workload] = new QuicksightRefreshSchedule(this, `refresh_${workload}`, {
        dataSetId, scheduleId: `${dataSetId}-incremental`,
        schedule: [{ refreshType: 'INCREMENTAL_REFRESH', scheduleFrequency: [{ interval, timezone: 'UTC' }] }],
        dependsOn: [this.dataSets[workload]!],
      });
    }
  }

  /** Exactly what querying these tables through that workgroup touches. */
  private grants(props: QuickSightDatasetsProps, resultsPrefix: string, athenaPrefix: string): PolicyDocument {
    const { env } = props;
    const bucket = props.resultsBucketArn;
    return new PolicyDocument([
      {
        Sid: 'QueryThroughTheWorkgroup', Effect: 'Allow',
        Action: ['athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution',
          'athena:GetQueryResults', 'athena:GetQueryResultsStream'],
        Resource: arnFor(env, 'athena', `workgroup/${props.workgroupName}`),
      },
      {
        Sid: 'ReadResultTables', Effect: 'Allow',
        Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
        Resource: [arnFor(env, 'glue', 'catalog'), arnFor(env, 'glue', `database/${props.databaseName}`),
          ...props.workloads.map((w) => arnFor(env, 'glue', `table/${props.databaseName}/${w}`))],
      },
      { Sid: 'ReadResults', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/${resultsPrefix}*` },
      {
        Sid: 'WriteQueryResults', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Resource: `${bucket}/${athenaPrefix}*`,
      },
      {
        Sid: 'ListThosePrefixes', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket,
        Condition: { StringLike: { 's3:prefix': [`${resultsPrefix}*`, `${athenaPrefix}*`] } },
      },
      // Athena asks where the bucket lives; that request carries no prefix.
      { Sid: 'LocateResultsBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucket },
      {
        // Results and query results are SSE-KMS: decrypt to read, data keys to write, only through S3.
        Sid: 'UsePipelineKeyThroughS3', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: props.encryptionKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `s3.${env.region}.${env.dnsSuffix}` } },
      },
    ]);
  }
}
