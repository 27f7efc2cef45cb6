import mongoose from 'mongoose';
import {
  MarketplaceEventRecord,
  MarketplaceEventRepository,
  MarketplaceEventSchema,
  type NewMarketplaceEvent,
} from '@cppo/persistence';
import { mongoUrl, startTcpProxy, type TcpProxy } from '@cppo/testing';

/**
 * The loss an earlier batching attempt showed (inserts "done" but absent after a connection cut) came
 * from reading the driver's error: a MongoBulkWriteError raised by a network failure lists in
 * `insertedIds` every id the driver assigned — all of the batch — whether or not the server wrote them.
 * insertBatch (insertNew) trusts only per-document duplicate-key errors, and confirms those by a read;
 * anything else fails the whole batch, whose SQS messages then come back.
 */
describe('insertBatch through connection cuts (real Mongo provider, TCP proxy)', () => {
  let proxy: TcpProxy;
  let direct: mongoose.Connection;
  let viaProxy: mongoose.Connection;
  const collection = 'marketplace_events';

  beforeAll(async () => {
    const target = new URL(mongoUrl());
    proxy = await startTcpProxy(target.hostname, Number(target.port));
    const proxied = new URL(mongoUrl());
    proxied.port = String(proxy.port);
    direct = await mongoose.createConnection(mongoUrl()).asPromise();
    viaProxy = await mongoose
      .createConnection(proxied.toString(), { serverSelectionTimeoutMS: 2000 })
      .asPromise();
  });

  afterAll(async () => {
    await viaProxy.close();
    await direct.dropDatabase();
    await direct.close();
    await proxy.close();
  });

  it('never reports a batch as written unless every document of it is stored', async () => {
    const repository = new MarketplaceEventRepository(
      viaProxy.model(MarketplaceEventRecord.name, MarketplaceEventSchema),
    );
    const outcomes = { returned: 0, threw: 0 };
    let driverClaimedUnwritten = 0;
    for (let round = 0; round < 12; round++) {
      const ids = Array.from({ length: 10 }, (_, i) => `r${round}-${i}`);
      // Large enough that the cut lands while the request is on the wire or being answered.
      const records: NewMarketplaceEvent[] = ids.map((_id) => ({
        _id,
        orgId: 'org_cut',
        state: 'PROCESSED',
        raw: 'x'.repeat(20_000),
      }));
      const pending = repository.insertBatch(records);
      setTimeout(() => void proxy.block(), round % 4);
      let returned = false;
      try {
        const stored = await pending;
        returned = true;
        expect(stored).toEqual(ids.map(() => 'inserted'));
        outcomes.returned++;
      } catch (error) {
        outcomes.threw++;
        const e = error as { insertedIds?: Record<string, unknown> };
        const stored = await direct.collection(collection).countDocuments({ _id: { $in: ids } } as never);
        if (Object.keys(e.insertedIds ?? {}).length === ids.length && stored < ids.length)
          driverClaimedUnwritten++;
      }
      await proxy.unblock();
      const stored = await direct.collection(collection).countDocuments({ _id: { $in: ids } } as never);
      if (returned) expect(stored).toBe(ids.length);
    }
    // The cut really interrupted some batches, and the driver's error named unwritten ids as inserted.
    expect(outcomes.threw).toBeGreaterThan(0);
    expect(driverClaimedUnwritten).toBeGreaterThan(0);
  }, 60_000);
});
