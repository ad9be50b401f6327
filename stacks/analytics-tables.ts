/**
 * What the Flink job writes under analytics-results/<workload>/<category>/dt=YYYY-MM-DD/hour=HH/, as Glue
 * columns: one table per workload, the category (pickup_hotspots, alerts, ...) a projected partition.
 * Every line carries the union's subset for its category; the JSON SerDe reads absent fields as NULL.
 * Kept in step with flink-app (snake_case names written by its Json helper): a test reads the job's
 * sources and fails when it writes a field or category this file does not know.
 */

export type Workload = 'taxi' | 'iot' | 'clickstream';
export const WORKLOADS: readonly Workload[] = ['taxi', 'iot', 'clickstream'];

export interface Column { readonly name: string; readonly type: string; readonly comment: string }

export interface WorkloadTable {
  readonly workload: Workload;
  /** Folders under analytics-results/<workload>/: the `category` partition's values. */
  readonly categories: readonly string[];
  readonly columns: readonly Column[];
}

const col = (name: string, type: string, comment: string): Column => ({ name, type, comment });

/** The head of every window result line (Windows.resultHead in the job). Times are ISO-8601 UTC text. */
const RESULT_HEAD: Column[] = [
  col('workload', 'string', 'taxi, iot or clickstream'),
  col('metric', 'string', 'what the line measures; equals the category for window results'),
  col('window_start', 'string', 'ISO-8601 UTC; from_iso8601_timestamp() to compare'),
  col('window_end', 'string', 'ISO-8601 UTC, exclusive'),
];

/** Alert lines: the job's per-workload fields plus the documented alert record's. */
const ALERT_COLUMNS: Column[] = [
  col('alert', 'string', 'alert kind as the job names it (hotspot, anomaly)'),
  col('alert_type', 'string', 'alert kind (documented alert record)'),
  col('key', 'string', 'device id or cell the alert is about (documented alert record)'),
  col('severity', 'string', 'optional severity'),
  col('value', 'double', 'measured value that crossed the threshold'),
  col('threshold', 'double', 'threshold crossed'),
  col('event_time', 'string', 'ISO-8601 UTC time of the reading that alerted'),
  col('message', 'string', 'human-readable alert text'),
];

export const WORKLOAD_TABLES: Record<Workload, WorkloadTable> = {
  taxi: {
    workload: 'taxi',
    categories: ['pickup_hotspots', 'airport_trip_duration', 'alerts'],
    columns: [
      ...RESULT_HEAD,
      col('pickup_cell', 'string', 'geohash cell of the pick-up'),
      col('pickups', 'bigint', 'pick-ups in the cell during the window (pickup_hotspots, alerts)'),
      col('airport', 'string', 'JFK or LGA (airport_trip_duration)'),
      col('trips', 'bigint', 'trips from the cell to the airport in the window'),
      col('avg_duration_seconds', 'double', 'average duration of those trips'),
      ...ALERT_COLUMNS,
    ],
  },
  iot: {
    workload: 'iot',
    categories: ['sensor_stats', 'alerts'],
    columns: [
      ...RESULT_HEAD,
      col('device_id', 'string', 'device that sent the readings'),
      col('sensor_type', 'string', 'temperature, pressure, vibration or flow'),
      col('unit', 'string', 'unit of the readings'),
      col('count', 'bigint', 'readings in the window (quote it: "count")'),
      col('avg', 'double', 'average reading in the window'),
      col('min', 'double', 'lowest reading in the window'),
      col('max', 'double', 'highest reading in the window'),
      col('location', 'string', 'where the device is: a grouping key of sensor_stats, and on alerts'),
      ...ALERT_COLUMNS,
    ],
  },
  clickstream: {
    workload: 'clickstream',
    categories: ['dashboard'],
    columns: [
      ...RESULT_HEAD,
      col('events_by_type', 'map<string,bigint>', 'events per event type in the window'),
      col('events', 'bigint', 'all events in the window'),
      col('purchases', 'bigint', 'purchase events in the window'),
      col('revenue', 'double', 'purchase revenue in the window'),
      col('active_users', 'bigint', 'distinct users active in the window'),
    ],
  },
};

/** Partition keys in folder order; dt and hour are projected, so no crawler or MSCK REPAIR is needed. */
export const PARTITION_KEYS: readonly Column[] = [
  col('category', 'string', 'result kind: the folder under the workload'),
  col('dt', 'string', 'UTC date of the window start (alerts: event time), yyyy-MM-dd'),
  col('hour', 'string', 'UTC hour, 00..23'),
];
