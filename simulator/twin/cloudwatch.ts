/**
 * CloudWatch GetMetricData over the twin's metrics, in the SDK's shapes: MetricStat queries, periods of
 * whole minutes aligned to the minute, datapoints only for periods with samples, newest first by default.
 * A minute's datapoint appears once the simulated clock has passed that minute.
 */
import type {
  Dimension, GetMetricDataInput, GetMetricDataOutput, ListMetricsInput, ListMetricsOutput, Metric, MetricDataQuery, MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { CloudWatchApi } from '../../core/aws-api';
import { awsError } from './aws-errors';
import { METRIC_DEFINITIONS, STATISTICS, statisticOf, type Statistic } from './metrics-store';
import { metricDimensions } from '../../core/metric-catalogue';
import { TWIN_EPOCH_MS, type Simulation } from './simulation';

const MAX_QUERIES = 500;
/** ListMetrics answers at most 500 series a page. */
const LIST_PAGE = 500;
/** ListMetrics accepts at most 10 dimension filters. */
const MAX_DIMENSION_FILTERS = 10;
const DEFAULT_MAX_DATAPOINTS = 100800;

/** CloudWatch's Id rule: starts with a lowercase letter; letters, digits and underscores. */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;


export class TwinCloudWatch implements CloudWatchApi {
  readonly #sim: Simulation;

  constructor(sim: Simulation) {
    this.#sim = sim;
  }

  async getMetricData(input: GetMetricDataInput): Promise<GetMetricDataOutput> {
    const queries = input.MetricDataQueries ?? [];
    if (queries.length === 0 || queries.length > MAX_QUERIES) {
      throw awsError('InvalidParameterValueException', `The collection MetricDataQueries must not be empty and must not contain more than ${MAX_QUERIES} items.`);
    }
    if (!(input.StartTime instanceof Date) || !(input.EndTime instanceof Date)) {
      throw awsError('MissingRequiredParameterException', 'The parameters StartTime and EndTime are required and must be timestamps.');
    }
    if (input.StartTime.getTime() >= input.EndTime.getTime()) {
      throw awsError('InvalidParameterValueException', 'The parameter StartTime must be less than the parameter EndTime.');
    }
    const ids = new Set<string>();
    for (const q of queries) {
      if (!q.Id || !QUERY_ID.test(q.Id)) {
        throw awsError('InvalidParameterValueException', `The value ${q.Id ?? '(none)'} for parameter MetricDataQueries.member.Id is not valid: it must start with a lowercase letter and contain only letters, numbers and underscores.`);
      }
      if (ids.has(q.Id)) throw awsError('InvalidParameterValueException', `The value ${q.Id} for parameter MetricDataQueries.member.Id is not unique.`);
      ids.add(q.Id);
    }
    const ascending = input.ScanBy === 'TimestampAscending';
    const results = queries.filter((q) => q.ReturnData !== false).map((q) => this.#query(q, input.StartTime!, input.EndTime!, ascending));

    // Paging over the datapoints of all results, in order, as CloudWatch does with MaxDatapoints.
    const max = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
    let skip = input.NextToken ? Number.parseInt(input.NextToken, 10) : 0;
    if (!Number.isInteger(skip) || skip < 0) throw awsError('InvalidParameterValueException', 'The service cannot process the NextToken.');
    const offset = skip;
    let room = max;
    const paged: MetricDataResult[] = [];
    for (const r of results) {
      const n = r.Timestamps!.length;
      const from = Math.min(n, skip);
      skip -= from;
      const take = Math.min(n - from, room);
      room -= take;
      // A metric without datapoints is answered once, on the first page.
      if (take === 0 && (n > 0 || offset > 0)) continue;
      paged.push({ ...r, Timestamps: r.Timestamps!.slice(from, from + take), Values: r.Values!.slice(from, from + take) });
    }
    const total = results.reduce((s, r) => s + r.Timestamps!.length, 0);
    const next = offset + (max - room);
    return {
      MetricDataResults: paged,
      NextToken: next < total ? String(next) : undefined,
      Messages: [],
    };
  }

  /**
   * ListMetrics over the series the twin publishes (METRIC_DEFINITIONS, with the scenario's application and
   * stream). They are listed from the twin's epoch on: the application was already running then (calibration
   * needs it RUNNING), so CloudWatch, which lists series with data in the last two weeks, knows them. Filters as
   * CloudWatch: namespace and name exact; every dimension filter names a dimension of the series (and its
   * value, when given).
   */
  async listMetrics(input: ListMetricsInput): Promise<ListMetricsOutput> {
    const filters = input.Dimensions ?? [];
    if (filters.length > MAX_DIMENSION_FILTERS) {
      throw awsError('InvalidParameterValueException', `The collection Dimensions must not contain more than ${MAX_DIMENSION_FILTERS} items.`);
    }
    const sim = this.#sim;
    const scope = { application: sim.scenario.application, stream: sim.scenario.stream.name };
    const all: Metric[] = [];
    METRIC_DEFINITIONS.forEach((def) => {
      if (input.Namespace !== undefined && input.Namespace !== def.namespace) return;
      if (input.MetricName !== undefined && input.MetricName !== def.name) return;
      const dims = metricDimensions(def, scope);
      if (!filters.every((f) => f.Name !== undefined && f.Name in dims && (f.Value === undefined || dims[f.Name] === f.Value))) return;
      all.push({ Namespace: def.namespace, MetricName: def.name, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) });
    });
    const from = input.NextToken ? Number.parseInt(input.NextToken, 10) : 0;
    if (!Number.isInteger(from) || from < 0) throw awsError('InvalidParameterValueException', 'The service cannot process the NextToken.');
    const page = all.slice(from, from + LIST_PAGE);
    return { Metrics: page, NextToken: from + LIST_PAGE < all.length ? String(from + LIST_PAGE) : undefined };
  }

  #query(q: MetricDataQuery, start: Date, end: Date, ascending: boolean): MetricDataResult {
    if (q.Expression !== undefined || !q.MetricStat) {
      throw awsError('InvalidParameterValueException', `The twin supports MetricStat queries only (query ${q.Id} has an Expression).`);
    }
    const stat = q.MetricStat.Stat as Statistic;
    if (!STATISTICS.includes(stat)) {
      throw awsError('InvalidParameterValueException', `The value ${q.MetricStat.Stat} for parameter MetricDataQueries.member.MetricStat.Stat is not supported; use one of ${STATISTICS.join(', ')}.`);
    }
    const period = q.MetricStat.Period;
    if (!Number.isInteger(period) || period! < 60 || period! % 60 !== 0) {
      throw awsError('InvalidParameterValueException', `The parameter MetricDataQueries.member.MetricStat.Period must be a multiple of 60 (got ${period}).`);
    }
    const metric = q.MetricStat.Metric;
    const label = q.Label ?? metric?.MetricName ?? q.Id!;
    const timestamps: Date[] = [];
    const values: number[] = [];
    const id = this.#metricId(metric?.Namespace, metric?.MetricName, metric?.Dimensions ?? []);
    if (id >= 0) {
      const sim = this.#sim;
      const epochMinute = TWIN_EPOCH_MS / 60000;
      const periodMinutes = period! / 60;
      // Periods start at StartTime rounded down to the minute; only completed minutes have data.
      let firstMinute = Math.floor(start.getTime() / 60000) - epochMinute;
      // Skip whole periods before the simulation began (keeps the alignment, avoids empty loops).
      if (firstMinute < 0) firstMinute += Math.ceil(-firstMinute / periodMinutes) * periodMinutes;
      const endMinute = Math.min(Math.ceil(end.getTime() / 60000) - epochMinute, sim.metrics.completedMinutes);
      for (let m = firstMinute; m < endMinute; m += periodMinutes) {
        const agg = sim.metrics.aggregate(id, m, m + periodMinutes);
        if (!agg) continue;
        timestamps.push(new Date((epochMinute + m) * 60000));
        values.push(statisticOf(agg, stat));
      }
    }
    if (!ascending) {
      timestamps.reverse();
      values.reverse();
    }
    return { Id: q.Id, Label: label, Timestamps: timestamps, Values: values, StatusCode: 'Complete' };
  }

  /** The metric a query names, or -1 (CloudWatch answers an unknown metric with no datapoints). */
  #metricId(namespace: string | undefined, name: string | undefined, dimensions: Dimension[]): number {
    const sim = this.#sim;
    const scope = { application: sim.scenario.application, stream: sim.scenario.stream.name };
    const index = METRIC_DEFINITIONS.findIndex((d) => d.namespace === namespace && d.name === name);
    if (index < 0) return -1;
    const want = metricDimensions(METRIC_DEFINITIONS[index], scope);
    const given = new Map(dimensions.map((d) => [d.Name, d.Value]));
    if (given.size !== dimensions.length || given.size !== Object.keys(want).length) return -1;
    for (const [k, v] of Object.entries(want)) if (given.get(k) !== v) return -1;
    return index;
  }
}
