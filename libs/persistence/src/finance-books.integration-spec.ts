import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { FinanceRepository } from './repositories/finance.repository';
import {
  FinanceBook,
  FinanceBookSchema,
  FinanceDeal,
  FinanceDealSchema,
  FinanceException,
  FinanceExceptionSchema,
  FinanceFile,
  FinanceFileSchema,
  FinanceImport,
  FinanceImportSchema,
  FinanceParkedLine,
  FinanceParkedLineSchema,
  FinanceRow,
  FinanceRowSchema,
  FinanceSettings,
  FinanceSettingsSchema,
} from './schemas/finance.schema';

describe("finance: a deal's book (Mongo provider)", () => {
  let db: Connection;
  let finance: FinanceRepository;

  beforeAll(async () => {
    const url = new URL(process.env['CPPO_TEST_MONGO_URL'] ?? 'mongodb://127.0.0.1:27017/');
    url.pathname = `/books_${randomBytes(4).toString('hex')}`;
    db = await mongoose.createConnection(url.toString()).asPromise();
    const model = <T>(name: string, schema: mongoose.Schema<T>) => db.model<T>(name, schema);
    finance = new FinanceRepository(
      model(FinanceSettings.name, FinanceSettingsSchema),
      model(FinanceImport.name, FinanceImportSchema),
      model(FinanceFile.name, FinanceFileSchema),
      model(FinanceRow.name, FinanceRowSchema),
      model(FinanceBook.name, FinanceBookSchema),
      model(FinanceParkedLine.name, FinanceParkedLineSchema),
      model(FinanceDeal.name, FinanceDealSchema),
      model(FinanceException.name, FinanceExceptionSchema),
    );
  });

  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  it('books are read back by agreement, replaced whole, per org; an unknown agreement has none', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `agmt-${i}`);
    await finance.saveBooks(
      'org_1',
      ids.map((agreementId) => ({ agreementId, book: `{"id":"${agreementId}"}` })),
    );
    await finance.saveBooks('org_1', [{ agreementId: 'agmt-3', book: 'line 1\nline 2' }]);
    const read = await finance.readBooks('org_1', [...ids, 'agmt-none']);
    expect(read.size).toBe(40);
    expect(read.get('agmt-0')).toBe('{"id":"agmt-0"}');
    expect(read.get('agmt-3')).toBe('line 1\nline 2');
    expect(read.has('agmt-none')).toBe(false);
    expect((await finance.readBooks('org_2', ids)).size).toBe(0);
  });

  it("an org's books come back in batches of the size asked, every one once", async () => {
    await finance.saveBooks('org_2', [{ agreementId: 'agmt-x', book: 'x' }]);
    const batches: number[] = [];
    const seen = new Set<string>();
    for await (const batch of finance.bookAgreements('org_1', 15)) {
      batches.push(batch.length);
      for (const agreementId of batch) seen.add(agreementId);
    }
    expect(batches).toEqual([15, 15, 10]);
    expect(seen.size).toBe(40);
    expect(seen.has('agmt-x')).toBe(false);
  });
});
