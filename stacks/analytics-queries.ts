/**
 * Ready-made Athena queries over the workload tables, saved as named queries in the workgroup and shown in
 * the README. Each one bounds `dt` so partition projection reads only the days it needs.
 */
import type { Workload } from './analytics-tables';

export interface AnalyticsQuery {
  /** Short id; the named query is `<workload>-<id>`. */
  readonly id: string;
  readonly workload: Workload;
  readonly description: string;
  /** The SQL for a database name. */
  readonly sql: (database: string) => string;
}

/** dt of the last N days, including today (UTC). */
const sinceDays = (n: number) => `dt >= date_format(date_add('day', -${n}, current_date), '%Y-%m-%d')`;

export const ANALYTICS_QUERIES: readonly AnalyticsQuery[] = [
  {
    id: 'hotspots', workload: 'taxi', description: 'Busiest pick-up cells over the last 24 hours',
    sql: (db) => `SELECT pickup_cell, SUM(pickups) AS pickups, COUNT(*) AS windows
FROM "${db}"."taxi"
WHERE category = 'pickup_hotspots' AND ${sinceDays(1)}
  AND from_iso8601_timestamp(window_start) > current_timestamp - INTERVAL '24' HOUR
GROUP BY pickup_cell
ORDER BY pickups DESC
LIMIT 20`,
  },
  {
    id: 'airport-durations', workload: 'taxi', description: 'Average trip duration to JFK and LGA per pick-up cell, last 24 hours',
    sql: (db) => `SELECT airport, pickup_cell, SUM(trips) AS trips,
  ROUND(SUM(avg_duration_seconds * trips) / SUM(trips) / 60, 1) AS avg_minutes
FROM "${db}"."taxi"
WHERE category = 'airport_trip_duration' AND ${sinceDays(1)}
  AND from_iso8601_timestamp(window_start) > current_timestamp - INTERVAL '24' HOUR
GROUP BY airport, pickup_cell
ORDER BY airport, trips DESC`,
  },
  {
    id: 'alerts', workload: 'taxi', description: 'Hot-spot alerts of the last 24 hours, newest first',
    sql: (db) => `SELECT window_start, pickup_cell, pickups, threshold
FROM "${db}"."taxi"
WHERE category = 'alerts' AND ${sinceDays(1)}
ORDER BY window_start DESC
LIMIT 100`,
  },
  {
    id: 'sensor-stats', workload: 'iot', description: 'Per device, sensor and location: readings, average, min and max over the last hour',
    sql: (db) => `SELECT device_id, sensor_type, location, SUM("count") AS readings,
  ROUND(SUM("avg" * "count") / SUM("count"), 2) AS avg, MIN("min") AS min, MAX("max") AS max
FROM "${db}"."iot"
WHERE category = 'sensor_stats' AND ${sinceDays(1)}
  AND from_iso8601_timestamp(window_start) > current_timestamp - INTERVAL '1' HOUR
GROUP BY device_id, sensor_type, location
ORDER BY device_id, sensor_type, location`,
  },
  {
    id: 'anomalies', workload: 'iot', description: 'Anomaly alerts per device and sensor over the last 24 hours',
    sql: (db) => `SELECT device_id, sensor_type, COUNT(*) AS anomalies, MAX(value) AS worst, MAX(threshold) AS threshold,
  MAX(event_time) AS last_seen
FROM "${db}"."iot"
WHERE category = 'alerts' AND ${sinceDays(1)}
GROUP BY device_id, sensor_type
ORDER BY anomalies DESC`,
  },
  {
    id: 'dashboard', workload: 'clickstream', description: 'Events, purchases, revenue and active users per window, last 24 hours',
    sql: (db) => `SELECT window_start, events, purchases, revenue, active_users
FROM "${db}"."clickstream"
WHERE category = 'dashboard' AND ${sinceDays(1)}
ORDER BY window_start DESC`,
  },
  {
    id: 'events-by-type', workload: 'clickstream', description: 'Events per type per hour, last 24 hours',
    sql: (db) => `SELECT date_trunc('hour', from_iso8601_timestamp(window_start)) AS hour_start, t.event_type,
  SUM(t.events) AS events
FROM "${db}"."clickstream"
CROSS JOIN UNNEST(events_by_type) AS t (event_type, events)
WHERE category = 'dashboard' AND ${sinceDays(1)}
GROUP BY 1, 2
ORDER BY 1 DESC, 3 DESC`,
  },
];
