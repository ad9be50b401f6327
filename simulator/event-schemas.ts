/**
 * The event schemas moved to core/event-schemas.ts, where the load generator and the stream processor
 * Lambda (stacks/lambda/processor) share them. Kept as a re-export for callers outside simulator/
 * (calibration/cli) until they import core directly.
 */
export * from '../core/event-schemas';
