/** Strict schema of rate profiles (docs/file-formats.md); errors name the JSON path and the allowed values. */
import { z } from 'zod';
import type { RateProfile } from './rate-profile';

const rate = (what: string) =>
  z.number({ error: `${what} must be a number` }).finite().min(0, { message: 'must be >= 0' });
const positive = z.number({ error: 'must be a number' }).finite().gt(0, { message: 'must be > 0' });

export const rateProfileSchema: z.ZodType<RateProfile> = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('constant'), recordsPerSecond: positive }),
    z.strictObject({ type: z.literal('ramp'), from: rate('from'), to: rate('to'), seconds: positive }),
    z.strictObject({
      type: z.literal('steps'),
      steps: z
        .array(z.strictObject({ atSecond: rate('atSecond'), recordsPerSecond: rate('recordsPerSecond') }))
        .min(1, { message: 'must list at least one step' }),
    }),
    z.strictObject({
      type: z.literal('spike'), base: rate('base'), peak: rate('peak'), atSecond: rate('atSecond'), seconds: positive,
    }),
    z.strictObject({ type: z.literal('daily'), min: rate('min'), max: rate('max'), periodSeconds: positive }),
  ],
  { error: 'type must be one of constant, ramp, steps, spike, daily' },
).superRefine((p, ctx) => {
  if (p.type === 'daily' && p.max < p.min) ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be >= min' });
}) as unknown as z.ZodType<RateProfile>;
