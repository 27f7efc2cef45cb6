import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { serverKind, setConditionMode } from './condition';
import { ensureIndexes } from './indexes';
import { SCHEMAS } from './persistence.module';
import { MeteringReport } from './schemas/metering-report.schema';
import { Entitlement } from './schemas/entitlement.schema';

// Both branches of index creation, on the jest global setup's server (FerretDB, or MongoDB with MONGO_URL):
// for MongoDB every index of the schemas; for FerretDB only the unique ones.
describe('ensureIndexes: every index on MongoDB, only the unique ones on FerretDB (Mongo provider)', () => {
  let db: Connection;

  beforeEach(async () => {
    // libs/testing depends on this library, so the database is opened here.
    const url = new URL(process.env['CPPO_TEST_MONGO_URL'] ?? 'mongodb://127.0.0.1:27017/');
    url.pathname = `/indexes_${randomBytes(4).toString('hex')}`;
    db = await mongoose.createConnection(url.toString()).asPromise();
    for (const { name, schema } of SCHEMAS) db.model(name, schema);
  });

  afterEach(async () => {
    await db.dropDatabase();
    await db.close();
  });

  const names = async (model: string) =>
    (await db.model(model).collection.indexes()).map((index) => index.name).sort();

  const models = () => Object.values(db.models);

  it('MongoDB branch: every index the schemas declare', async () => {
    await ensureIndexes(db, models(), 'mongodb');
    expect(await names(MeteringReport.name)).toEqual([
      '_id_',
      'hour_1',
      'orgId_1_entitlementId_1_hour_1',
      'orgId_1_status_1__id_-1',
      'status_1_nextAttemptAt_1',
    ]);
    expect(await names(Entitlement.name)).toEqual(
      expect.arrayContaining(['orgId_1_agreementId_1', 'sweepDue_1']),
    );
  });

  it('FerretDB branch: only unique indexes; secondary ones made earlier are dropped', async () => {
    await ensureIndexes(db, models(), 'mongodb'); // as an earlier version made them
    await ensureIndexes(db, models(), 'ferretdb');
    expect(await names(MeteringReport.name)).toEqual(['_id_']);
    expect(await names(Entitlement.name)).toEqual(['_id_', 'orgId_1_agreementId_1']);
    // The unique index still refuses a second entitlement of one agreement.
    const entitlements = db.model(Entitlement.name).collection;
    await entitlements.insertOne({ _id: 'ent_1', orgId: 'org_1', agreementId: 'agmt-1' } as never);
    await expect(
      entitlements.insertOne({ _id: 'ent_2', orgId: 'org_1', agreementId: 'agmt-1' } as never),
    ).rejects.toMatchObject({ code: 11000 });
    // Running it again changes nothing.
    await ensureIndexes(db, models(), 'ferretdb');
    expect(await names(Entitlement.name)).toEqual(['_id_', 'orgId_1_agreementId_1']);
  });

  it('FerretDB branch: replicas starting together all start (they race to drop the same indexes)', async () => {
    await ensureIndexes(db, models(), 'mongodb');
    const start = () => ensureIndexes(db, models(), 'ferretdb');
    await Promise.all([start(), start(), start()]);
    expect(await names(MeteringReport.name)).toEqual(['_id_']);
  });

  it.each(['filter', 'read-check-write'] as const)(
    'by default the server decides, whatever MONGO_CONDITIONS forces (%s)',
    async (forced) => {
      setConditionMode(db, forced);
      await ensureIndexes(db);
      const reportIndexes = await names(MeteringReport.name);
      if ((await serverKind(db)) === 'mongodb') expect(reportIndexes).toContain('status_1_nextAttemptAt_1');
      else expect(reportIndexes).toEqual(['_id_']);
    },
  );
});
