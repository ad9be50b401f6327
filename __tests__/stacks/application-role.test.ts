import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { RESULT_PREFIXES } from '../../stacks/buckets';
import { CUSTOM_METRICS_NAMESPACE } from '../../stacks/pipeline-stack';
import { bucketRef, minimalConfig, policyDocuments, refOf, single, statement, synthPipeline, withPatch } from './helpers';

const account = '${data.aws_caller_identity.current_account.account_id}';
const partition = '${data.aws_partition.current_partition.partition}';

function rolePolicies(raw = minimalConfig()) {
  const { text, tf } = synthPipeline(raw);
  const docs = policyDocuments(tf);
  return {
    text, tf,
    trust: docs.find((d) => d.kind === 'trust')!.doc,
    policy: docs.find((d) => d.where.startsWith('aws_iam_role_policy.'))!.doc,
  };
}

describe('ApplicationRole', () => {
  const { text, tf, trust, policy } = rolePolicies();
  const streamArn = refOf(tf, 'aws_kinesis_stream', (s) => s.name === 'kpufit-test-input', 'arn');

  it('is named after the environment', () => {
    expect(text).toHaveResourceWithProperties(IamRole, { name: 'kpufit-test-flink' });
  });

  it('can be assumed only by Managed Flink, for this account and this application', () => {
    expect(trust.Statement).toEqual([{
      Sid: 'ManagedFlinkForThisApplicationOnly',
      Effect: 'Allow',
      Principal: { Service: 'kinesisanalytics.${data.aws_partition.current_partition.dns_suffix}' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnEquals: { 'aws:SourceArn': `arn:${partition}:kinesisanalytics:eu-west-1:${account}:application/kpufit-test-analytics` },
      },
    }]);
  });

  it('reads the input stream with the polling source only', () => {
    expect(statement(policy, 'ReadInputStream')).toEqual({
      Sid: 'ReadInputStream', Effect: 'Allow',
      Action: ['kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:GetShardIterator', 'kinesis:GetRecords'],
      Resource: streamArn,
    });
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('EnhancedFanOutConsumer');
  });

  it('writes the alerts stream only', () => {
    expect(statement(policy, 'WriteAlertsStream')).toEqual({
      Sid: 'WriteAlertsStream', Effect: 'Allow',
      Action: 'kinesis:PutRecords',
      Resource: refOf(tf, 'aws_kinesis_stream', (s) => s.name === 'kpufit-test-alerts', 'arn'),
    });
  });

  it('has no alerts grant when the alerts stream is disabled', () => {
    const off = rolePolicies(withPatch(minimalConfig(), { alertsStream: { enabled: false } }));
    expect(off.policy.Statement.map((s) => s.Sid)).not.toContain('WriteAlertsStream');
  });

  it('reads exactly the uploaded jar object', () => {
    const code = single(tf, 'aws_s3_object');
    expect(statement(policy, 'ReadApplicationCode')).toEqual({
      Sid: 'ReadApplicationCode', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: `${bucketRef(tf, 'artifacts', 'arn')}/${refOf(tf, 'aws_s3_object', (o) => o === code, 'key')}`,
    });
  });

  it('writes results under analytics-results/ and errors/ only', () => {
    const results = bucketRef(tf, 'results', 'arn');
    expect(statement(policy, 'WriteResultsObjects')).toEqual({
      Sid: 'WriteResultsObjects', Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: [`${results}/${RESULT_PREFIXES.analyticsResults}*`, `${results}/${RESULT_PREFIXES.errors}*`],
    });
    expect(statement(policy, 'WriteResultsList')).toEqual({
      Sid: 'WriteResultsList', Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: results,
      Condition: { StringLike: { 's3:prefix': ['analytics-results/*', 'errors/*'] } },
    });
    expect(statement(policy, 'WriteResultsBucketLocation')).toEqual({
      Sid: 'WriteResultsBucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: results,
    });
  });

  it('uses the pipeline key only through Kinesis and S3', () => {
    expect(statement(policy, 'UsePipelineKeyThroughKinesisAndS3')).toEqual({
      Sid: 'UsePipelineKeyThroughKinesisAndS3', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: refOf(tf, 'aws_kms_key', () => true, 'arn'),
      Condition: { StringEquals: { 'kms:ViaService': ['kinesis.eu-west-1.amazonaws.com', 's3.eu-west-1.amazonaws.com'].map((s) => s.replace('amazonaws.com', '${data.aws_partition.current_partition.dns_suffix}')) } },
    });
  });

  it('logs to its own log group and stream', () => {
    const group = refOf(tf, 'aws_cloudwatch_log_group', () => true, 'arn');
    expect(statement(policy, 'DescribeOwnLogStreams')).toMatchObject({ Action: 'logs:DescribeLogStreams', Resource: `${group}:log-stream:*` });
    expect(statement(policy, 'WriteOwnLogStream')).toMatchObject({
      Action: 'logs:PutLogEvents', Resource: refOf(tf, 'aws_cloudwatch_log_stream', () => true, 'arn'),
    });
    expect(statement(policy, 'ListLogGroupsOfThisAccountAndRegion')).toMatchObject({
      Action: 'logs:DescribeLogGroups', Resource: `arn:${partition}:logs:eu-west-1:${account}:log-group:*`,
    });
  });

  it('publishes custom metrics to its own namespace only', () => {
    expect(statement(policy, 'PublishCustomMetricsToOwnNamespace')).toEqual({
      Sid: 'PublishCustomMetricsToOwnNamespace', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': CUSTOM_METRICS_NAMESPACE } },
    });
    expect(CUSTOM_METRICS_NAMESPACE).toBe('kpufit');
  });

  it('grants nothing else', () => {
    expect(policy.Statement.map((s) => s.Sid).sort()).toEqual([
      'DescribeOwnLogStreams', 'ListLogGroupsOfThisAccountAndRegion', 'PublishCustomMetricsToOwnNamespace', 'ReadApplicationCode',
      'ReadInputStream', 'UsePipelineKeyThroughKinesisAndS3', 'WriteAlertsStream', 'WriteOwnLogStream', 'WriteResultsBucketLocation',
      'WriteResultsList', 'WriteResultsObjects',
    ]);
  });
});
