/** An API key anywhere in a text: `cppo_` and what follows it. */
const API_KEY = /cppo_[A-Za-z0-9_-]+/g;
/** A query parameter's value: `?name=value` or `&name=value`. */
const QUERY_VALUE = /([?&][^=&#]*=)[^&#]*/g;

/** A text with every API key replaced: what a log line may say. */
export function scrubKeys(text: string): string {
  return text.replace(API_KEY, 'cppo_[redacted]');
}

/**
 * A request URL as it may be logged: the path, and each query parameter's name without its value (a key
 * sent as `?api_key=…`, `?token=…` or under any other name is never written down).
 */
export function loggableUrl(url: string): string {
  return scrubKeys(url.replace(QUERY_VALUE, '$1[redacted]'));
}

/**
 * A log record without API keys in its strings: plain objects and arrays are walked (a few levels deep), an
 * error whose text holds a key is logged as its scrubbed name, message and stack; anything else (a socket, a
 * request) is left to the serializers, which never write keys.
 */
export function scrubRecord<T extends object>(record: T): T {
  return scrub(record, 0) as T;
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.includes('cppo_') ? scrubKeys(value) : value;
  if (depth > 6 || typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) {
    const text = `${value.message}\n${value.stack ?? ''}`;
    return text.includes('cppo_')
      ? { type: value.name, message: scrubKeys(value.message), stack: scrubKeys(value.stack ?? '') }
      : value;
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item, depth + 1)]));
}
