/**
 * Makes the job's results queryable: a Glue database with one table per workload over
 * analytics-results/<workload>/ (JSON lines, partition projection on category/dt/hour, so new hours are
 * visible at once without crawlers), an Athena workgroup that enforces encrypted results and a
 * bytes-scanned cutoff, the README's queries saved in it, and QuickSight S3 manifests for teams that point
 * QuickSight at the files instead of at Athena.
 */
import { Construct } from 'constructs';
import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { AwsContext } from './aws-context';
import { ANALYTICS_QUERIES } from './analytics-queries';
import { PARTITION_KEYS, WORKLOAD_TABLES, WORKLOADS, Workload } from './analytics-tables';

export interface AnalyticsCatalogProps {
  readonly env: AwsContext;
  /** Workgroup `<prefix>-analytics`; database `<prefix with _>_analytics` unless databaseName is set. */
  readonly namePrefix: string;
  /** The results bucket the job writes to. */
  readonly resultsBucketName: string;
  /** Encrypts Athena query results and the manifests (SSE-KMS). */
  readonly encryptionKeyArn: string;
  /** @default `<namePrefix>_analytics` with '-' as '_' (Glue: lowercase, digits, '_') */
  readonly databaseName?: string;
  /** Where the job writes results. @default 'analytics-results/' */
  readonly resultsPrefix?: string;
  /** Where Athena writes query results, in the same bucket. @default 'athena-results/' */
  readonly athenaResultsPrefix?: string;
  /** Where the QuickSight manifests are written. @default 'quicksight/' */
  readonly manifestPrefix?: string;
  /** A query scanning more is cancelled (cost guard; Athena minimum 10 MB). @default 10 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
  /** First day partition projection considers. @default '2025-01-01' */
  readonly projectionStartDate?: string;
  /** Tables to define. @default every workload */
  readonly workloads?: readonly Workload[];
}

const TEN_MB = 10 * 1024 * 1024;
export const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 * 1024 * 1024;

/** Terraform would read `${dt}` as an interpolation: `$${` is its literal `${`. */
const literalTemplateVar = (name: string) => `$\${${name}}`;

/** The partition-projection table parameters for one workload's folder. */
export function projectionParameters(location: string, categories: readonly string[], startDate: string): Record<string, string> {
  return {
    EXTERNAL: 'TRUE',
    classification: 'json',
    'projection.enabled': 'true',
    'projection.category.type': 'enum',
    'projection.category.values': categories.join(','),
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': `${startDate},NOW`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'projection.hour.type': 'integer',
    'projection.hour.range': '0,23',
    'projection.hour.digits': '2',
    'storage.location.template':
      `${location}${literalTemplateVar('category')}/dt=${literalTemplateVar('dt')}/hour=${literalTemplateVar('hour')}/`,
  };
}

/** A QuickSight S3 data source manifest over the given prefixes (JSON lines). */
export function quickSightManifest(uriPrefixes: string[]): string {
  return JSON.stringify({ fileLocations: [{ URIPrefixes: uriPrefixes }], globalUploadSettings: { format: 'JSON' } }, null, 2);
}

function checkPrefix(name: string, value: string): string {
  if (!/^[a-zA-Z0-9!_.*'()-]+(\/[a-zA-Z0-9!_.*'()-]+)*\/$/.test(value)) {
    throw new Error(`AnalyticsCatalog: ${name} must be an S3 key prefix ending in "/" (got "${value}")`);
  }
  return value;
}

export class AnalyticsCatalog extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly databaseName: string;
  readonly tables: Partial<Record<Workload, GlueCatalogTable>> = {};
  readonly workgroup: AthenaWorkgroup;
  readonly namedQueries: AthenaNamedQuery[] = [];
  /** key -> manifest object, e.g. `quicksight/taxi-pickup_hotspots.json`. */
  readonly manifests: Record<string, S3Object> = {};

  constructor(scope: Construct, id: string, props: AnalyticsCatalogProps) {
    super(scope, id);
    const bucket = props.resultsBucketName;
    const resultsPrefix = checkPrefix('resultsPrefix', props.resultsPrefix ?? 'analytics-results/');
    const athenaPrefix = checkPrefix('athenaResultsPrefix', props.athenaResultsPrefix ?? 'athena-results/');
    const manifestPrefix = checkPrefix('manifestPrefix', props.manifestPrefix ?? 'quicksight/');
    const databaseName = (this.databaseName = props.databaseName ?? `${props.namePrefix.replace(/-/g, '_')}_analytics`);
    if (!/^[a-z0-9_]{1,255}$/.test(databaseName)) {
      throw new Error(`AnalyticsCatalog: databaseName must be 1-255 of a-z 0-9 _ (got "${databaseName}")`);
    }
    const cutoff = props.bytesScannedCutoffPerQuery ?? DEFAULT_BYTES_SCANNED_CUTOFF;
    if (!Number.isInteger(cutoff) || cutoff < TEN_MB) {
      throw new Error(`AnalyticsCatalog: bytesScannedCutoffPerQuery must be an integer >= ${TEN_MB} (10 MB) (got ${cutoff})`);
    }
    const startDate = props.projectionStartDate ?? '2025-01-01';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(Date.parse(startDate))) {
      throw new Error(`AnalyticsCatalog: projectionStartDate must be a date yyyy-MM-dd (got "${startDate}")`);
    }
    const workloads = props.workloads ?? WORKLOADS;
    if (workloads.length === 0) throw new Error('AnalyticsCatalog: workloads must name at least one workload');

    this.database = new GlueCatalogDatabase(this, 'database', {
      name: databaseName,
      description: `kpufit ${props.namePrefix}: the Flink job's results in s3://${bucket}/${resultsPrefix}`,
    });

    for (const workload of workloads) {
      const table = WORKLOAD_TABLES[workload];
      const location = `s3://${bucket}/${resultsPrefix}${workload}/`;
      this.tables[workload] = new GlueCatalogTable(this, `table_${workload}`, {
        name: workload,
        databaseName: this.database.name,
        description: `${workload} results: ${table.categories.join(', ')} (one category per folder)`,
        tableType: 'EXTERNAL_TABLE',
        parameters: projectionParameters(location, table.categories, startDate),
        partitionKeys: PARTITION_KEYS.map((c) => ({ ...c })),
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serDeInfo: {
            name: 'json',
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // A torn or foreign line reads as NULLs instead of failing the whole query.
            parameters: { 'ignore.malformed.json': 'true' },
          },
          columns: table.columns.map((c) => ({ ...c })),
        },
      });
      for (const category of table.categories) {
        const key = `${manifestPrefix}${workload}-${category}.json`;
        this.manifests[key] = new S3Object(this, `manifest_${workload}_${category}`, {
          bucket,
          key,
          content: quickSightManifest([`s3://${bucket}/${resultsPrefix}${workload}/${category}/`]),
          contentType: 'application/json',
          serverSideEncryption: 'aws:kms',
          kmsKeyId: props.encryptionKeyArn,
        });
      }
    }

    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: `${props.namePrefix}-analytics`,
      description: `kpufit ${props.namePrefix}: queries over ${databaseName}`,
      state: 'ENABLED',
      // Deleting the workgroup deletes its saved queries and history, never the data in S3.
      forceDestroy: true,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${bucket}/${athenaPrefix}`,
          expectedBucketOwner: props.env.account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: props.encryptionKeyArn },
        },
      },
    });

    for (const q of ANALYTICS_QUERIES.filter((query) => workloads.includes(query.workload))) {
      this.namedQueries.push(new AthenaNamedQuery(this, `query_${q.workload}_${q.id.replace(/-/g, '_')}`, {
        name: `${q.workload}-${q.id}`,
        description: q.description,
        database: this.database.name,
        workgroup: this.workgroup.id,
        query: q.sql(databaseName),
      }));
    }
  }
}
