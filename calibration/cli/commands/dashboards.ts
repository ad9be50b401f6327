/**
 * `kpufit dashboards apply`: puts the OpenSearch Dashboards saved objects (stacks/opensearch/dashboards/) into the
 * pipeline's domain, idempotently.
 *   --from-outputs FILE     endpoint, region and index prefix from the deployed stack's outputs
 *   --endpoint URL --region R   or name them
 * Requests are SigV4-signed with the default credential chain (--auth none for a local cluster). --dry-run sends
 * nothing and lists what would be applied; --json prints { endpoint, dryRun, objects: [{ id, type, title, action }] }.
 */
import type { Argv, CommandModule } from 'yargs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { InputError } from '../../../core/errors';
import { readStackOutputs } from '../../aws/stack-outputs';
import { applySavedObjects, type AppliedObject } from '../../opensearch/dashboards-apply';
import { DASHBOARDS_DIR, loadSavedObjects } from '../../opensearch/saved-objects';
import { openSearchHttp, type HttpCall } from '../../opensearch/signed-http';
import { runCommand } from '../errors';

export const DASHBOARDS_ACTIONS = ['apply'] as const;
export const DASHBOARDS_AUTH = ['sigv4', 'none'] as const;

export interface DashboardsArgs {
  action: (typeof DASHBOARDS_ACTIONS)[number];
  fromOutputs?: string;
  endpoint?: string;
  region?: string;
  indexPrefix?: string;
  dir?: string;
  auth?: (typeof DASHBOARDS_AUTH)[number];
  dryRun?: boolean;
  json?: boolean;
}

export interface DashboardsTarget {
  readonly endpoint: string;
  readonly region?: string;
  readonly indexPrefix: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const INDEX_PREFIX = /^[a-z][a-z0-9_-]{0,30}$/;
const isLoopback = (host: string) => host === '127.0.0.1' || host === 'localhost' || host === '[::1]';

/** Where to apply: flags checked first, one line naming the flag, before any request. */
export async function resolveTarget(args: DashboardsArgs): Promise<DashboardsTarget> {
  if ((args.fromOutputs === undefined) === (args.endpoint === undefined)) {
    throw new InputError('--from-outputs / --endpoint: give exactly one (the stack outputs file, or the domain endpoint URL)');
  }
  let endpoint = args.endpoint;
  let region = args.region;
  let indexPrefix = args.indexPrefix;
  if (args.fromOutputs !== undefined) {
    const outputs = await readStackOutputs(args.fromOutputs);
    if (!outputs.opensearch_endpoint) {
      throw new InputError(`--from-outputs ${args.fromOutputs}: opensearch_endpoint is empty or missing (is opensearch.enabled true in that environment's config, and the stack deployed?)`);
    }
    endpoint = /^https?:\/\//.test(outputs.opensearch_endpoint) ? outputs.opensearch_endpoint : `https://${outputs.opensearch_endpoint}`;
    region ??= outputs.region;
    indexPrefix ??= outputs.opensearch_index_prefix;
  }
  let url: URL;
  try {
    url = new URL(endpoint!);
  } catch {
    throw new InputError(`--endpoint: must be a URL such as https://search-kpufit-dev-os-abc.eu-west-1.es.amazonaws.com (got "${endpoint}")`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new InputError(`--endpoint: must be https:// (http:// only for a local cluster on 127.0.0.1) (got "${endpoint}")`);
  }
  if (url.pathname !== '/' || url.search !== '') throw new InputError(`--endpoint: must be the domain's root URL, without a path (got "${endpoint}")`);
  const auth = args.auth ?? 'sigv4';
  if (auth === 'sigv4') {
    if (region === undefined) throw new InputError('--region: required with --endpoint and --auth sigv4 (the region requests are signed for)');
    if (!REGION.test(region)) throw new InputError(`--region: must be an AWS region such as eu-west-1 (got "${region}")`);
  } else if (args.region !== undefined) {
    throw new InputError('--region: only with --auth sigv4 (unsigned requests name no region)');
  }
  const prefix = indexPrefix ?? 'kpufit';
  if (!INDEX_PREFIX.test(prefix)) throw new InputError(`--index-prefix: must be 1-31 characters of a-z 0-9 _ -, starting with a letter (got "${prefix}")`);
  return { endpoint: url.origin, region: auth === 'sigv4' ? region : undefined, indexPrefix: prefix };
}

export interface DashboardsResult {
  readonly endpoint: string;
  readonly dryRun: boolean;
  readonly objects: AppliedObject[];
}

export async function runDashboards(
  args: DashboardsArgs,
  deps: { http?: HttpCall; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream } = {},
): Promise<DashboardsResult> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const target = await resolveTarget(args);
  const objects = loadSavedObjects(args.dir ?? DASHBOARDS_DIR, target.indexPrefix);
  const dryRun = args.dryRun === true;
  const http = dryRun ? undefined : deps.http ?? openSearchHttp({
    endpoint: target.endpoint, region: target.region, credentials: target.region === undefined ? undefined : fromNodeProviderChain(),
  });
  stderr.write(`${dryRun ? 'would apply' : 'applying'} ${objects.length} saved objects to ${target.endpoint}/_dashboards\n`);
  const applied = await applySavedObjects(objects, http);
  const result: DashboardsResult = { endpoint: target.endpoint, dryRun, objects: applied };
  if (args.json) {
    stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const width = Math.max(...applied.map((o) => `${o.type}/${o.id}`.length));
    for (const o of applied) stdout.write(`${o.action.padEnd(9)} ${`${o.type}/${o.id}`.padEnd(width)}  ${o.title}\n`);
  }
  return result;
}

export const dashboardsCommand: CommandModule<object, DashboardsArgs> = {
  command: 'dashboards <action>',
  describe: 'Apply the OpenSearch Dashboards saved objects (hot-spot map, per-workload series, alerts) to the domain',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: DASHBOARDS_ACTIONS, describe: 'apply: create or update the saved objects (idempotent)' })
      .option('from-outputs', { type: 'string', requiresArg: true, describe: 'the deployed stack\'s outputs (JSON): opensearch_endpoint, region, opensearch_index_prefix' })
      .option('endpoint', { type: 'string', requiresArg: true, describe: 'the domain endpoint URL, instead of --from-outputs' })
      .option('region', { type: 'string', requiresArg: true, describe: 'region to sign for (default: the outputs\' region)' })
      .option('index-prefix', { type: 'string', requiresArg: true, describe: 'index prefix the job writes (default: the outputs\', else kpufit)' })
      .option('dir', { type: 'string', requiresArg: true, describe: 'saved-object files (*.ndjson) to apply (default: stacks/opensearch/dashboards)' })
      .option('auth', { choices: DASHBOARDS_AUTH, describe: 'sigv4 (default credential chain; default) or none (a local cluster)' })
      .option('dry-run', { type: 'boolean', describe: 'send nothing; list the objects that would be applied' })
      .option('json', { type: 'boolean', describe: 'print { endpoint, dryRun, objects: [{ id, type, title, action }] } on stdout' })
      .example('$0 dashboards apply --from-outputs outputs.json', 'apply to the deployed domain')
      .example('$0 dashboards apply --endpoint http://127.0.0.1:9200 --auth none', 'apply to a local OpenSearch (npm run flink:local -- --opensearch)') as unknown as Argv<DashboardsArgs>,
  handler: runCommand(async (args: DashboardsArgs) => {
    await runDashboards(args);
  }),
};
