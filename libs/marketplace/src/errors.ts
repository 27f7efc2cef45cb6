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

export function isRetryableAwsError(error: unknown): boolean {
  return classifyAwsError(error) !== 'client';
}
