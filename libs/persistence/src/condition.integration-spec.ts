import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { when, type Condition } from './condition';

// Every condition shape the repositories use, in both of its forms: the Mongo filter (what a MongoDB
// server evaluates atomically) and the in-memory test (what the FerretDB path evaluates). For each, the
// documents the server finds with the filter must be exactly those the test accepts.
describe('conditions: the filter and the in-memory test agree (Mongo provider)', () => {
  let db: Connection;
  const now = new Date('2026-11-26T12:00:00Z');
  const docs = [
    { _id: 'a', status: 'PENDING', marketplace: {}, sourceEventIds: ['e1', 'e2'] },
    { _id: 'b', status: 'ACTIVE', marketplace: { changeSetId: 'cs-1', restrict: { status: 'FAILED' } } },
    { _id: 'c', status: 'ACTIVE', marketplace: { changeSetId: null, resaleAuthorizationId: 'ra-1' } },
    { _id: 'd', status: 'FAILED', outboxPending: true, outboxLeaseUntil: new Date(now.getTime() - 1) },
    { _id: 'e', status: 'ACTIVE', outboxPending: true, outboxLeaseUntil: new Date(now.getTime() + 1) },
    { _id: 'f', status: 'ACTIVE', outboxPending: true, sourceEventIds: [] },
  ];

  beforeAll(async () => {
    // libs/testing depends on this library, so the database is opened here (the jest global setup's server).
    const url = new URL(process.env['CPPO_TEST_MONGO_URL'] ?? 'mongodb://127.0.0.1:27017/');
    url.pathname = `/conditions_${randomBytes(4).toString('hex')}`;
    db = await mongoose.createConnection(url.toString()).asPromise();
    await db.collection('conditions').insertMany(docs as never[]);
  });

  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  const cases: [string, Condition][] = [
    ['equals', when.equals('status', 'ACTIVE')],
    ['equals on a nested path', when.equals('marketplace.restrict.status', 'FAILED')],
    ['oneOf', when.oneOf('status', ['PENDING', 'FAILED'])],
    ['present', when.present('marketplace.resaleAuthorizationId')],
    ['absent (missing or null)', when.absent('marketplace.changeSetId')],
    ['lacks an array element (or no array)', when.lacks('sourceEventIds', 'e2')],
    ['unset or before a date', when.unsetOrBefore('outboxLeaseUntil', now)],
    [
      'all + any (the relay claim, the restrict request)',
      when.all(
        when.equals('status', 'ACTIVE'),
        when.any(when.absent('marketplace.restrict'), when.equals('marketplace.restrict.status', 'FAILED')),
      ),
    ],
    ['always', when.always()],
  ];

  it.each(cases)('%s', async (_name, condition) => {
    const found = await db.collection('conditions').find(condition.filter).sort({ _id: 1 }).toArray();
    const tested = docs.filter((doc) => condition.test(doc)).map((doc) => doc._id);
    expect(found.map((doc) => doc._id)).toEqual(tested);
    // Every case separates the documents (or accepts all, for `always`): the comparison proves something.
    if (condition !== cases[cases.length - 1][1]) {
      expect(tested.length).toBeGreaterThan(0);
      expect(tested.length).toBeLessThan(docs.length);
    }
  });
});
