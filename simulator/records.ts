/**
 * Turns workload events into producer records: serialization, partition keys (entity, random, hot) and
 * the optional malformed share. This is the per-record hot path of `kpufit load`.
 */
import { Prng } from '../core/prng';
import { malformedRecord, pickMalformedKind } from './malformed';
import { createWorkload, type Workload, type WorkloadName, type WorkloadOptions } from './workloads';

/** One record as every producer takes it: a JSON line without the newline, and its partition key. */
export interface OutRecord {
  data: string;
  partitionKey: string;
  /**
   * UTF-8 bytes of data plus partition key, when the source knows them without counting: generated
   * records are ASCII by construction, so their length is their size. Producers count when it is absent.
   */
  bytes?: number;
}

export const PARTITION_KEY_MODES = ['entity', 'random'] as const;
export type PartitionKeyMode = (typeof PARTITION_KEY_MODES)[number];

export interface RecordSourceOptions extends WorkloadOptions {
  workload: WorkloadName;
  partitionKey?: PartitionKeyMode;
  /** Share of records replaced by a malformed variant. Default 0. */
  malformedRate?: number;
}

export interface RecordSource {
  /** The next record, with event time `nowMs`. */
  next(nowMs: number): OutRecord;
}

export class GeneratedRecords implements RecordSource {
  private readonly workload: Workload;
  // Separate streams: turning on malformed records or random keys leaves the event sequence unchanged.
  private readonly keys: Prng;
  private readonly faults: Prng;
  private readonly randomKeys: boolean;
  private readonly malformedRate: number;

  constructor(private readonly options: RecordSourceOptions) {
    this.workload = createWorkload(options.workload, options);
    this.keys = new Prng(options.seed ^ 0x6b657973);
    this.faults = new Prng(options.seed ^ 0x62616421);
    this.randomKeys = options.partitionKey === 'random';
    this.malformedRate = options.malformedRate ?? 0;
  }

  next(nowMs: number): OutRecord {
    const { event, key, hot } = this.workload.next(nowMs);
    const data =
      this.malformedRate > 0 && this.faults.next() < this.malformedRate
        ? malformedRecord(this.options.workload, event, pickMalformedKind(this.faults))
        : JSON.stringify(event);
    const partitionKey = this.randomKeys && !hot ? this.keys.hex8() + this.keys.hex8() : key;
    return { data, partitionKey, bytes: data.length + partitionKey.length };
  }
}
