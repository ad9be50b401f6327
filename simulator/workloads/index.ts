/** The workload registry: names the CLI accepts and how to build each generator. */
import { ClickstreamWorkload } from './clickstream';
import { IotWorkload } from './iot';
import { TaxiWorkload } from './taxi';
import type { Workload, WorkloadOptions } from './workload';

export const WORKLOAD_NAMES = ['taxi', 'iot', 'clickstream'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export function isWorkloadName(name: string): name is WorkloadName {
  return (WORKLOAD_NAMES as readonly string[]).includes(name);
}

export function createWorkload(name: WorkloadName, options: WorkloadOptions): Workload {
  switch (name) {
    case 'taxi':
      return new TaxiWorkload(options);
    case 'iot':
      return new IotWorkload(options);
    case 'clickstream':
      return new ClickstreamWorkload(options);
  }
}

export type { GeneratedEvent, Workload, WorkloadOptions } from './workload';
