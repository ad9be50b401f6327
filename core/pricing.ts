/**
 * What a Managed Flink application costs, as AWS bills it: every KPU of the application plus one
 * orchestration KPU, per hour, and 50 GB of running application storage per KPU, per GB-month.
 */
import { ORCHESTRATION_KPUS, STORAGE_GB_PER_KPU } from './aws-facts';

export interface Pricing {
  kpuHourUsd: number;
  storageGbMonthUsd: number;
}

/** us-east-1 list prices: the default of every scenario and of the AWS run. */
export const DEFAULT_PRICING: Readonly<Pricing> = Object.freeze({ kpuHourUsd: 0.11, storageGbMonthUsd: 0.1 });
/** The month AWS prices per-month figures with. */
export const HOURS_PER_MONTH = 730;

export interface CostBreakdown {
  kpus: number;
  billedKpus: number;
  computePerHourUsd: number;
  storageGb: number;
  storagePerHourUsd: number;
  perHourUsd: number;
  perMonthUsd: number;
}

/** Billed KPUs: the application's n plus the orchestration KPU. */
export function billedKpus(kpus: number): number {
  return kpus + ORCHESTRATION_KPUS;
}

export function costOf(kpus: number, pricing: Pricing = DEFAULT_PRICING): CostBreakdown {
  const billed = billedKpus(kpus);
  const computePerHourUsd = billed * pricing.kpuHourUsd;
  const storageGb = kpus * STORAGE_GB_PER_KPU;
  const storagePerHourUsd = (storageGb * pricing.storageGbMonthUsd) / HOURS_PER_MONTH;
  const perHourUsd = computePerHourUsd + storagePerHourUsd;
  return { kpus, billedKpus: billed, computePerHourUsd, storageGb, storagePerHourUsd, perHourUsd, perMonthUsd: perHourUsd * HOURS_PER_MONTH };
}
