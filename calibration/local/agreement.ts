/**
 * Does a calibration of the real job agree with a sweep of the same job? The product's answer is a KPU
 * count, so agreement means: the calibration recommends the sweep's cheapest KPU count meeting the SLO, or
 * one more where the sweep's own verdict at that cheaper count is inside the noise it measured (a
 * configuration whose measured margin over the requirement is smaller than how far two runs of one
 * configuration land apart could have gone either way); and the configuration it recommends meets the
 * requirement in the sweep, within that noise. Used by `npm run check:local-calibration` and
 * `npm run bench:local`.
 */

export interface SweptConfiguration {
  parallelism: number;
  parallelismPerKpu: number;
  kpus: number;
  capacityRecordsPerSecond: number;
  feasible: boolean;
}

export interface AgreementInput {
  recommendation: { parallelism: number; parallelismPerKpu: number; kpus: number } | null;
  configurations: SweptConfiguration[];
  requiredRecordsPerSecond: number;
  /** The sweep's measured relative spread of one configuration's capacity (0 when not measured). */
  noise: number;
}

export interface Agreement {
  agree: boolean;
  /** 'equal': same KPUs; 'one-more-within-noise': +1, justified by the noise; 'disagree'. */
  kind: 'equal' | 'one-more-within-noise' | 'disagree';
  sweepKpus: number | null;
  calibratedKpus: number | null;
  /** (capacity - required) / required of the sweep's best configuration at the calibrated KPUs - 1 (when asked). */
  cheaperMargin: number | null;
  /** The same for the calibrated configuration as the sweep measured it (null: not measured). */
  calibratedMargin: number | null;
  reasons: string[];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** (capacity - required) / required. */
export function margin(capacity: number, required: number): number {
  return (capacity - required) / required;
}

export function agreement(input: AgreementInput): Agreement {
  const { recommendation: rec, configurations, requiredRecordsPerSecond: required, noise } = input;
  const reasons: string[] = [];
  const feasible = configurations.filter((c) => c.feasible);
  const sweepKpus = feasible.length > 0 ? Math.min(...feasible.map((c) => c.kpus)) : null;
  const calibratedKpus = rec?.kpus ?? null;
  const measuredRec = rec ? configurations.find((c) => c.parallelism === rec.parallelism && c.kpus === rec.kpus) : undefined;
  const calibratedMargin = measuredRec ? margin(measuredRec.capacityRecordsPerSecond, required) : null;
  let cheaperMargin: number | null = null;
  if (!rec) reasons.push('the calibration gave no answer');
  if (sweepKpus === null) reasons.push('the sweep found no configuration meeting the SLO');
  let kind: Agreement['kind'] = 'disagree';
  if (rec && sweepKpus !== null) {
    if (rec.kpus === sweepKpus) kind = 'equal';
    else if (rec.kpus === sweepKpus + 1) {
      const atCheaper = configurations.filter((c) => c.kpus === sweepKpus);
      cheaperMargin = Math.max(...atCheaper.map((c) => margin(c.capacityRecordsPerSecond, required)));
      if (cheaperMargin <= noise) kind = 'one-more-within-noise';
      else reasons.push(`calibrated ${rec.kpus} KPUs, the sweep's cheapest is ${sweepKpus} KPUs with a margin of ${pct(cheaperMargin)} over the required ${required.toFixed(1)}/s, outside the measured noise of ${pct(noise)}`);
    } else {
      reasons.push(`calibrated ${rec.kpus} KPUs, the sweep's cheapest meeting the SLO is ${sweepKpus} KPUs`);
    }
    if (calibratedMargin === null) reasons.push(`the sweep did not measure the calibrated P=${rec.parallelism} on ${rec.kpus} KPUs`);
    else if (calibratedMargin < -noise) {
      reasons.push(`the calibrated P=${rec.parallelism} K=${rec.parallelismPerKpu} measured ${measuredRec!.capacityRecordsPerSecond.toFixed(1)}/s in the sweep, ${pct(-calibratedMargin)} short of the required ${required.toFixed(1)}/s (noise ${pct(noise)})`);
    }
  }
  const agree = kind !== 'disagree' && reasons.length === 0;
  return { agree, kind: agree ? kind : 'disagree', sweepKpus, calibratedKpus, cheaperMargin, calibratedMargin, reasons };
}
