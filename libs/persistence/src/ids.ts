import { Types } from 'mongoose';

/** New string id, `<prefix>_<24 hex>`; time-ordered (ObjectId), so `_id` doubles as a pagination cursor. */
export function newId(prefix: string): string {
  return `${prefix}_${new Types.ObjectId().toHexString()}`;
}
