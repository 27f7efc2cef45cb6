import { classifyAwsError, isRetryableAwsError } from './errors';

describe(classifyAwsError.name, () => {
  it.each([
    [{ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } }, 'throttling'],
    [{ name: 'ResourceInUseException', $metadata: { httpStatusCode: 423 } }, 'resource-in-use'],
    [{ name: 'InternalServiceException', $metadata: { httpStatusCode: 500 }, $fault: 'server' }, 'server'],
    [{ name: 'Unknown', $metadata: { httpStatusCode: 503 } }, 'server'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4600'), { code: 'ECONNREFUSED' }), 'network'],
    [{ name: 'ValidationException', $metadata: { httpStatusCode: 422 } }, 'client'],
    [{ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }, 'client'],
  ])('classifies %o as %s', (error, kind) => {
    expect(classifyAwsError(error)).toBe(kind);
    expect(isRetryableAwsError(error)).toBe(kind !== 'client');
  });
});
