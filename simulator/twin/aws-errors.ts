/**
 * Errors in the SDK's ServiceException shape (`name` = AWS exception name, `$fault: 'client'`), so code
 * checking `err.name` behaves the same against the twin and against AWS.
 */
export type AwsErrorName =
  | 'ConcurrentModificationException'
  | 'ResourceInUseException'
  | 'InvalidArgumentException'
  | 'InvalidRequestException'
  | 'LimitExceededException'
  | 'ResourceNotFoundException'
  | 'InvalidParameterValueException'
  | 'InvalidParameterCombinationException'
  | 'MissingRequiredParameterException'
  | 'ValidationException';

export class TwinServiceException extends Error {
  readonly $fault = 'client' as const;
  readonly $metadata = { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 };

  constructor(name: AwsErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

export function awsError(name: AwsErrorName, message: string): TwinServiceException {
  return new TwinServiceException(name, message);
}

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';
