/**
 * An S3 bucket the way this project always wants one: ACLs disabled, public access blocked, versioned,
 * encrypted by default, TLS-only, incomplete uploads aborted, and (except the log bucket itself) access
 * logged. Resource policy statements can be added until synth.
 */
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import {
  S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { PipelineKey } from './pipeline-key';
import { AwsContext } from './aws-context';
import { PolicyDocument, PolicyStatement, denyInsecureTransport } from './policy-document';

export interface SecureBucketProps {
  readonly bucketName: string;
  readonly env: AwsContext;
  /**
   * SSE-KMS with this key, or SSE-S3 when absent. Only a server-access-log target may go without a key:
   * S3 cannot deliver access logs into an SSE-KMS bucket.
   */
  readonly encryptionKey?: PipelineKey;
  /** Where this bucket's access logs go; absent only for the log bucket itself. */
  readonly accessLogs?: { readonly bucket: SecureBucket; readonly prefix: string };
  /** Rules besides the always-on "abort incomplete multipart uploads after 7 days". @default none */
  readonly lifecycleRules?: S3BucketLifecycleConfigurationRule[];
  /** Days old versions are kept. @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Let `cdktf destroy` delete a non-empty bucket. @default false (results and logs are data) */
  readonly forceDestroy?: boolean;
}

export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly policy: PolicyDocument;
  /**
   * The bucket's only notification configuration: every event goes to EventBridge, where any number of
   * consumers can add rules. Do not create another aws_s3_bucket_notification for this bucket: S3 keeps
   * one configuration per bucket and the two would overwrite each other.
   */
  readonly notification: S3BucketNotification;
  private readonly env: AwsContext;
  private readonly logSources: string[] = [];
  private readonly logTargets: string[] = [];

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.env = props.env;
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, 'ownership', {
      bucket, rule: { objectOwnership: 'BucketOwnerEnforced' }, // disables ACLs
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public_access', {
      bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    const versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket, versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [props.encryptionKey
        ? {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.encryptionKey.arn },
          bucketKeyEnabled: true, // one data key per bucket instead of per object: far fewer KMS calls
        }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'logging', {
        bucket, targetBucket: props.accessLogs.bucket.bucket.id, targetPrefix: props.accessLogs.prefix,
      });
      props.accessLogs.bucket.acceptAccessLogsFrom(this.bucketArn, props.accessLogs.prefix);
    }
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 30 }],
        },
        ...(props.lifecycleRules ?? []),
      ],
      dependsOn: [versioning], // lifecycle rules on versions need versioning in place first
    });

    this.notification = new S3BucketNotification(this, 'notification', { bucket, eventbridge: true });

    this.policy = new PolicyDocument([
      denyInsecureTransport('s3:*', [this.bucketArn, `${this.bucketArn}/*`]),
    ]);
    new S3BucketPolicy(this, 'policy', {
      bucket, policy: this.policy.toJson(), dependsOn: [publicAccess],
    });
  }

  addToPolicy(statement: PolicyStatement): void {
    this.policy.add(statement);
  }

  /** Lets the S3 logging service write access logs of `sourceBucketArn` under `prefix`. */
  private acceptAccessLogsFrom(sourceBucketArn: string, prefix: string): void {
    this.logSources.push(sourceBucketArn);
    this.logTargets.push(`${this.bucketArn}/${prefix}*`);
    if (this.logSources.length > 1) return; // the one statement lists every source, rendered lazily
    this.addToPolicy({
      Sid: 'S3ServerAccessLogsDelivery',
      Effect: 'Allow',
      Principal: { Service: `logging.s3.${this.env.dnsSuffix}` },
      Action: 's3:PutObject',
      Resource: this.logTargets,
      Condition: {
        StringEquals: { 'aws:SourceAccount': this.env.account },
        ArnLike: { 'aws:SourceArn': this.logSources },
      },
    });
  }
}
