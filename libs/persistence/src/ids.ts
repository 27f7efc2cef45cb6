import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * New string id, `<prefix>_<35 hex>`: the creation second (8 hex, as an ObjectId starts, so ids made before
 * this sort among them), its millisecond (3 hex) and a sequence within it (4 hex, this process's) — so ids
 * sort in creation order and `_id` doubles as a pagination cursor — then 80 random bits (20 hex), which no
 * one can guess from another id (an ObjectId's process constant and counter let one org rank another's
 * ids from its own). Use one prefix per collection, or the string order of ids stops being their time order.
 */
export function newId(prefix: string): string {
  const now = Math.max(Date.now(), lastMs); // a clock stepped back keeps the order
  sequence = now === lastMs ? (sequence + 1) & 0xffff : 0;
  lastMs = now;
  return `${prefix}_${idTime(now)}${sequence.toString(16).padStart(4, '0')}${randomBytes(10).toString('hex')}`;
}

/** An id's time part: 8 hex digits of the second, 3 of the millisecond (ids made from it sort in time order). */
export function idTime(ms: number): string {
  const seconds = Math.floor(ms / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${seconds}${(ms % 1000).toString(16).padStart(3, '0')}`;
}

/** When an id of ours (`<prefix>_<idTime>…`) was made; undefined for any other string. */
export function timeOfId(id: string): Date | undefined {
  const match = /^[a-z]+_([0-9a-f]{8})([0-9a-f]{3})/.exec(id);
  return match ? new Date(parseInt(match[1], 16) * 1000 + parseInt(match[2], 16)) : undefined;
}
