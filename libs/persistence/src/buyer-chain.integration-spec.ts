import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { BuyerChainRepository } from './repositories/buyer-chain.repository';
import { BuyerChain, BuyerChainSchema } from './schemas/buyer-chain.schema';

describe("a buyer's chain of agreements (Mongo provider)", () => {
  let db: Connection;
  let chains: BuyerChainRepository;

  beforeAll(async () => {
    const url = new URL(process.env['CPPO_TEST_MONGO_URL'] ?? 'mongodb://127.0.0.1:27017/');
    url.pathname = `/chains_${randomBytes(4).toString('hex')}`;
    db = await mongoose.createConnection(url.toString()).asPromise();
    chains = new BuyerChainRepository(db.model(BuyerChain.name, BuyerChainSchema));
  });

  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  const member = (n: number) => ({
    agreementId: `agmt-${n}`,
    type: 'CPPO',
    resellerAccountId: n % 2 ? '111122223333' : '777788889999',
    startTime: new Date(Date.UTC(2026, 0, 1 + n)),
  });

  it('each agreement that joins learns the others; twenty joining at once lose none', async () => {
    expect(await chains.join('org_1', '444455556666', 'prod-1', member(0))).toEqual([]);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => chains.join('org_1', '444455556666', 'prod-1', member(i + 1))),
    );
    // every answer names agmt-0 and never the one that asked
    answers.forEach((others, i) => {
      expect(others.map((m) => m.agreementId)).toContain('agmt-0');
      expect(others.map((m) => m.agreementId)).not.toContain(`agmt-${i + 1}`);
    });
    const all = await chains.join('org_1', '444455556666', 'prod-1', member(0)); // a repeat adds nothing
    expect(all.map((m) => m.agreementId).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `agmt-${i + 1}`).sort(),
    );
    expect(new Date(all.find((m) => m.agreementId === 'agmt-3')!.startTime!)).toEqual(member(3).startTime);
  });

  it('chains are per org, buyer and product', async () => {
    await chains.join('org_2', '444455556666', 'prod-1', member(1));
    expect(await chains.join('org_2', '444455556666', 'prod-2', member(2))).toEqual([]);
    expect(await chains.join('org_2', '555566667777', 'prod-1', member(3))).toEqual([]);
    expect((await chains.join('org_3', '444455556666', 'prod-1', member(4))).length).toBe(0);
  });
});
