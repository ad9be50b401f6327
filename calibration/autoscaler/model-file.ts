/**
 * model.json: the job model `kpufit calibrate` fitted, in the autoscaler's terms (job-model.ts), so the
 * Lambda and `kpufit autoscale simulate --model` start from it instead of from priors. Validated strictly:
 * a wrong field is one `path: message` line.
 */
import { z } from 'zod';
import { parseOrThrow } from '../../core/validation';
import { fitModel } from '../algorithm/model-fitter';
import { algorithmOptions, type AlgorithmOptions } from '../algorithm/options';
import type { TrialObservation } from '../algorithm/observation';
import { modelFromFit, type JobModel } from './job-model';
import { autoscalerOptions } from './options';

const nonNegative = () => z.number({ error: 'must be a number' }).min(0, { message: 'must be >= 0' });
const positive = () => z.number({ error: 'must be a number' }).gt(0, { message: 'must be > 0' });

const jobModelSchema = z.strictObject({
  schemaVersion: z.literal(1, { error: 'must be 1' }),
  origin: z.enum(['calibration', 'prior'], { error: 'must be calibration or prior' }),
  cpuMsPerRecord: positive(),
  slotContention: nonNegative().max(1, { message: 'must be <= 1' }),
  ioWaitMsPerRecord: nonNegative(),
  hotKeyShare: nonNegative().max(1, { message: 'must be <= 1' }),
  downtimeSeconds: nonNegative(),
  downtimeMeasured: z.boolean({ error: 'must be true or false' }).default(false),
  baseHeapMb: nonNegative(),
  stateMb: nonNegative(),
  cpuByK: z.record(z.string().regex(/^[1-8]$/, { message: 'must be a ParallelismPerKPU 1..8' }), positive()).default({}),
  heapByKpus: z.record(z.string().regex(/^[1-9][0-9]*$/, { message: 'must be a KPU count' }), nonNegative()).default({}),
  throughputCeiling: positive().nullable().default(null),
  learnedMinutes: z.number().int().min(0).default(0),
});

export function parseJobModel(json: unknown, source?: string): JobModel {
  return parseOrThrow(jobModelSchema, json, source);
}

export function renderJobModel(model: JobModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

/** model.json of a calibration: the calibrator's fit of every trial's evidence, as the autoscaler's model. */
/** model.json's content for the trials' evidence, once a trial measured something (undefined before). */
export function modelJsonFor(observations: TrialObservation[], algorithm: Partial<AlgorithmOptions> = {}): string | undefined {
  return observations.length > 0 ? renderJobModel(modelFromObservations(observations, algorithm)) : undefined;
}

export function modelFromObservations(observations: TrialObservation[], algorithm: Partial<AlgorithmOptions> = {}): JobModel {
  return modelFromFit(fitModel(observations, algorithmOptions(algorithm)), autoscalerOptions());
}
