import pRetry, { AbortError } from 'p-retry';
import { createTimeout } from 'retry';

/** Exponential backoff with jitter: attempt n waits about `minMs * factor^(n-1)`, at most `maxMs`. */
export interface RetryPolicy {
  /** Retries after the first attempt (in-process retries only). */
  retries: number;
  minMs: number;
  maxMs: number;
  factor?: number;
}

/**
 * The delay before retry `attempt` (1-based) under `policy`, randomized between 1x and 2x as p-retry
 * does (the same `retry` module computes it). For schedules kept in the database, where the next try
 * happens in a later tick, not in this call.
 */
export function retryDelay(attempt: number, policy: Omit<RetryPolicy, 'retries'>): number {
  return Math.round(
    createTimeout(Math.max(0, attempt - 1), {
      minTimeout: policy.minMs,
      maxTimeout: policy.maxMs,
      factor: policy.factor ?? 2,
      randomize: true,
    }),
  );
}

/**
 * Runs `work`, retrying under `policy` while `retryable(error)` says so (p-retry); any other error ends
 * it at once. `onRetry` hears each failed attempt that will be retried.
 */
export function withRetry<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  retryable: (error: unknown) => boolean,
  onRetry?: (error: Error, attempt: number, retriesLeft: number) => void,
): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await work();
      } catch (error) {
        if (!retryable(error)) throw new AbortError(error as Error);
        throw error;
      }
    },
    {
      retries: policy.retries,
      minTimeout: policy.minMs,
      maxTimeout: policy.maxMs,
      factor: policy.factor ?? 2,
      randomize: true,
      onFailedAttempt: (error) => onRetry?.(error, error.attemptNumber, error.retriesLeft),
    },
  );
}
