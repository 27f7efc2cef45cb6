// Reading a point in time sent to us, exactly: only what can be read without guessing is accepted.

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Why `text` is not an instant we read, for a rejection's reason. */
export const INSTANT_RULE =
  'an ISO-8601 calendar date-time with a time zone, like 2026-12-01T10:15:00Z or 2026-12-01T11:15:00+01:00';

/**
 * The epoch milliseconds of an ISO-8601 calendar date and time with a time zone (`Z` or `±hh:mm`); undefined
 * for anything else — week dates (`2026-W49-4`), ordinal dates (`2026-337`), a decimal comma, a time
 * without a zone (it would be read in the process's own zone), a leap second, or a date that does not exist
 * (`2026-02-31`, which `Date.parse` silently turns into March). Fractions beyond milliseconds are dropped.
 */
export function parseInstant(text: string): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zulu, sign, oh, om] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const offsetMinutes = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59)
    return undefined;
  if (Number(oh ?? 0) > 23 || Number(om ?? 0) > 59) return undefined;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // years below 100 stay themselves (Date.UTC maps them to 19xx)
  utc.setUTCHours(hour, minute, second, ms);
  return utc.getTime() - offsetMinutes * 60_000;
}
