import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { RESULT_PREFIXES } from '../../stacks/buckets';
import { asArray, bucketRef, minimalConfig, refOf, resourcesOf, statement, synthPipeline, withPatch } from './helpers';

const { text, tf } = synthPipeline(withPatch(minimalConfig(), {
  storage: { resultsInfrequentAccessAfterDays: 45, resultsGlacierAfterDays: 120, noncurrentVersionExpirationDays: 14, accessLogExpirationDays: 400 },
}));
const roles = ['artifacts', 'results', 'logs'] as const;
const keyArn = refOf(tf, 'aws_kms_key', () => true, 'arn');

function forBucket<T extends Record<string, any>>(type: string, role: (typeof roles)[number]): T {
  const id = bucketRef(tf, role);
  const found = Object.values(resourcesOf(tf, type)).filter((r) => r.bucket === id);
  if (found.length !== 1) throw new Error(`expected one ${type} for the ${role} bucket, found ${found.length}`);
  return found[0] as T;
}
const policyOf = (role: (typeof roles)[number]) => JSON.parse(forBucket<{ policy: string }>('aws_s3_bucket_policy', role).policy);

describe('Buckets', () => {
  it('names each bucket <env>-<role>-<account>-<region> so names are globally unique', () => {
    for (const role of roles) {
      expect(text).toHaveResourceWithProperties(S3Bucket, {
        bucket: `kpufit-test-${role}-\${data.aws_caller_identity.current_account.account_id}-eu-west-1`,
        force_destroy: false,
      });
    }
  });

  it.each(roles)('%s: ACLs disabled (bucket owner enforced)', (role) => {
    expect(text).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      bucket: bucketRef(tf, role), rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  it.each(roles)('%s: every kind of public access blocked', (role) => {
    expect(text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      bucket: bucketRef(tf, role), block_public_acls: true, block_public_policy: true, ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it.each(roles)('%s: versioned', (role) => {
    expect(text).toHaveResourceWithProperties(S3BucketVersioningA, {
      bucket: bucketRef(tf, role), versioning_configuration: { status: 'Enabled' },
    });
  });

  it.each(['artifacts', 'results'] as const)('%s: SSE-KMS with the pipeline key and a bucket key', (role) => {
    expect(text).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket: bucketRef(tf, role),
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: keyArn }, bucket_key_enabled: true }],
    });
  });

  it('logs: SSE-S3, because S3 cannot deliver access logs into an SSE-KMS bucket', () => {
    expect(forBucket('aws_s3_bucket_server_side_encryption_configuration', 'logs').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  it.each(roles)('%s: TLS-only bucket policy', (role) => {
    const deny = statement(policyOf(role), 'DenyInsecureTransport');
    expect(deny).toEqual({
      Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*',
      Resource: [bucketRef(tf, role, 'arn'), `${bucketRef(tf, role, 'arn')}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it.each(roles)('%s: aborts incomplete multipart uploads and expires old versions', (role) => {
    const rules = forBucket<{ rule: any[] }>('aws_s3_bucket_lifecycle_configuration', role).rule;
    expect(rules[0]).toEqual({
      id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{ prefix: '' }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      noncurrent_version_expiration: [{ noncurrent_days: 14 }],
    });
  });

  it('results: every prefix ages into STANDARD_IA then GLACIER_IR', () => {
    const rules = forBucket<{ rule: any[] }>('aws_s3_bucket_lifecycle_configuration', 'results').rule.slice(1);
    expect(rules).toEqual(Object.values(RESULT_PREFIXES).map((prefix) => ({
      id: `tier-${prefix.slice(0, -1)}`, status: 'Enabled', filter: [{ prefix }],
      transition: [{ days: 45, storage_class: 'STANDARD_IA' }, { days: 120, storage_class: 'GLACIER_IR' }],
    })));
  });

  it('results: the prefixes are raw-data/, processed-data/, analytics-results/, errors/', () => {
    expect(Object.values(RESULT_PREFIXES)).toEqual(['raw-data/', 'processed-data/', 'analytics-results/', 'errors/']);
  });

  it('logs: access logs expire', () => {
    const rules = forBucket<{ rule: any[] }>('aws_s3_bucket_lifecycle_configuration', 'logs').rule;
    expect(rules[1]).toEqual({ id: 'expire-access-logs', status: 'Enabled', filter: [{ prefix: 'access-logs/' }], expiration: [{ days: 400 }] });
  });

  it.each(['artifacts', 'results'] as const)('%s: access-logged into the log bucket under its own prefix', (role) => {
    expect(text).toHaveResourceWithProperties(S3BucketLoggingA, {
      bucket: bucketRef(tf, role), target_bucket: bucketRef(tf, 'logs'), target_prefix: `access-logs/${role}/`,
    });
  });

  it('logs: does not log into itself', () => {
    expect(Object.values(resourcesOf(tf, 'aws_s3_bucket_logging')).map((l) => l.bucket)).not.toContain(bucketRef(tf, 'logs'));
  });

  it('logs: accepts access logs only from the two buckets of this account, only under their prefixes', () => {
    const allow = statement(policyOf('logs'), 'S3ServerAccessLogsDelivery');
    expect(allow).toEqual({
      Sid: 'S3ServerAccessLogsDelivery', Effect: 'Allow',
      Principal: { Service: 'logging.s3.${data.aws_partition.current_partition.dns_suffix}' },
      Action: 's3:PutObject',
      Resource: [`${bucketRef(tf, 'logs', 'arn')}/access-logs/artifacts/*`, `${bucketRef(tf, 'logs', 'arn')}/access-logs/results/*`],
      Condition: {
        StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.current_account.account_id}' },
        ArnLike: { 'aws:SourceArn': [bucketRef(tf, 'artifacts', 'arn'), bucketRef(tf, 'results', 'arn')] },
      },
    });
  });

  it.each(roles)('%s: events go to EventBridge, so consumers add rules instead of competing for the one notification config', (role) => {
    expect(text).toHaveResourceWithProperties(S3BucketNotification, { bucket: bucketRef(tf, role), eventbridge: true });
  });

  it('applies the bucket policy after the public access block', () => {
    const policy = forBucket<{ depends_on: string[] }>('aws_s3_bucket_policy', 'results');
    expect(asArray(policy.depends_on)).toEqual([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]);
  });
});
