import { AwsError } from './aws-errors';

/** A JSON document as the simulator reads requests and writes answers. */
export type Doc = Record<string, unknown>;

/** ISO-8601 → epoch seconds, the form AWS's JSON protocols give timestamps in. */
export const epoch = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);

/** 400-class errors of the JSON services: `message` member, AWS error type. */
export const jsonError = (type: string, message: string, status = 400, extra: Doc = {}) =>
  new AwsError(type, status, message, extra);
