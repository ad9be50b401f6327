/**
 * The OpenSearch Dashboards saved objects kpufit ships (stacks/opensearch/dashboards/*.ndjson: index patterns, the
 * taxi hot-spot map, a time series per workload, the alerts table and one dashboard), read in the order they
 * must be created: index patterns before what references them, dashboards last. `${prefix}` in a file becomes
 * the index prefix the job writes with.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors';
import { packageRoot } from '../../core/package-root';

/** Where the saved objects live in the repository. */
export const DASHBOARDS_DIR = join(packageRoot(), 'stacks', 'opensearch', 'dashboards');
/** The index template the job puts (flink-app bundles the same file). */
export const INDEX_TEMPLATE_FILE = join(packageRoot(), 'stacks', 'opensearch', 'index-template.json');

export const SAVED_OBJECT_TYPES = ['index-pattern', 'search', 'visualization', 'dashboard'] as const;
export type SavedObjectType = (typeof SAVED_OBJECT_TYPES)[number];

export interface SavedObjectReference {
  readonly name: string;
  readonly type: string;
  readonly id: string;
}

export interface SavedObject {
  readonly type: SavedObjectType;
  readonly id: string;
  readonly attributes: Record<string, unknown>;
  readonly references: SavedObjectReference[];
}

const CREATION_ORDER: Record<SavedObjectType, number> = { 'index-pattern': 0, search: 1, visualization: 1, dashboard: 2 };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object of every *.ndjson in `dir`; a malformed line is an InputError naming file and line. */
export function loadSavedObjects(dir: string, indexPrefix: string): SavedObject[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort();
  } catch (e) {
    throw new InputError(`--dir ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'folder not found' : (e as Error).message}`);
  }
  if (files.length === 0) throw new InputError(`--dir ${dir}: no *.ndjson saved-object files`);
  const objects: SavedObject[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const lines = readFileSync(join(dir, file), 'utf8').replace(/\$\{prefix\}/g, indexPrefix).split('\n');
    lines.forEach((text, i) => {
      if (text.trim() === '') return;
      const where = `${join(dir, file)}:${i + 1}`;
      const obj = parseObject(text, where);
      const key = `${obj.type}/${obj.id}`;
      if (seen.has(key)) throw new InputError(`${where}: ${key} is defined twice`);
      seen.add(key);
      objects.push(obj);
    });
  }
  return objects.sort((a, b) => CREATION_ORDER[a.type] - CREATION_ORDER[b.type] || a.id.localeCompare(b.id));
}

function parseObject(text: string, where: string): SavedObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${where}: not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(v)) throw new InputError(`${where}: must be a JSON object`);
  if (!SAVED_OBJECT_TYPES.includes(v.type as SavedObjectType)) {
    throw new InputError(`${where}: type must be one of ${SAVED_OBJECT_TYPES.join(', ')} (got ${JSON.stringify(v.type)})`);
  }
  if (typeof v.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,99}$/.test(v.id)) {
    throw new InputError(`${where}: id must be 1-100 characters of a-z 0-9 - (got ${JSON.stringify(v.id)})`);
  }
  if (!isObject(v.attributes) || typeof v.attributes.title !== 'string') throw new InputError(`${where}: attributes.title is required`);
  const references = v.references ?? [];
  if (!Array.isArray(references) || !references.every((r) => isObject(r) && typeof r.name === 'string' && typeof r.type === 'string' && typeof r.id === 'string')) {
    throw new InputError(`${where}: references must be a list of { name, type, id }`);
  }
  return { type: v.type as SavedObjectType, id: v.id, attributes: v.attributes, references: references as SavedObjectReference[] };
}

/** The index fields an object reads: aggregation fields, the time field, a saved search's columns and sort. */
export function fieldsReferenced(obj: SavedObject): string[] {
  const a = obj.attributes;
  const fields: string[] = [];
  if (obj.type === 'index-pattern' && typeof a.timeFieldName === 'string') fields.push(a.timeFieldName);
  if (obj.type === 'visualization' && typeof a.visState === 'string') {
    const state = JSON.parse(a.visState) as { aggs?: Array<{ params?: { field?: unknown } }> };
    for (const agg of state.aggs ?? []) if (typeof agg.params?.field === 'string') fields.push(agg.params.field);
  }
  if (obj.type === 'search') {
    if (Array.isArray(a.columns)) fields.push(...a.columns.filter((c): c is string => typeof c === 'string'));
    if (Array.isArray(a.sort)) for (const s of a.sort) if (Array.isArray(s) && typeof s[0] === 'string') fields.push(s[0]);
  }
  return fields;
}

/** Every mapped field of the index template by dotted path, with its type. */
export function templateFieldTypes(templateFile: string = INDEX_TEMPLATE_FILE): Map<string, string> {
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { template: { mappings: { properties: Record<string, unknown> } } };
  const types = new Map<string, string>();
  const walk = (prefix: string, properties: Record<string, unknown>) => {
    for (const [name, def] of Object.entries(properties)) {
      const d = def as { type?: string; properties?: Record<string, unknown> };
      if (d.properties) walk(`${prefix}${name}.`, d.properties);
      else types.set(`${prefix}${name}`, d.type ?? 'object');
    }
  };
  walk('', template.template.mappings.properties);
  return types;
}
