/**
 * Puts kpufit's saved objects into OpenSearch Dashboards idempotently: reads what exists (_bulk_get), writes only
 * what is missing or different (_bulk_create with overwrite), and reports per object create / update / unchanged.
 * A dry run sends nothing and reports `apply` for every object.
 */
import { isDeepStrictEqual } from 'node:util';
import type { HttpCall } from './signed-http';
import type { SavedObject } from './saved-objects';

export const APPLY_ACTIONS = ['create', 'update', 'unchanged', 'apply'] as const;
export type ApplyAction = (typeof APPLY_ACTIONS)[number];

export interface AppliedObject {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly action: ApplyAction;
}

const API = '/_dashboards/api/saved_objects';
/** OpenSearch Dashboards refuses writes without its XSRF header. */
const XSRF = { 'osd-xsrf': 'true' };

interface ExistingObject {
  id: string;
  type: string;
  attributes?: Record<string, unknown>;
  references?: unknown[];
  error?: { statusCode?: number; message?: string };
}

export async function applySavedObjects(objects: SavedObject[], http: HttpCall | undefined): Promise<AppliedObject[]> {
  const summary = (o: SavedObject, action: ApplyAction): AppliedObject => ({ id: o.id, type: o.type, title: String(o.attributes.title), action });
  if (http === undefined) return objects.map((o) => summary(o, 'apply'));

  const existing = await call<{ saved_objects: ExistingObject[] }>(http, `${API}/_bulk_get`,
    objects.map((o) => ({ type: o.type, id: o.id })));
  const actions = objects.map((o, i): ApplyAction => {
    const current = existing.saved_objects[i];
    if (!current || current.error) {
      if (current?.error && current.error.statusCode !== 404) {
        throw new Error(`OpenSearch Dashboards: cannot read ${o.type}/${o.id}: ${current.error.message ?? current.error.statusCode}`);
      }
      return 'create';
    }
    const same = isDeepStrictEqual(current.attributes, o.attributes) && isDeepStrictEqual(current.references ?? [], o.references);
    return same ? 'unchanged' : 'update';
  });
  const changed = objects.filter((_, i) => actions[i] !== 'unchanged');
  if (changed.length > 0) {
    const created = await call<{ saved_objects: ExistingObject[] }>(http, `${API}/_bulk_create?overwrite=true`,
      changed.map((o) => ({ type: o.type, id: o.id, attributes: o.attributes, references: o.references })));
    const failed = created.saved_objects.filter((o) => o.error);
    if (failed.length > 0) {
      throw new Error(`OpenSearch Dashboards refused ${failed.map((o) => `${o.type}/${o.id} (${o.error?.message ?? o.error?.statusCode})`).join(', ')}`);
    }
  }
  return objects.map((o, i) => summary(o, actions[i]));
}

async function call<T>(http: HttpCall, path: string, body: unknown): Promise<T> {
  const response = await http({ method: 'POST', path, headers: XSRF, body: JSON.stringify(body) });
  if (response.status < 200 || response.status >= 300) {
    const hint = response.status === 403 ? ' (is your role mapped in fine-grained access control? the domain\'s master user is opensearch.masterUserArn)' : '';
    throw new Error(`OpenSearch Dashboards: POST ${path.split('?')[0]} answered ${response.status}${hint}: ${response.body.slice(0, 300)}`);
  }
  return JSON.parse(response.body) as T;
}
