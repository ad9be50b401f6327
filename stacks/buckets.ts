/**
 * The pipeline's three buckets: artifacts (the Flink jar, and any other deployable code), results (what
 * the job writes, under fixed prefixes), and the access-log bucket both of them log into.
 */
import { Construct } from 'constructs';
import { S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { AwsContext } from './aws-context';
import { PipelineKey } from './pipeline-key';
import { SecureBucket } from './secure-bucket';

/** Prefixes of the results bucket; the Flink job and issue 7's consumers write under these. */
export const RESULT_PREFIXES = {
  rawData: 'raw-data/',
  processedData: 'processed-data/',
  analyticsResults: 'analytics-results/',
  errors: 'errors/',
} as const;

export interface BucketsProps {
  readonly env: AwsContext;
  /** Prefix of the bucket names; the account id and region are appended so names are globally unique. */
  readonly namePrefix: string;
  readonly encryptionKey: PipelineKey;
  /** Results move to STANDARD_IA after this many days. @default 30 */
  readonly resultsInfrequentAccessAfterDays?: number;
  /** ...and to GLACIER_IR after this many. @default 90 */
  readonly resultsGlacierAfterDays?: number;
  /** @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Access logs are deleted after this many days. @default 365 */
  readonly accessLogExpirationDays?: number;
}

export class Buckets extends Construct {
  readonly artifactsBucket: SecureBucket;
  readonly resultsBucket: SecureBucket;
  readonly logBucket: SecureBucket;

  constructor(scope: Construct, id: string, props: BucketsProps) {
    super(scope, id);
    const name = (role: string) => `${props.namePrefix}-${role}-${props.env.account}-${props.env.region}`;
    const noncurrentVersionExpirationDays = props.noncurrentVersionExpirationDays ?? 30;

    this.logBucket = new SecureBucket(this, 'logs', {
      bucketName: name('logs'),
      env: props.env,
      noncurrentVersionExpirationDays,
      lifecycleRules: [{
        id: 'expire-access-logs',
        status: 'Enabled',
        filter: [{ prefix: 'access-logs/' }],
        expiration: [{ days: props.accessLogExpirationDays ?? 365 }],
      }],
    });
    const accessLogs = (role: string) => ({ bucket: this.logBucket, prefix: `access-logs/${role}/` });

    this.artifactsBucket = new SecureBucket(this, 'artifacts', {
      bucketName: name('artifacts'),
      env: props.env,
      encryptionKey: props.encryptionKey,
      accessLogs: accessLogs('artifacts'),
      noncurrentVersionExpirationDays,
    });

    const ia = props.resultsInfrequentAccessAfterDays ?? 30;
    const glacier = props.resultsGlacierAfterDays ?? 90;
    const tiering = (prefix: string): S3BucketLifecycleConfigurationRule => ({
      id: `tier-${prefix.replace(/\/$/, '')}`,
      status: 'Enabled',
      filter: [{ prefix }],
      transition: [
        { days: ia, storageClass: 'STANDARD_IA' },
        { days: glacier, storageClass: 'GLACIER_IR' },
      ],
    });
    this.resultsBucket = new SecureBucket(this, 'results', {
      bucketName: name('results'),
      env: props.env,
      encryptionKey: props.encryptionKey,
      accessLogs: accessLogs('results'),
      noncurrentVersionExpirationDays,
      lifecycleRules: Object.values(RESULT_PREFIXES).map(tiering),
    });
  }
}
