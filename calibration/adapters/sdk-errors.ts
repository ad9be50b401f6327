/**
 * AccessDenied from AWS says "not authorized" and little else; kpufit knows which call failed, so it can
 * name the IAM action the credentials lack. The error keeps AWS's name so callers that branch on it still
 * do; its message leads with the action.
 */
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'AuthorizationError']);

export class MissingPermissionError extends Error {
  constructor(readonly iamAction: string, readonly awsName: string, awsMessage: string) {
    super(`the AWS credentials lack the IAM permission ${iamAction} (grant it to the caller's role or user). AWS said: ${awsMessage}`);
    this.name = awsName;
  }
}

export function isAccessDenied(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  if (e.name && ACCESS_DENIED.has(e.name)) return true;
  return e.$metadata?.httpStatusCode === 403 && /not authorized|access denied/i.test(e.message ?? '');
}

/** Runs one AWS call; an access denial comes back naming `iamAction`. */
export async function withIamAction<T>(iamAction: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isAccessDenied(err)) {
      const e = err as Error;
      throw new MissingPermissionError(iamAction, e.name || 'AccessDeniedException', e.message);
    }
    throw err;
  }
}
