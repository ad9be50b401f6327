import { TerraformStack, Testing } from 'cdktf';
import { OPENSEARCH_HTTP_ACTIONS, OpenSearchDomain, OpenSearchDomainProps, isIpv4Cidr, validateOpenSearchDomainProps } from '../../stacks/opensearch-domain';
import { PipelineKey } from '../../stacks/pipeline-key';
import { AwsContext } from '../../stacks/aws-context';
import { ConfigError, EnvironmentName, loadConfig, parseConfig } from '../../stacks/config';
import { minimalConfig, projectRoot, policyDocuments, refOf, resourcesOf, single, statement, synthPipeline, withPatch } from './helpers';

const ADMIN = 'arn:aws:iam::111122223333:role/kpufit-opensearch-admin';
const account = '${data.aws_caller_identity.current_account.account_id}';
const partition = '${data.aws_partition.current_partition.partition}';
const domainArn = `arn:${partition}:es:eu-west-1:${account}:domain/kpufit-test-os`;

const withOpenSearch = (opensearch: Record<string, unknown> = {}) =>
  withPatch(minimalConfig(), { opensearch: { enabled: true, masterUserArn: ADMIN, allowedCidrs: ['203.0.113.0/24'], ...opensearch } });

describe('OpenSearchDomain in the pipeline stack', () => {
  const { tf } = synthPipeline(withOpenSearch());
  const domain = single(tf, 'aws_opensearch_domain');
  const keyArn = refOf(tf, 'aws_kms_key', () => true, 'arn');
  const roleArn = refOf(tf, 'aws_iam_role', (r) => r.name === 'kpufit-test-flink', 'arn');
  const logGroup = refOf(tf, 'aws_cloudwatch_log_group', (g) => g.name === '/aws/opensearch/kpufit-test-os', 'arn');

  it('is one small node by default (the dev shape), on gp3', () => {
    expect(domain).toMatchObject({
      domain_name: 'kpufit-test-os', engine_version: 'OpenSearch_2.19',
      cluster_config: { instance_type: 't3.small.search', instance_count: 1, zone_awareness_enabled: false, dedicated_master_enabled: false },
      ebs_options: { ebs_enabled: true, volume_type: 'gp3', volume_size: 10 },
    });
  });

  it('encrypts at rest with the pipeline key and between nodes, and takes HTTPS with TLS 1.2+ only', () => {
    expect(domain.encrypt_at_rest).toEqual({ enabled: true, kms_key_id: keyArn });
    expect(domain.node_to_node_encryption).toEqual({ enabled: true });
    expect(domain.domain_endpoint_options).toEqual({ enforce_https: true, tls_security_policy: 'Policy-Min-TLS-1-2-PFS-2023-10' });
  });

  it('has fine-grained access control with the operator\'s IAM master user and no internal users or anonymous access', () => {
    expect(domain.advanced_security_options).toEqual({
      enabled: true, anonymous_auth_enabled: false, internal_user_database_enabled: false, master_user_options: { master_user_arn: ADMIN },
    });
  });

  it('admits the Flink role (its three methods) and the master user only from the client CIDRs; nobody anonymous', () => {
    const policy = JSON.parse(domain.access_policies);
    expect(policy.Statement).toEqual([
      { Sid: 'FlinkJob', Effect: 'Allow', Principal: { AWS: roleArn }, Action: ['es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpGet'], Resource: `${domainArn}/*` },
      {
        Sid: 'MasterUserFromClientCidrs', Effect: 'Allow', Principal: { AWS: ADMIN }, Action: [...OPENSEARCH_HTTP_ACTIONS], Resource: `${domainArn}/*`,
        Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } },
      },
    ]);
  });

  it('admits the master user from anywhere (signed) without allowedCidrs', () => {
    const policy = JSON.parse(single(synthPipeline(withOpenSearch({ allowedCidrs: [] })).tf, 'aws_opensearch_domain').access_policies);
    expect(policy.Statement[1]).toEqual({ Sid: 'MasterUser', Effect: 'Allow', Principal: { AWS: ADMIN }, Action: [...OPENSEARCH_HTTP_ACTIONS], Resource: `${domainArn}/*` });
  });

  it('publishes index slow, search slow, application and audit logs to one KMS-encrypted log group', () => {
    expect(domain.log_publishing_options).toEqual(['INDEX_SLOW_LOGS', 'SEARCH_SLOW_LOGS', 'ES_APPLICATION_LOGS', 'AUDIT_LOGS']
      .map((log_type) => ({ log_type, enabled: true, cloudwatch_log_group_arn: logGroup })));
    const group = Object.values(resourcesOf(tf, 'aws_cloudwatch_log_group')).find((g) => g.name === '/aws/opensearch/kpufit-test-os')!;
    expect(group).toMatchObject({ kms_key_id: keyArn, retention_in_days: 365 });
    expect(statement(JSON.parse(single(tf, 'aws_kms_key').policy), 'CloudWatchLogsEncryptOpenSearchLogGroup').Condition)
      .toEqual({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:eu-west-1:${account}:log-group:/aws/opensearch/kpufit-test-os` } });
  });

  it('lets only OpenSearch, for this domain and account, write that log group', () => {
    const policy = JSON.parse(single(tf, 'aws_cloudwatch_log_resource_policy').policy_document);
    expect(policy.Statement).toEqual([{
      Sid: 'OpenSearchOfThisDomainWritesItsLogs', Effect: 'Allow',
      Principal: { Service: 'es.${data.aws_partition.current_partition.dns_suffix}' },
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logGroup}:*`,
      Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': domainArn } },
    }]);
    expect(domain.depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_resource_policy\./)]);
  });

  it('grants the Flink role only POST/PUT/GET on _bulk, its indices and its index template', () => {
    const policy = policyDocuments(tf).find((d) => d.where.startsWith('aws_iam_role_policy.'))!.doc;
    expect(statement(policy, 'IndexResultsIntoOpenSearch')).toEqual({
      Sid: 'IndexResultsIntoOpenSearch', Effect: 'Allow', Action: ['es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpGet'],
      Resource: [`${domainArn}/_bulk`, `${domainArn}/kpufit-*`, `${domainArn}/_index_template/kpufit*`],
    });
  });

  it('hands the job its endpoint, SigV4 and the bulk settings as the OpenSearch property group', () => {
    const app = single(tf, 'aws_kinesisanalyticsv2_application');
    const groups = app.application_configuration.environment_properties.property_group;
    const group = groups.find((g: { property_group_id: string }) => g.property_group_id === 'OpenSearch');
    expect(group.property_map).toEqual({
      endpoint: `https://\${${refOf(tf, 'aws_opensearch_domain', () => true, 'endpoint').slice(2, -1)}}`, auth: 'sigv4', 'aws.region': 'eu-west-1',
      'index.prefix': 'kpufit', 'bulk.flush.max.actions': '1000', 'bulk.flush.max.size.mb': '5', 'bulk.flush.interval.ms': '1000',
    });
  });

  it.each([
    ['opensearch-cluster-red', 'ClusterStatus.red', 'Maximum', 'GreaterThanThreshold', 0],
    ['opensearch-cluster-yellow', 'ClusterStatus.yellow', 'Maximum', 'GreaterThanThreshold', 0],
    ['opensearch-free-storage', 'FreeStorageSpace', 'Minimum', 'LessThanThreshold', 2560],
    ['opensearch-jvm-pressure', 'JVMMemoryPressure', 'Maximum', 'GreaterThanThreshold', 85],
    ['opensearch-5xx', '5xx', 'Sum', 'GreaterThanThreshold', 0],
  ])('alarms %s on %s (%s) on the pipeline topic', (suffix, metricName, statistic, comparison, threshold) => {
    const alarm = Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')).find((a) => a.alarm_name === `kpufit-test-${suffix}`);
    expect(alarm).toMatchObject({
      namespace: 'AWS/ES', metric_name: metricName, statistic, comparison_operator: comparison, threshold,
      dimensions: { DomainName: 'kpufit-test-os', ClientId: account },
      alarm_actions: [refOf(tf, 'aws_sns_topic', () => true, 'arn')],
    });
  });

  it('draws OpenSearch panels on the pipeline dashboard', () => {
    const body = JSON.parse(single(tf, 'aws_cloudwatch_dashboard').dashboard_body);
    const titles = body.widgets.map((w: { properties: { title: string } }) => w.properties.title);
    expect(titles).toEqual(expect.arrayContaining(['OpenSearch: cluster status', 'OpenSearch: JVM memory pressure']));
  });

  it('outputs the endpoint, the Dashboards URL and the index prefix', () => {
    expect(tf.output.opensearch_endpoint.value).toBe(refOf(tf, 'aws_opensearch_domain', () => true, 'endpoint'));
    expect(tf.output.opensearch_dashboards_url.value).toBe(`https://${refOf(tf, 'aws_opensearch_domain', () => true, 'dashboard_endpoint')}`);
    expect(tf.output.opensearch_index_prefix.value).toBe('kpufit');
  });
});

describe('OpenSearchDomain sizes per environment', () => {
  it('runs prod zone-aware across three zones with three dedicated masters', () => {
    const { tf } = synthPipeline(withOpenSearch({
      instanceType: 'r6g.large.search', instanceCount: 3, availabilityZoneCount: 3, dedicatedMasterCount: 3, volumeSizeGb: 100,
    }));
    expect(single(tf, 'aws_opensearch_domain').cluster_config).toEqual({
      instance_type: 'r6g.large.search', instance_count: 3, zone_awareness_enabled: true, zone_awareness_config: { availability_zone_count: 3 },
      dedicated_master_enabled: true, dedicated_master_count: 3, dedicated_master_type: 'm6g.large.search',
    });
  });

  it('is absent unless enabled, with empty outputs and no grant', () => {
    const { tf } = synthPipeline();
    expect(resourcesOf(tf, 'aws_opensearch_domain')).toEqual({});
    expect(tf.output.opensearch_endpoint.value).toBe('');
    const policy = policyDocuments(tf).find((d) => d.where.startsWith('aws_iam_role_policy.'))!.doc;
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('IndexResultsIntoOpenSearch');
  });

  it.each<EnvironmentName>(['dev', 'prod'])('config/%s.json enables it (scanned by checkov)', (env) => {
    expect(loadConfig(env, projectRoot).opensearch.enabled).toBe(true);
  });
});

describe('OpenSearchDomain validation', () => {
  const env: AwsContext = { account: '123456789012', partition: 'aws', region: 'eu-west-1', dnsSuffix: 'amazonaws.com' };
  const props = (over: Partial<OpenSearchDomainProps> = {}): OpenSearchDomainProps => ({
    env, domainName: 'kpufit-dev-os', encryptionKey: {} as PipelineKey, writerRoleArn: 'arn:aws:iam::123456789012:role/x', masterUserArn: ADMIN, ...over,
  });

  it.each<[Partial<OpenSearchDomainProps>, string]>([
    [{ domainName: 'Kpufit' }, 'OpenSearchDomain.domainName: must be 3-28 characters of a-z 0-9 -, starting with a letter (got "Kpufit")'],
    [{ instanceType: 'm5.large' }, 'OpenSearchDomain.instanceType: must be an OpenSearch instance type such as r6g.large.search (got "m5.large")'],
    [{ instanceCount: 0 }, 'OpenSearchDomain.instanceCount: must be an integer 1-80 (got 0)'],
    [{ instanceCount: 4, availabilityZoneCount: 3 }, 'OpenSearchDomain.instanceCount: must be a multiple of availabilityZoneCount 3 (got 4)'],
    [{ dedicatedMasterCount: 2 }, 'OpenSearchDomain.dedicatedMasterCount: must be 0, 3 or 5 (got 2)'],
    [{ availabilityZoneCount: 4 }, 'OpenSearchDomain.availabilityZoneCount: must be 1, 2 or 3 (got 4)'],
    [{ volumeSizeGb: 5 }, 'OpenSearchDomain.volumeSizeGb: must be an integer 10-16384 (got 5)'],
    [{ allowedCidrs: ['10.0.0.1/24'] }, 'OpenSearchDomain.allowedCidrs[0]: must be an IPv4 CIDR such as 203.0.113.0/24 (got "10.0.0.1/24")'],
    [{ allowedCidrs: ['0.0.0.0/0'] }, 'OpenSearchDomain.allowedCidrs[0]: must not admit the whole internet (got "0.0.0.0/0")'],
    [{ masterUserArn: 'admin' }, 'OpenSearchDomain.masterUserArn: must be an IAM role or user ARN (got "admin")'],
    [{ jvmMemoryPressureThresholdPercent: 120 }, 'OpenSearchDomain.jvmMemoryPressureThresholdPercent: must be > 0 and <= 100 (got 120)'],
  ])('refuses %j', (over, message) => {
    expect(() => validateOpenSearchDomainProps(props(over))).toThrow(message);
  });

  it('validates before creating anything', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    expect(() => new OpenSearchDomain(stack, 'os', props({ instanceCount: 0 }))).toThrow(/instanceCount/);
    expect(stack.node.findAll().map((c) => c.node.path)).toEqual(['s', 's/os']);
  });

  it.each([['203.0.113.0/24', true], ['10.1.2.3/32', true], ['256.0.0.0/8', false], ['10.0.0.0/33', false], ['10.0.0.0', false]])(
    'isIpv4Cidr(%s) is %s', (cidr, ok) => expect(isIpv4Cidr(cidr)).toBe(ok),
  );

  it('config: masterUserArn is required when enabled, and counts fit the zones', () => {
    const raw = withPatch(minimalConfig(), { opensearch: { enabled: true, instanceCount: 2, availabilityZoneCount: 3 } });
    expect(() => parseConfig(raw, 'config/dev.json')).toThrow(ConfigError);
    try {
      parseConfig(raw, 'config/dev.json');
    } catch (e) {
      expect((e as ConfigError).problems).toEqual([
        'config/dev.json: opensearch.masterUserArn: is required when enabled (the operator\'s admin role ARN)',
        'config/dev.json: opensearch.instanceCount: must be a multiple of availabilityZoneCount 3',
      ]);
    }
  });
});
