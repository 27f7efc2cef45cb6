import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { newId } from './ids';
import { EntitlementRepository } from './repositories/entitlement.repository';
import { Entitlement, EntitlementSchema } from './schemas/entitlement.schema';

// #25: a caller who guesses another org's id must learn nothing — not from the answer, not from its cost.
describe('ids and lookups a guessing caller learns nothing from (Mongo provider)', () => {
  let db: Connection;
  let repository: EntitlementRepository;
  /** The documents each find command answered with, in order. */
  const replies: Record<string, unknown>[][] = [];

  beforeAll(async () => {
    const url = new URL(process.env['CPPO_TEST_MONGO_URL'] ?? 'mongodb://127.0.0.1:27017/');
    url.pathname = `/visible_${randomBytes(4).toString('hex')}`;
    db = await mongoose.createConnection(url.toString(), { monitorCommands: true }).asPromise();
    db.getClient().on('commandSucceeded', (event) => {
      const batch = (event.reply as { cursor?: { firstBatch?: Record<string, unknown>[] } }).cursor
        ?.firstBatch;
      if (event.commandName === 'find' && batch) replies.push(batch);
    });
    repository = new EntitlementRepository(db.model(Entitlement.name, EntitlementSchema));
  });

  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  it("another org's record: null, and what the database answered for it is as small as for a missing one", async () => {
    const id = newId('ent');
    await db.collection('entitlements').insertOne({
      _id: id as never,
      orgId: 'org_owner',
      agreementId: 'agmt-1',
      status: 'ACTIVE',
      licenseArn: 'arn:aws:license-manager::123456789012:license:l-secret',
      grants: [{ dimensionKey: 'users', quantity: 10 }],
    });
    replies.length = 0;
    expect(await repository.findVisible('org_other', id)).toBeNull();
    const foreign = replies.flat();
    replies.length = 0;
    expect(await repository.findVisible('org_other', newId('ent'))).toBeNull();
    const absent = replies.flat();
    // one small read each: the owner's data never left the database for the other org
    expect(foreign).toEqual([{ _id: id, orgId: 'org_owner' }]);
    expect(absent).toEqual([]);
    expect(JSON.stringify(foreign)).not.toContain('l-secret');
    // the owner reads it whole
    expect(await repository.findVisible('org_owner', id)).toMatchObject({
      licenseArn: expect.stringContaining('l-secret'),
    });
  });

  it('ids made in a row share nothing but their second: 96 random bits, no process constant, no counter', () => {
    const ids = Array.from({ length: 1000 }, () => newId('ent'));
    for (const id of ids) expect(id).toMatch(/^ent_[0-9a-f]{32}$/);
    const tails = ids.map((id) => id.slice(12));
    expect(new Set(tails).size).toBe(ids.length);
    // an ObjectId's bytes 5-9 are the same in every id of a process, and its last 3 count up by one
    const middles = new Set(ids.map((id) => id.slice(12, 22)));
    expect(middles.size).toBeGreaterThan(990);
    // sortable by creation second: the time prefix never goes down
    const seconds = ids.map((id) => parseInt(id.slice(4, 12), 16));
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
  });
});
