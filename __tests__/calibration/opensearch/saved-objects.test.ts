import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../core/errors';
import { DASHBOARDS_DIR, fieldsReferenced, loadSavedObjects, templateFieldTypes } from '../../../calibration/opensearch/saved-objects';

const objects = loadSavedObjects(DASHBOARDS_DIR, 'kpufit');
const mapped = templateFieldTypes();
const NUMERIC = ['long', 'integer', 'double', 'float'];

/** What each aggregation needs its field to be mapped as. */
const AGG_FIELD_TYPES: Record<string, string[]> = {
  sum: NUMERIC, avg: NUMERIC, max: NUMERIC, min: NUMERIC, terms: ['keyword'], date_histogram: ['date'], geohash_grid: ['geo_point'],
};

describe('the shipped saved objects', () => {
  it('are index patterns, the hot-spot map, a time series per workload, the alerts table and one dashboard', () => {
    expect(objects.map((o) => `${o.type}/${o.id}`)).toEqual([
      'index-pattern/kpufit-alerts', 'index-pattern/kpufit-clickstream', 'index-pattern/kpufit-iot', 'index-pattern/kpufit-taxi',
      'visualization/kpufit-alerts-over-time', 'search/kpufit-alerts-table', 'visualization/kpufit-clickstream-events',
      'visualization/kpufit-clickstream-revenue', 'visualization/kpufit-iot-sensor-averages', 'visualization/kpufit-iot-sensor-max',
      'visualization/kpufit-taxi-airport-durations', 'visualization/kpufit-taxi-hotspot-map', 'visualization/kpufit-taxi-pickups-over-time',
      'dashboard/kpufit-overview',
    ]);
  });

  it('reference only fields the index template maps', () => {
    for (const o of objects) {
      for (const field of fieldsReferenced(o)) expect([`${o.id}: ${field}`, mapped.has(field)]).toEqual([`${o.id}: ${field}`, true]);
    }
    expect(objects.filter((o) => o.type !== 'dashboard').every((o) => fieldsReferenced(o).length > 0)).toBe(true);
  });

  it('aggregate each field as the type the template maps it to', () => {
    for (const o of objects.filter((x) => x.type === 'visualization')) {
      const aggs = JSON.parse(String(o.attributes.visState)).aggs as Array<{ type: string; params: { field?: string } }>;
      for (const agg of aggs.filter((a) => a.params.field !== undefined)) {
        expect([o.id, agg.type, agg.params.field, AGG_FIELD_TYPES[agg.type]]).toEqual(
          [o.id, agg.type, agg.params.field, expect.arrayContaining([mapped.get(agg.params.field!)])]);
      }
    }
  });

  it('draws the hot spots from the geo_point', () => {
    const map = objects.find((o) => o.id === 'kpufit-taxi-hotspot-map')!;
    const vis = JSON.parse(String(map.attributes.visState));
    expect(vis.type).toBe('tile_map');
    expect(vis.aggs).toContainEqual(expect.objectContaining({ type: 'geohash_grid', params: expect.objectContaining({ field: 'pickup_location' }) }));
    expect(mapped.get('pickup_location')).toBe('geo_point');
  });

  it('reference only objects that are shipped too', () => {
    const ids = new Set(objects.map((o) => `${o.type}/${o.id}`));
    for (const o of objects) for (const r of o.references) expect([o.id, ids.has(`${r.type}/${r.id}`)]).toEqual([o.id, true]);
    const dashboard = objects.find((o) => o.type === 'dashboard')!;
    expect(dashboard.references).toHaveLength(objects.filter((o) => o.type === 'visualization' || o.type === 'search').length);
  });

  it('point the index patterns at the configured prefix', () => {
    const titles = loadSavedObjects(DASHBOARDS_DIR, 'acme').filter((o) => o.type === 'index-pattern').map((o) => o.attributes.title);
    expect(titles).toEqual(['acme-alerts-*', 'acme-clickstream-*', 'acme-iot-*', 'acme-taxi-*']);
  });
});

describe('loadSavedObjects', () => {
  const dirWith = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'kpufit-saved-'));
    writeFileSync(join(dir, 'x.ndjson'), text);
    return dir;
  };

  it.each([
    ['{"type":"widget","id":"a","attributes":{"title":"t"}}', 'x.ndjson:1: type must be one of index-pattern, search, visualization, dashboard (got "widget")'],
    ['\n{"type":"search","id":"A b","attributes":{"title":"t"}}', 'x.ndjson:2: id must be 1-100 characters of a-z 0-9 - (got "A b")'],
    ['{"type":"search","id":"a","attributes":{}}', 'x.ndjson:1: attributes.title is required'],
    ['{nope', 'x.ndjson:1: not valid JSON'],
  ])('refuses %s naming file and line', (text, message) => {
    const dir = dirWith(text);
    expect(() => loadSavedObjects(dir, 'kpufit')).toThrow(InputError);
    expect(() => loadSavedObjects(dir, 'kpufit')).toThrow(`${dir}/${message}`);
  });

  it('refuses a missing folder naming --dir', () => {
    expect(() => loadSavedObjects('/nonexistent/dashboards', 'kpufit')).toThrow('--dir /nonexistent/dashboards: folder not found');
  });
});
