/**
 * How every kpufit command fails: one line per problem on stderr, naming the field or flag and what is
 * allowed, and a non-zero exit from one table. Nothing is written to stdout on failure, so `--json`
 * consumers see either a whole document or nothing.
 */
import { InputError, InterruptedError, type StopSignal } from '../../core/errors';
import { ValidationError } from '../../core/validation';

/** The exit codes of every command: bad input 2, runtime failure 1, interrupted 128 + the signal's number. */
export const EXIT_CODES = Object.freeze({ ok: 0, failure: 1, badInput: 2, SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const);

export function exitCodeFor(err: unknown): number {
  if (err instanceof InputError) return EXIT_CODES.badInput;
  if (err instanceof InterruptedError) return EXIT_CODES[err.signal];
  return EXIT_CODES.failure;
}

export function interruptedExitCode(signal: StopSignal = 'SIGINT'): number {
  return EXIT_CODES[signal];
}

/** Network failures reaching an AWS endpoint, as Node reports them. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused', ENOTFOUND: 'no such host', EAI_AGAIN: 'name lookup failed', ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable',
};
const REJECTED_CREDENTIALS = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'ExpiredToken', 'InvalidClientTokenId']);

/**
 * An AWS SDK failure as one line naming what to fix (a flag or a setting), instead of the SDK's class name;
 * undefined for anything else.
 */
export function describeAwsFailure(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { code?: string; $metadata?: unknown };
  if (e.name === 'CredentialsProviderError') {
    return 'AWS credentials: none found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or log in with aws sso login)';
  }
  if (/region is missing/i.test(e.message)) return '--region: no AWS region configured: pass --region or set AWS_REGION';
  if (REJECTED_CREDENTIALS.has(e.name)) return `AWS credentials: rejected by AWS (${e.name}): refresh them or pick another AWS_PROFILE`;
  const code = e.code ?? /\b(E[A-Z_]+)\b/.exec(e.message)?.[1];
  if (code && UNREACHABLE[code]) {
    const where = /(?:connect|getaddrinfo) E[A-Z_]+ (\S+)/.exec(e.message)?.[1];
    return `--endpoint-url: cannot reach ${where ?? 'the AWS endpoint'} (${UNREACHABLE[code]}): check --endpoint-url, or leave it out to use AWS itself`;
  }
  if (e.$metadata !== undefined && e.name && e.name !== 'Error') return `AWS refused the call: ${e.name}: ${e.message}`;
  return undefined;
}

export function describeFailure(err: unknown): string[] {
  if (err instanceof ValidationError) {
    return err.problems.map((p) => (err.source ? `${err.source}: ${p}` : p));
  }
  if (err instanceof InputError || err instanceof InterruptedError) return [err.message];
  const aws = describeAwsFailure(err);
  if (aws) return [aws];
  if (err instanceof Error) return [`${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}`];
  return [String(err)];
}

/** Wraps a command handler: turns any failure into error lines and an exit code. */
export function runCommand<A>(handler: (args: A) => Promise<void>): (args: A) => Promise<void> {
  return async (args: A) => {
    try {
      await handler(args);
    } catch (err) {
      for (const line of describeFailure(err)) process.stderr.write(`kpufit: error: ${line}\n`);
      process.exitCode = exitCodeFor(err);
    }
  };
}
