/** An error the simulator answers the way AWS would: error type, HTTP status, message. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Catalog (restJson1) errors carry `Message`; the JSON 1.0/1.1 services carry `message`. */
export const catalogError = {
  validation: (message: string) => new AwsError('ValidationException', 422, message),
  notFound: (message: string) => new AwsError('ResourceNotFoundException', 404, message),
  accessDenied: (message: string) => new AwsError('AccessDeniedException', 403, message),
  inUse: (message: string) => new AwsError('ResourceInUseException', 423, message),
  throttling: (message = 'Rate exceeded') => new AwsError('ThrottlingException', 429, message),
  internal: (message = 'An internal error occurred') =>
    new AwsError('InternalServiceException', 500, message),
  quota: (message: string) => new AwsError('ServiceQuotaExceededException', 402, message),
};
