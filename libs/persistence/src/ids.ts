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
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  const millis = (now % 1000).toString(16).padStart(3, '0');
  return `${prefix}_${seconds}${millis}${sequence.toString(16).padStart(4, '0')}${randomBytes(10).toString('hex')}`;
}
