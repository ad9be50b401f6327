/**
 * How every command fails: one exit-code table, and AWS SDK failures translated into one line naming the
 * flag or setting to fix instead of the SDK's class name.
 */
import { describeFailure, EXIT_CODES, exitCodeFor } from '../../../calibration/cli/errors';
import { InputError, InterruptedError } from '../../../core/errors';
import { ValidationError } from '../../../core/validation';

const sdkError = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });

describe('the exit-code table', () => {
  it('bad input 2, failure 1, and 128 + the signal number for each stop signal', () => {
    expect(EXIT_CODES).toEqual({ ok: 0, failure: 1, badInput: 2, SIGHUP: 129, SIGINT: 130, SIGTERM: 143 });
    expect(exitCodeFor(new ValidationError(['x: bad']))).toBe(2);
    expect(exitCodeFor(new InputError('--rate: bad'))).toBe(2);
    expect(exitCodeFor(new InterruptedError('stopped', 'SIGTERM'))).toBe(143);
    expect(exitCodeFor(new InterruptedError('stopped', 'SIGHUP'))).toBe(129);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
  });
});

describe('AWS SDK failures, one line naming what to fix', () => {
  it.each([
    ['missing credentials', sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      'AWS credentials: none found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or log in with aws sso login)'],
    ['a refused connection', sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }),
      '--endpoint-url: cannot reach 127.0.0.1:1 (connection refused): check --endpoint-url, or leave it out to use AWS itself'],
    ['an unknown host', sdkError('Error', 'getaddrinfo ENOTFOUND kinesis.invalid', { code: 'ENOTFOUND' }),
      '--endpoint-url: cannot reach kinesis.invalid (no such host): check --endpoint-url, or leave it out to use AWS itself'],
    ['no region', sdkError('Error', 'Region is missing'), '--region: no AWS region configured: pass --region or set AWS_REGION'],
    ['rejected credentials', sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', { $metadata: {} }),
      'AWS credentials: rejected by AWS (UnrecognizedClientException): refresh them or pick another AWS_PROFILE'],
    ['any other AWS refusal', sdkError('ResourceNotFoundException', 'Stream s under account 1 not found.', { $metadata: { httpStatusCode: 400 } }),
      'AWS refused the call: ResourceNotFoundException: Stream s under account 1 not found.'],
  ])('%s', (_, err, line) => {
    expect(describeFailure(err)).toEqual([line]);
  });
});
