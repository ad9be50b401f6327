/**
 * Which Kinesis failures are worth retrying. PutRecords marks records it could not take with ErrorCode
 * ProvisionedThroughputExceededException or InternalFailure; the call itself can throw throttling
 * (ProvisionedThroughputExceededException, KMSThrottlingException, ThrottlingException,
 * LimitExceededException), server-side faults (InternalFailureException, 5xx) or network errors. Anything
 * else (ResourceNotFoundException, AccessDeniedException, InvalidArgumentException, KMS key problems) will
 * not get better by retrying.
 */
export const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'KMSThrottlingException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

const TRANSIENT_ERRORS = new Set([
  'InternalFailure',
  'InternalFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

export function isThrottling(code: string | undefined): boolean {
  return code !== undefined && THROTTLING_ERRORS.has(code);
}

/** A per-record ErrorCode worth retrying. */
export function isRetryableRecordError(code: string): boolean {
  return isThrottling(code) || TRANSIENT_ERRORS.has(code);
}

/** A thrown error worth retrying the whole call for. */
export function isRetryableCallError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (isThrottling(e?.name) || TRANSIENT_ERRORS.has(e?.name ?? '')) return true;
  if (e?.$retryable) return true;
  if (TRANSIENT_NETWORK_CODES.has(e?.code ?? '')) return true;
  const status = e?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}
