/**
 * What a configuration costs to run, as Managed Service for Apache Flink bills it: every KPU of the
 * application plus one orchestration KPU per application, per hour, and 50 GB of running application
 * storage per KPU, per GB-month (twin.md, "Facts it rests on").
 */
export interface Pricing {
  kpuHourUsd: number;
  storageGbMonthUsd: number;
}

/** us-east-1 list prices, the defaults of every scenario. */
export const DEFAULT_PRICING: Pricing = { kpuHourUsd: 0.11, storageGbMonthUsd: 0.1 };
export const HOURS_PER_MONTH = 730;
export const STORAGE_GB_PER_KPU = 50;
export const ORCHESTRATION_KPUS = 1;

export interface CostBreakdown {
  kpus: number;
  billedKpus: number;
  computePerHourUsd: number;
  storageGb: number;
  storagePerHourUsd: number;
  perHourUsd: number;
  perMonthUsd: number;
}

export function costOf(kpus: number, pricing: Pricing = DEFAULT_PRICING): CostBreakdown {
  const billedKpus = kpus + ORCHESTRATION_KPUS;
  const computePerHourUsd = billedKpus * pricing.kpuHourUsd;
  const storageGb = kpus * STORAGE_GB_PER_KPU;
  const storagePerHourUsd = (storageGb * pricing.storageGbMonthUsd) / HOURS_PER_MONTH;
  const perHourUsd = computePerHourUsd + storagePerHourUsd;
  return { kpus, billedKpus, computePerHourUsd, storageGb, storagePerHourUsd, perHourUsd, perMonthUsd: perHourUsd * HOURS_PER_MONTH };
}
