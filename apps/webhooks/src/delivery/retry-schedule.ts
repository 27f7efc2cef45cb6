import {
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  type ValidationArguments,
} from 'class-validator';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0`, `250ms`, `5s`, `5m`, `2h`, `5d` → milliseconds; undefined when it is none of these. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms'];
}

/** A comma-separated list of durations, e.g. the retry schedule. Throws naming the bad entry. */
export function parseSchedule(text: string, name = 'WEBHOOK_RETRY_SCHEDULE'): number[] {
  const entries = text.split(',');
  return entries.map((entry) => {
    const value = parseDuration(entry);
    if (value === undefined)
      throw new Error(`${name}: "${entry.trim()}" is not a duration (0, 500ms, 5s, 5m, 2h, 1d)`);
    return value;
  });
}

@ValidatorConstraint({ name: 'durations' })
export class RetryScheduleRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      return parseSchedule(value).length > 0;
    } catch {
      return false;
    }
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be durations, comma-separated (0, 500ms, 5s, 5m, 2h, 1d)`;
  }
}

/**
 * When the next attempt may start after `tries` failed ones: the schedule's next delay stretched by up to
 * 10 % (so retries of many messages do not arrive together), or the receiver's `Retry-After` when it gave
 * one (429, 503) and it is longer; undefined once the schedule is used up (give up).
 */
export function nextAttemptDelay(
  schedule: readonly number[],
  tries: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  if (tries >= schedule.length) return undefined;
  const planned = schedule[tries];
  const jittered = Math.round(planned * (1 + 0.1 * random()));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, 24 * 3_600_000));
}

/** `Retry-After` as seconds or an HTTP date → milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
