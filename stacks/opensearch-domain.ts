/**
 * The OpenSearch Service domain the Flink job indexes its results into (issue 15), secured the way the AWS
 * KPU-calibration blog and the managed-Flink workshop leave it: encrypted at rest with the pipeline key and
 * between nodes, HTTPS only with TLS 1.2+, fine-grained access control with an IAM master user, and an access
 * policy that admits the Flink role and the master user, the latter optionally only from the operator's client
 * CIDRs (the blog's IP restriction). No anonymous principal: every request is signed.
 * Every log type goes to one KMS-encrypted log group; alarms and dashboard panels come with it.
 */
import { Construct } from 'constructs';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AwsContext, arnFor } from './aws-context';
import { ConsumerAlarmDef, ConsumerPanel, createConsumerAlarms } from './consumer-alarms';
import { MetricSpec, metricSpec } from './metric';
import { PipelineKey } from './pipeline-key';
import { PolicyDocument } from './policy-document';

/** The log types OpenSearch Service publishes; AUDIT_LOGS needs fine-grained access control (always on here). */
export const OPENSEARCH_LOG_TYPES = ['INDEX_SLOW_LOGS', 'SEARCH_SLOW_LOGS', 'ES_APPLICATION_LOGS', 'AUDIT_LOGS'] as const;

/** TLS policies that refuse anything below TLS 1.2. */
export const OPENSEARCH_TLS_POLICIES = ['Policy-Min-TLS-1-2-PFS-2023-10', 'Policy-Min-TLS-1-2-2019-07'] as const;
export type OpenSearchTlsPolicy = (typeof OPENSEARCH_TLS_POLICIES)[number];

/** The only HTTP methods the Flink job uses: _bulk is a POST, index templates a PUT, and the client GETs `/`. */
export const FLINK_OPENSEARCH_ACTIONS = ['es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpGet'] as const;

/** Every HTTP method of the domain's REST API, listed (the project grants no wildcard action). */
export const OPENSEARCH_HTTP_ACTIONS = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpPatch',
  'es:ESHttpDelete'] as const;

/** OpenSearch Service domain names: 3-28 of a-z 0-9 -, starting with a letter. */
const DOMAIN_NAME = /^[a-z][a-z0-9-]{2,27}$/;
/** Instance types look like `r6g.large.search`; the family/size is AWS's to check, the shape ours. */
const INSTANCE_TYPE = /^[a-z][a-z0-9]*\.[a-z0-9]+\.search$/;
/** What the Flink job's index names start with (stacks and job agree through the runtime properties). */
const INDEX_PREFIX = /^[a-z][a-z0-9_-]{0,30}$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

export interface OpenSearchDomainProps {
  readonly env: AwsContext;
  /** Domain name. */
  readonly domainName: string;
  /** Encrypts the domain's data at rest and its log group. */
  readonly encryptionKey: PipelineKey;
  /** The Flink application's role: admitted by the access policy, and granted the index paths by the stack. */
  readonly writerRoleArn: string;
  /** IAM role or user that is the fine-grained-access-control master user (the operator's admin role). */
  readonly masterUserArn: string;
  /** Index names the job writes start with `<indexPrefix>-`. @default 'kpufit' */
  readonly indexPrefix?: string;
  /** @default 'OpenSearch_2.19' */
  readonly engineVersion?: string;
  /** Data node type. @default 't3.small.search' (one small node: the dev default) */
  readonly instanceType?: string;
  /** Data nodes; a multiple of availabilityZoneCount. @default 1 */
  readonly instanceCount?: number;
  /** 1 = no zone awareness; 2 or 3 spread data nodes and replicas across zones. @default 1 */
  readonly availabilityZoneCount?: number;
  /** 0, 3 or 5 dedicated master nodes (AWS recommends 3 for production). @default 0 */
  readonly dedicatedMasterCount?: number;
  /** Used when dedicatedMasterCount > 0. @default 'm6g.large.search' */
  readonly dedicatedMasterType?: string;
  /** gp3 EBS volume per data node, GiB. @default 10 */
  readonly volumeSizeGb?: number;
  /** IPv4 CIDRs the master user may reach the domain from (the operator's office); none = from anywhere, signed. @default none */
  readonly allowedCidrs?: readonly string[];
  /** @default 'Policy-Min-TLS-1-2-PFS-2023-10' */
  readonly tlsSecurityPolicy?: OpenSearchTlsPolicy;
  /** Retention of the domain's log group; CloudWatch Logs' allowed values. @default 365 */
  readonly logRetentionDays?: number;
  /** Alarm when a node's JVM memory pressure stays above this. @default 85 */
  readonly jvmMemoryPressureThresholdPercent?: number;
  /** Alarm when the smallest node has less free storage than this, MiB. @default a quarter of volumeSizeGb */
  readonly freeStorageSpaceThresholdMb?: number;
}

/** Throws one line naming the prop, before any resource exists. */
export function validateOpenSearchDomainProps(props: OpenSearchDomainProps): void {
  const fail = (prop: string, message: string): never => {
    throw new Error(`OpenSearchDomain.${prop}: ${message}`);
  };
  if (!DOMAIN_NAME.test(props.domainName)) fail('domainName', `must be 3-28 characters of a-z 0-9 -, starting with a letter (got "${props.domainName}")`);
  if (props.indexPrefix !== undefined && !INDEX_PREFIX.test(props.indexPrefix)) {
    fail('indexPrefix', `must be 1-31 characters of a-z 0-9 _ -, starting with a letter (got "${props.indexPrefix}")`);
  }
  if (!IAM_PRINCIPAL_ARN.test(props.masterUserArn)) fail('masterUserArn', `must be an IAM role or user ARN (got "${props.masterUserArn}")`);
  for (const [prop, type] of [['instanceType', props.instanceType], ['dedicatedMasterType', props.dedicatedMasterType]] as const) {
    if (type !== undefined && !INSTANCE_TYPE.test(type)) fail(prop, `must be an OpenSearch instance type such as r6g.large.search (got "${type}")`);
  }
  const zones = props.availabilityZoneCount ?? 1;
  if (![1, 2, 3].includes(zones)) fail('availabilityZoneCount', `must be 1, 2 or 3 (got ${zones})`);
  const count = props.instanceCount ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 80) fail('instanceCount', `must be an integer 1-80 (got ${count})`);
  if (count % zones !== 0) fail('instanceCount', `must be a multiple of availabilityZoneCount ${zones} (got ${count})`);
  const masters = props.dedicatedMasterCount ?? 0;
  if (![0, 3, 5].includes(masters)) fail('dedicatedMasterCount', `must be 0, 3 or 5 (got ${masters})`);
  const volume = props.volumeSizeGb ?? 10;
  if (!Number.isInteger(volume) || volume < 10 || volume > 16384) fail('volumeSizeGb', `must be an integer 10-16384 (got ${volume})`);
  (props.allowedCidrs ?? []).forEach((cidr, i) => {
    if (!isIpv4Cidr(cidr)) fail(`allowedCidrs[${i}]`, `must be an IPv4 CIDR such as 203.0.113.0/24 (got "${cidr}")`);
    if (cidr.endsWith('/0')) fail(`allowedCidrs[${i}]`, `must not admit the whole internet (got "${cidr}")`);
  });
  const tls = props.tlsSecurityPolicy;
  if (tls !== undefined && !OPENSEARCH_TLS_POLICIES.includes(tls)) fail('tlsSecurityPolicy', `must be one of ${OPENSEARCH_TLS_POLICIES.join(', ')}`);
  const jvm = props.jvmMemoryPressureThresholdPercent;
  if (jvm !== undefined && !(jvm > 0 && jvm <= 100)) fail('jvmMemoryPressureThresholdPercent', `must be > 0 and <= 100 (got ${jvm})`);
}

/** `a.b.c.d/n` with every octet 0-255, n 0-32, and no host bits set (AWS rejects those in aws:SourceIp). */
export function isIpv4Cidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return false;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - bits);
  return address % hostBits === 0;
}

export class OpenSearchDomain extends Construct {
  readonly domain: OpensearchDomain;
  readonly domainArn: string;
  readonly endpoint: string;
  readonly dashboardsUrl: string;
  readonly logGroup: CloudwatchLogGroup;
  readonly accessPolicy: PolicyDocument;
  readonly logPolicy: PolicyDocument;
  readonly indexPrefix: string;
  readonly metrics: OpenSearchMetrics;

  constructor(scope: Construct, id: string, props: OpenSearchDomainProps) {
    super(scope, id);
    validateOpenSearchDomainProps(props);
    const { env, domainName } = props;
    this.indexPrefix = props.indexPrefix ?? 'kpufit';
    const zones = props.availabilityZoneCount ?? 1;
    const masters = props.dedicatedMasterCount ?? 0;
    // Built from the name, not the resource attribute: the access policy is part of the domain itself.
    this.domainArn = arnFor(env, 'es', `domain/${domainName}`);

    const logGroupName = `/aws/opensearch/${domainName}`;
    props.encryptionKey.allowLogGroups('CloudWatchLogsEncryptOpenSearchLogGroup', arnFor(env, 'logs', `log-group:${logGroupName}`));
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      name: logGroupName, retentionInDays: props.logRetentionDays ?? 365, kmsKeyId: props.encryptionKey.arn,
    });
    this.logPolicy = new PolicyDocument([{
      Sid: 'OpenSearchOfThisDomainWritesItsLogs',
      Effect: 'Allow',
      Principal: { Service: `es.${env.dnsSuffix}` },
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${this.logGroup.arn}:*`,
      Condition: { StringEquals: { 'aws:SourceAccount': env.account }, ArnLike: { 'aws:SourceArn': this.domainArn } },
    }]);
    const logPolicy = new CloudwatchLogResourcePolicy(this, 'log_policy', {
      policyName: `${domainName}-opensearch-logs`, policyDocument: this.logPolicy.toJson(),
    });

    const cidrs = [...(props.allowedCidrs ?? [])];
    this.accessPolicy = new PolicyDocument([
      {
        Sid: 'FlinkJob',
        Effect: 'Allow',
        // Managed Flink calls from AWS addresses no CIDR can name; its IAM policy narrows it to the index paths.
        Principal: { AWS: props.writerRoleArn },
        Action: [...FLINK_OPENSEARCH_ACTIONS],
        Resource: `${this.domainArn}/*`,
      },
      {
        Sid: cidrs.length > 0 ? 'MasterUserFromClientCidrs' : 'MasterUser',
        Effect: 'Allow',
        // The operator's admin role; fine-grained access control then decides per index (the master user: everything).
        // With allowedCidrs, only from those addresses: the KPU-calibration blog restricts its map to the operator's IP range.
        Principal: { AWS: props.masterUserArn },
        Action: [...OPENSEARCH_HTTP_ACTIONS],
        Resource: `${this.domainArn}/*`,
        ...(cidrs.length > 0 ? { Condition: { IpAddress: { 'aws:SourceIp': cidrs } } } : {}),
      },
    ]);

    this.domain = new OpensearchDomain(this, 'domain', {
      domainName,
      engineVersion: props.engineVersion ?? 'OpenSearch_2.19',
      clusterConfig: {
        instanceType: props.instanceType ?? 't3.small.search',
        instanceCount: props.instanceCount ?? 1,
        zoneAwarenessEnabled: zones > 1,
        ...(zones > 1 ? { zoneAwarenessConfig: { availabilityZoneCount: zones } } : {}),
        dedicatedMasterEnabled: masters > 0,
        ...(masters > 0 ? { dedicatedMasterCount: masters, dedicatedMasterType: props.dedicatedMasterType ?? 'm6g.large.search' } : {}),
      },
      ebsOptions: { ebsEnabled: true, volumeType: 'gp3', volumeSize: props.volumeSizeGb ?? 10 },
      encryptAtRest: { enabled: true, kmsKeyId: props.encryptionKey.arn },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: props.tlsSecurityPolicy ?? 'Policy-Min-TLS-1-2-PFS-2023-10' },
      advancedSecurityOptions: {
        enabled: true,
        anonymousAuthEnabled: false,
        internalUserDatabaseEnabled: false,
        masterUserOptions: { masterUserArn: props.masterUserArn },
      },
      accessPolicies: this.accessPolicy.toJson(),
      logPublishingOptions: OPENSEARCH_LOG_TYPES.map((logType) => ({
        logType, enabled: true, cloudwatchLogGroupArn: this.logGroup.arn,
      })),
      softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
      dependsOn: [logPolicy],
    });
    this.endpoint = this.domain.endpoint;
    this.dashboardsUrl = `https://${this.domain.dashboardEndpoint}`;
    this.metrics = new OpenSearchMetrics(domainName, env.account);
  }

  /** Index paths the Flink job writes: its indices, _bulk, and its own index template. */
  writerResources(): string[] {
    return [`${this.domainArn}/_bulk`, `${this.domainArn}/${this.indexPrefix}-*`, `${this.domainArn}/_index_template/${this.indexPrefix}*`];
  }

  /** ClusterStatus red/yellow, low storage, JVM pressure and 5xx, on the pipeline's topic. */
  createAlarms(topicArn: string, alarmNamePrefix: string, props: Pick<OpenSearchDomainProps,
    'jvmMemoryPressureThresholdPercent' | 'freeStorageSpaceThresholdMb' | 'volumeSizeGb'>, evaluationPeriods?: number): Record<string, CloudwatchMetricAlarm> {
    const m = this.metrics;
    const freeMb = props.freeStorageSpaceThresholdMb ?? Math.floor(((props.volumeSizeGb ?? 10) * 1024) / 4);
    const defs: ConsumerAlarmDef[] = [
      { suffix: 'opensearch-cluster-red', metric: m.clusterStatusRed(), threshold: 0, description: 'OpenSearch: at least one primary shard is unassigned; indexing into it fails.' },
      { suffix: 'opensearch-cluster-yellow', metric: m.clusterStatusYellow(), threshold: 0, firesOnFirstBreach: false, description: 'OpenSearch: replica shards are unassigned (a single-node dev domain is always yellow when indices have replicas).' },
      { suffix: 'opensearch-free-storage', metric: m.freeStorageSpace(), threshold: freeMb, comparison: 'LessThanThreshold', description: `OpenSearch: a node has less than ${freeMb} MiB free; writes are blocked at the flood stage.` },
      { suffix: 'opensearch-jvm-pressure', metric: m.jvmMemoryPressure(), threshold: props.jvmMemoryPressureThresholdPercent ?? 85, firesOnFirstBreach: false, description: 'OpenSearch: JVM memory pressure is high; expect 429s and circuit breakers.' },
      { suffix: 'opensearch-5xx', metric: m.http5xx(), threshold: 0, description: 'OpenSearch: the domain answers with 5xx errors.' },
    ];
    return createConsumerAlarms(this, defs, { topicArn, alarmNamePrefix, evaluationPeriods });
  }
}

/** The AWS/ES metrics of one domain (dimensions DomainName and ClientId = the account). */
export class OpenSearchMetrics {
  constructor(private readonly domainName: string, private readonly account: string) {}

  private metric(name: string, statistic: MetricSpec['statistic'], label?: string): MetricSpec {
    return metricSpec('AWS/ES', name, { DomainName: this.domainName, ClientId: this.account }, statistic, label ?? name);
  }

  clusterStatusRed() { return this.metric('ClusterStatus.red', 'Maximum'); }
  clusterStatusYellow() { return this.metric('ClusterStatus.yellow', 'Maximum'); }
  freeStorageSpace() { return this.metric('FreeStorageSpace', 'Minimum', 'FreeStorageSpace (MiB, smallest node)'); }
  jvmMemoryPressure() { return this.metric('JVMMemoryPressure', 'Maximum'); }
  http5xx() { return this.metric('5xx', 'Sum', 'HTTP 5xx'); }
  indexingRate() { return this.metric('IndexingRate', 'Average'); }
  searchableDocuments() { return this.metric('SearchableDocuments', 'Maximum'); }
  threadpoolWriteRejected() { return this.metric('ThreadpoolWriteRejected', 'Sum', 'write rejections (429)'); }

  panels(): ConsumerPanel[] {
    return [
      { title: 'OpenSearch: cluster status', metrics: [this.clusterStatusRed(), this.clusterStatusYellow()] },
      { title: 'OpenSearch: indexing and write rejections', metrics: [this.indexingRate(), this.threadpoolWriteRejected(), this.http5xx()] },
      { title: 'OpenSearch: storage and documents', metrics: [this.freeStorageSpace(), this.searchableDocuments()] },
      { title: 'OpenSearch: JVM memory pressure', metrics: [this.jvmMemoryPressure()] },
    ];
  }
}
