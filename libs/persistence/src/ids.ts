import { randomBytes } from 'node:crypto';

/**
 * New string id, `<prefix>_<8 hex: seconds since 1970><24 hex: 96 random bits>`: sortable by creation
 * second, so `_id` doubles as a pagination cursor, and unguessable (an ObjectId's process constant and
 * counter let one org rank another org's ids from its own). Use one prefix per collection, or the string
 * order of ids stops being their time order. Ids made before this (24 hex) still sort among them by time.
 */
export function newId(prefix: string): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${prefix}_${seconds}${randomBytes(12).toString('hex')}`;
}
