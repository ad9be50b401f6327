/**
 * The checks constructs run on their props before creating anything, with one error format:
 * `<Construct>: <prop> must be <allowed> (got <value>)`.
 */

export function invalidProp(construct: string, prop: string, allowed: string, got: unknown): never {
  throw new Error(`${construct}: ${prop} must be ${allowed} (got ${JSON.stringify(got)})`);
}

/** `value` when it is an integer in min..max; `why` is appended to the allowed range in the error. */
export function integerIn(construct: string, prop: string, value: number, min: number, max: number, why = ''): number {
  if (!Number.isInteger(value) || value < min || value > max) invalidProp(construct, prop, `an integer in ${min}..${max}${why}`, value);
  return value;
}

/** An S3 key prefix such as `raw-data/`: safe characters, ending in "/", not starting with one. */
export function keyPrefix(construct: string, prop: string, value: string): string {
  if (!/^[a-zA-Z0-9!_.*'()/-]+\/$/.test(value) || value.startsWith('/')) {
    invalidProp(construct, prop, 'an S3 key prefix ending in "/"', value);
  }
  return value;
}
