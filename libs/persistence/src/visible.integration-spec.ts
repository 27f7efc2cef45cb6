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

  it('ids made in a row: in creation order, with 80 random bits — no process constant, no guessable step', () => {
    const ids = Array.from({ length: 1000 }, () => newId('ent'));
    for (const id of ids) expect(id).toMatch(/^ent_[0-9a-f]{35}$/);
    // sorted as made (the pagination cursor's order), though many share their millisecond
    expect([...ids].sort()).toEqual(ids);
    // the random tails never repeat, and no two share more than chance would give them
    const tails = ids.map((id) => id.slice(-20));
    expect(new Set(tails).size).toBe(ids.length);
    // an ObjectId's bytes 5-9 are the same in every id of a process: here that stretch is random
    expect(new Set(ids.map((id) => id.slice(-20, -10))).size).toBeGreaterThan(990);
  });
});
