/**
 * How to apply a recommendation: the keys of the stack's config/<env>.json (stacks/config.ts), and the
 * equivalent one-off `aws kinesisanalyticsv2 update-application` call for an application already deployed.
 */
import { updateRequest } from '../adapters/application-control';
import type { Configuration } from '../report-types';

export interface StackConfigSnippet {
  application: { parallelism: number; parallelismPerKpu: number; autoScalingEnabled: boolean };
}

/** Built-in autoscaling stays off: it scales on CPU alone and would undo a lag-based right size. */
export function stackConfigSnippet(c: Configuration): StackConfigSnippet {
  return { application: { parallelism: c.parallelism, parallelismPerKpu: c.parallelismPerKpu, autoScalingEnabled: false } };
}

/** POSIX shell single-quoting: safe for any application name or JSON document. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Two shell lines: read the current ApplicationVersionId (UpdateApplication rejects a stale one), then
 * update. Region and profile come from the caller's AWS CLI configuration.
 */
export function updateApplicationCommand(application: string, c: Configuration): string {
  const app = shellQuote(application);
  // The exact document kpufit's own UpdateApplication sends, so the two ways of applying agree.
  const update = JSON.stringify(updateRequest(application, { ...c, autoScalingEnabled: false }, 0).ApplicationConfigurationUpdate);
  return [
    `VERSION=$(aws kinesisanalyticsv2 describe-application --application-name ${app} \\`,
    `  --query ApplicationDetail.ApplicationVersionId --output text)`,
    `aws kinesisanalyticsv2 update-application --application-name ${app} \\`,
    `  --current-application-version-id "$VERSION" \\`,
    `  --application-configuration-update ${shellQuote(update)}`,
  ].join('\n');
}

/** For a stream-bound verdict: the shard count the stream needs. */
export function updateShardCountCommand(stream: string, shards: number): string {
  return `aws kinesis update-shard-count --stream-name ${shellQuote(stream)} --target-shard-count ${shards} --scaling-type UNIFORM_SCALING`;
}
