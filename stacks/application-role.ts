/**
 * The execution role of the Flink application: assumable only by Managed Service for Apache Flink on
 * behalf of this one application, and granted exactly what the job touches. Grants are added by the
 * constructs that own the resources (the stack, FlinkApplication) and rendered into one inline policy.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsContext, arnFor } from './aws-context';
import { PolicyDocument } from './policy-document';
import { FLINK_OPENSEARCH_ACTIONS } from './opensearch-domain';

export interface ApplicationRoleProps {
  readonly env: AwsContext;
  readonly roleName: string;
  /** The Flink application that may assume the role (aws:SourceArn is built from it). */
  readonly applicationName: string;
}

export class ApplicationRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;
  readonly trustPolicy: PolicyDocument;
  readonly policy: PolicyDocument;
  readonly inlinePolicy: IamRolePolicy;
  private readonly env: AwsContext;

  constructor(scope: Construct, id: string, props: ApplicationRoleProps) {
    super(scope, id);
    this.env = props.env;
    this.trustPolicy = new PolicyDocument([{
      Sid: 'ManagedFlinkForThisApplicationOnly',
      Effect: 'Allow',
      Principal: { Service: `kinesisanalytics.${props.env.dnsSuffix}` },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:SourceAccount': props.env.account },
        ArnEquals: { 'aws:SourceArn': arnFor(props.env, 'kinesisanalytics', `application/${props.applicationName}`) },
      },
    }]);
    this.policy = new PolicyDocument();
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: `Execution role of the Managed Flink application ${props.applicationName}`,
      assumeRolePolicy: this.trustPolicy.toJson(),
    });
    this.roleArn = this.role.arn;
    this.inlinePolicy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege', role: this.role.name, policy: this.policy.toJson(),
    });
  }

  /** Read a stream with the polling source (the only one the job has; the config refuses enhanced fan-out). */
  allowReadStream(streamArn: string): void {
    this.policy.add({
      Sid: 'ReadInputStream',
      Effect: 'Allow',
      Action: ['kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:GetShardIterator', 'kinesis:GetRecords'],
      Resource: streamArn,
    });
  }

  /** Put records on a stream (the alerts sink): PutRecords is the only call Flink's KinesisStreamsSink makes. */
  allowWriteStream(sid: string, streamArn: string): void {
    this.policy.add({
      Sid: sid,
      Effect: 'Allow',
      Action: 'kinesis:PutRecords',
      Resource: streamArn,
    });
  }

  /** Read one object (the application code), any version of it. */
  allowReadObject(sid: string, bucketArn: string, key: string): void {
    this.policy.add({
      Sid: sid,
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: `${bucketArn}/${key}`,
    });
  }

  /**
   * Write (and read back, list and clean up: Flink's S3 file sink commits multipart uploads and checks
   * what exists) under the given prefixes only.
   */
  allowWritePrefixes(sid: string, bucketArn: string, prefixes: string[]): void {
    this.policy.add({
      Sid: `${sid}Objects`,
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: prefixes.map((p) => `${bucketArn}/${p}*`),
    });
    this.policy.add({
      Sid: `${sid}List`,
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
    });
    this.policy.add({
      Sid: `${sid}BucketLocation`,
      Effect: 'Allow',
      // The S3 filesystem may ask where the bucket lives before writing; this request carries no prefix.
      Action: 's3:GetBucketLocation',
      Resource: bucketArn,
    });
  }

  /** Use a KMS key, but only through the services that hold the data (Kinesis, S3). */
  allowKeyUse(keyArn: string): void {
    this.policy.add({
      Sid: 'UsePipelineKeyThroughKinesisAndS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: keyArn,
      Condition: {
        StringEquals: {
          'kms:ViaService': [`kinesis.${this.env.region}.${this.env.dnsSuffix}`, `s3.${this.env.region}.${this.env.dnsSuffix}`],
        },
      },
    });
  }

  /** Write the application's own log stream. */
  allowLogging(logGroupArn: string, logStreamArn: string): void {
    this.policy.add({
      Sid: 'ListLogGroupsOfThisAccountAndRegion',
      Effect: 'Allow',
      Action: 'logs:DescribeLogGroups',
      // DescribeLogGroups lists groups, so it cannot name one; AWS's Managed Flink role example scopes it so.
      Resource: arnFor(this.env, 'logs', 'log-group:*'),
    });
    this.policy.add({
      Sid: 'DescribeOwnLogStreams',
      Effect: 'Allow',
      Action: 'logs:DescribeLogStreams',
      Resource: `${logGroupArn}:log-stream:*`,
    });
    this.policy.add({
      Sid: 'WriteOwnLogStream',
      Effect: 'Allow',
      Action: 'logs:PutLogEvents',
      Resource: logStreamArn,
    });
  }

  /** Publish custom metrics, to `namespace` only. */
  allowPutMetricData(namespace: string): void {
    this.policy.add({
      Sid: 'PublishCustomMetricsToOwnNamespace',
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      // PutMetricData supports no resource-level permissions: AWS requires "*"; the namespace condition scopes it.
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': namespace } },
    });
  }

  /** Index into OpenSearch: only the HTTP methods the sink uses, only on the paths it writes (see OpenSearchDomain). */
  allowOpenSearchWrite(resources: string[]): void {
    this.policy.add({
      Sid: 'IndexResultsIntoOpenSearch',
      Effect: 'Allow',
      Action: [...FLINK_OPENSEARCH_ACTIONS],
      Resource: resources,
    });
  }
}
