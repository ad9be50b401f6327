/**
 * --from-outputs FILE: the names calibration needs, from the deployed stack's outputs. Accepts what
 * `cdktf output --outputs-file FILE` writes ({ "<stack>": { "stream_name": "...", ... } }), a flat object
 * of the same keys, and `terraform output -json` ({ "stream_name": { "value": "..." } }).
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../core/errors';

export const OUTPUT_NAMES = [
  'region', 'stream_name', 'stream_arn', 'application_name', 'application_arn', 'alerts_stream_name', 'results_bucket',
  'artifacts_bucket', 'alerts_topic_arn', 'dashboard_url', 'opensearch_endpoint', 'opensearch_dashboards_url',
  'opensearch_index_prefix',
] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];
export type StackOutputs = Partial<Record<OutputName, string>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function flatten(values: Record<string, unknown>): StackOutputs {
  const out: StackOutputs = {};
  for (const name of OUTPUT_NAMES) {
    const v = values[name];
    const value = isObject(v) && 'value' in v ? v.value : v;
    if (typeof value === 'string' && value) out[name] = value;
  }
  return out;
}

const hasOutputs = (v: Record<string, unknown>) => OUTPUT_NAMES.some((n) => n in v);

export function parseStackOutputs(json: unknown, file: string): StackOutputs {
  if (!isObject(json)) throw new InputError(`--from-outputs ${file}: expected a JSON object of stack outputs`);
  if (hasOutputs(json)) return flatten(json);
  const stacks = Object.entries(json).filter(([, v]) => isObject(v) && hasOutputs(v as Record<string, unknown>));
  if (stacks.length === 0) {
    throw new InputError(`--from-outputs ${file}: no stack outputs found (expected keys like application_name, stream_name; write the file with \`cdktf output --outputs-file\`)`);
  }
  if (stacks.length > 1) {
    throw new InputError(`--from-outputs ${file}: outputs of several stacks (${stacks.map(([k]) => k).join(', ')}); keep one or pass --app and --stream`);
  }
  return flatten(stacks[0][1] as Record<string, unknown>);
}

export async function readStackOutputs(file: string): Promise<StackOutputs> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`--from-outputs ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  try {
    return parseStackOutputs(JSON.parse(text), file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`--from-outputs ${file}: not valid JSON: ${(err as Error).message}`);
  }
}
