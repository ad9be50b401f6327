/**
 * The calibrator's ports, in its own terms. The algorithm depends on these alone, never on an SDK, the
 * twin or a Flink REST API, so the same code right-sizes a Managed Flink application, the in-process twin
 * and a local Flink job.
 */
import type { ApplicationStatus, ParallelismSettings } from '../core/managed-flink';
import type { Clock } from '../core/clock';
import type { LoadDriver, LoadSpec, LoadStats } from '../core/load-driver';
import type { MinuteSample } from './algorithm/observation';

export type { ApplicationStatus, ParallelismSettings, Clock, LoadDriver, LoadSpec, LoadStats };


export interface ApplicationState extends ParallelismSettings {
  name: string;
  arn?: string;
  status: ApplicationStatus;
  /** ApplicationVersionId: UpdateApplication needs the current one. */
  versionId: number;
  /** RuntimeEnvironment (e.g. FLINK-1_20): metric names depend on it (fullRestarts became numRestarts in FLINK-2_2). */
  runtime?: string;
}

export interface ApplicationControl {
  describe(): Promise<ApplicationState>;
  /** One UpdateApplication call (ParallelismConfigurationUpdate, CUSTOM). */
  updateParallelism(target: ParallelismSettings, currentVersionId: number): Promise<{ operationId?: string }>;
  /** Polls DescribeApplication (through the Clock) until the status is reached; throws on timeout. */
  waitForStatus(status: ApplicationStatus, timeoutSeconds: number): Promise<ApplicationState>;
}

/** One period's readings of the job and its stream; null where the target had no datapoint. */
export type MetricPeriod = Omit<MinuteSample, 'second'>;

/**
 * The job's and the stream's metrics in the calibrator's own terms: one reading per 60-second period of
 * each signal it needs (lag, consumption, CPU, busy time, heap, restarts, the stream's intake). CloudWatch
 * (AWS and the twin) and a local job's REST API are adapters behind it.
 */
export interface MetricsSource {
  /** The periods in [fromMs, toMs) that have any datapoint, oldest first. */
  read(fromMs: number, toMs: number): Promise<MetricPeriod[]>;
  /**
   * Which series exist behind the signals: called once before the calibrator changes anything, so a wrong
   * name or dimension stops the run instead of blinding it. Later read() calls use what it chose (e.g. a
   * fallback lag series). Sources that cannot list their series (a local job's REST API) leave it out.
   */
  discover?(): Promise<SeriesDiscovery>;
}

/** The signals the calibrator cannot work without: how far behind the job is, and how much it consumes. */
export type RequiredSignal = 'lag' | 'consumption';

/** One series as its backend names it (for CloudWatch: namespace, metric name, dimensions). */
export interface SeriesRef {
  /** The signal the calibrator reads from it: lag, consumption, cpu, busy, heap, kpus, downtime, uptime, restarts, intake, throttles. */
  signal: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

export interface SeriesDiscovery {
  /** The series read() will query that exist. */
  used: SeriesRef[];
  /** Required signals with no series. */
  missing: RequiredSignal[];
  /** Every series the backend listed for the application and its stream (for the error that names them). */
  found: Array<Omit<SeriesRef, 'signal'>>;
  /** What the source decided and why (e.g. a lag fallback); reported as-is. */
  notes: string[];
}

export interface StreamDescription {
  streamName: string;
  streamArn?: string;
  mode: 'PROVISIONED' | 'ON_DEMAND';
  openShardCount: number;
}

export interface StreamInfo {
  describe(): Promise<StreamDescription>;
}

/** Everything a calibration run talks to. */
export interface CalibrationPorts {
  control: ApplicationControl;
  metrics: MetricsSource;
  stream: StreamInfo;
  load: LoadDriver;
  clock: Clock;
}
