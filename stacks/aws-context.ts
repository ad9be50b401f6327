/**
 * Account, partition and region of the deployment, read once per stack so every ARN the constructs build
 * (trust conditions, key policies, log groups) is exact instead of a wildcard.
 */
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';

export interface AwsContext {
  /** Account id (a token until apply). */
  readonly account: string;
  /** `aws`, `aws-cn` or `aws-us-gov` (a token until apply). */
  readonly partition: string;
  /** The region from the config, a literal so names and URLs stay readable. */
  readonly region: string;
  /** `amazonaws.com` or `amazonaws.com.cn`: service principals and endpoints differ by partition. */
  readonly dnsSuffix: string;
}

export function awsContext(scope: Construct, region: string): AwsContext {
  const identity = new DataAwsCallerIdentity(scope, 'current_account');
  const partition = new DataAwsPartition(scope, 'current_partition');
  return { account: identity.accountId, partition: partition.partition, region, dnsSuffix: partition.dnsSuffix };
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` for this deployment. */
export function arnFor(env: AwsContext, service: string, resource: string, opts: { global?: boolean } = {}): string {
  return `arn:${env.partition}:${service}:${opts.global ? '' : env.region}:${env.account}:${resource}`;
}
