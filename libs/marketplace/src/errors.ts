export type AwsErrorKind = 'throttling' | 'server' | 'resource-in-use' | 'client' | 'network';

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestThrottled',
]);
const SERVER = new Set([
  'InternalServiceException',
  'InternalServerException',
  'InternalServiceErrorException',
  'ServiceUnavailable',
]);

/**
 * What to do with an AWS SDK error: throttling, 5xx and ResourceInUse are retried with backoff; network
 * errors (no HTTP response) too; everything else is the caller's fault and final.
 */
export function classifyAwsError(error: unknown): AwsErrorKind {
  const e = error as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
    code?: string;
  };
  const name = e?.name ?? '';
  if (THROTTLING.has(name) || e?.$metadata?.httpStatusCode === 429) return 'throttling';
  if (name === 'ResourceInUseException') return 'resource-in-use';
  if (SERVER.has(name) || e?.$fault === 'server' || (e?.$metadata?.httpStatusCode ?? 0) >= 500)
    return 'server';
  if (
    !e?.$metadata?.httpStatusCode &&
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|socket hang up|TimeoutError/i.test(
      `${e?.code ?? ''} ${name} ${String((error as Error)?.message)}`,
    )
  ) {
    return 'network';
  }
  return 'client';
}

/**
 * Errors that say the org's AWS access or setup is wrong, not the request's content: IAM denies the
 * operation or the role, the credentials are invalid or expired, the product code is not the account's, the
 * API is disabled in the Region. Nothing about the records changes them; fixing the access does.
 */
const PERMISSION = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'NotAuthorized',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'MissingAuthenticationToken',
  'InvalidProductCodeException',
  'DisabledApiException',
  'CredentialsProviderError',
  'UnknownOrgError',
]);

export function isPermissionError(error: unknown): boolean {
  return PERMISSION.has((error as { name?: string })?.name ?? '');
}

export function isRetryableAwsError(error: unknown): boolean {
  return classifyAwsError(error) !== 'client';
}
