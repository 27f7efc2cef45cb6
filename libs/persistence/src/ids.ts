import { Types } from 'mongoose';

/**
 * New string id, `<prefix>_<24 hex>`; time-ordered (ObjectId), so `_id` doubles as a pagination cursor.
 * Use one prefix per collection, or the string order of ids stops being their time order.
 */
export function newId(prefix: string): string {
  return `${prefix}_${new Types.ObjectId().toHexString()}`;
}
