/**
 * The customer-managed KMS key that encrypts the pipeline's data at rest: streams, buckets, the Flink
 * log group, the alarm topic. One key per environment keeps grants simple; rotation is always on.
 */
import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { AwsContext, arnFor } from './aws-context';
import { PolicyDocument, PolicyStatement } from './policy-document';

export interface PipelineKeyProps {
  readonly env: AwsContext;
  /** Alias without the `alias/` prefix, e.g. `kpufit-prod`. */
  readonly alias: string;
  readonly description: string;
  /** Days a deleted key stays recoverable. @default 30 (the maximum: data encrypted with it is lost otherwise) */
  readonly deletionWindowDays?: number;
}

/**
 * What the account itself may do with the key (through IAM policies and Terraform). Listed one by one
 * because the project allows no wildcard action; covers administration and every data operation that
 * IAM policies in this account may then grant.
 */
const ACCOUNT_KEY_ACTIONS = [
  'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:EnableKeyRotation',
  'kms:DisableKeyRotation', 'kms:RotateKeyOnDemand', 'kms:ListKeyRotations', 'kms:ListResourceTags',
  'kms:TagResource', 'kms:UntagResource', 'kms:EnableKey', 'kms:DisableKey', 'kms:UpdateKeyDescription',
  'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias',
  'kms:ListAliases', 'kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:RetireGrant', 'kms:Encrypt',
  'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext',
];

export class PipelineKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;
  readonly policy: PolicyDocument;
  private readonly env: AwsContext;

  constructor(scope: Construct, id: string, props: PipelineKeyProps) {
    super(scope, id);
    this.env = props.env;
    this.policy = new PolicyDocument([{
      Sid: 'AccountAdministersAndDelegatesThroughIam',
      Effect: 'Allow',
      Principal: { AWS: `arn:${props.env.partition}:iam::${props.env.account}:root` },
      Action: ACCOUNT_KEY_ACTIONS,
      // In a key policy "*" means "this key": AWS requires it there.
      Resource: '*',
    }]);
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: this.policy.toJson(),
    });
    this.arn = this.key.arn;
    new KmsAlias(this, 'alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
  }

  /** Lets CloudWatch Logs encrypt the log groups whose ARN matches `logGroupArnPattern`. */
  allowLogGroups(sid: string, logGroupArnPattern: string): void {
    this.addToPolicy({
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: `logs.${this.env.region}.${this.env.dnsSuffix}` },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
      Resource: '*', // key policy: "*" is this key
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArnPattern } },
    });
  }

  /** Lets this account's CloudWatch alarms named `<alarmNamePrefix>…` publish to topics encrypted with it. */
  allowCloudWatchAlarms(alarmNamePrefix: string): void {
    this.addToPolicy({
      Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
      Effect: 'Allow',
      Principal: { Service: `cloudwatch.${this.env.dnsSuffix}` },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*', // key policy: "*" is this key
      Condition: {
        StringEquals: { 'aws:SourceAccount': this.env.account },
        ArnLike: { 'aws:SourceArn': arnFor(this.env, 'cloudwatch', `alarm:${alarmNamePrefix}*`) },
      },
    });
  }

  addToPolicy(statement: PolicyStatement): void {
    this.policy.add(statement);
  }
}
