import type { Connection } from 'mongoose';
import { MongoWatchdog } from './mongo-watchdog';

// The driver client is stubbed: what matters is when the watchdog reopens it, and when it must not.
describe('MongoWatchdog', () => {
  function fakeClient() {
    const client = {
      healthy: false,
      closed: 0,
      connected: 0,
      db: () => ({
        command: async () => {
          if (!client.healthy) throw new Error('Server selection timed out');
          return { ok: 1 };
        },
      }),
      close: async () => void client.closed++,
      connect: async () => {
        client.connected++;
        client.healthy = true;
      },
    };
    return client;
  }

  function watchdog(client: ReturnType<typeof fakeClient>, serverReachable: () => boolean) {
    const connection = { getClient: () => client } as unknown as Connection;
    return new MongoWatchdog(connection, 'mongodb://db/x', { intervalMs: 10, stuckAfterMs: 50 }, async () =>
      serverReachable(),
    );
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('reopens a client that keeps failing while a new client reaches the server', async () => {
    const client = fakeClient();
    const dog = watchdog(client, () => true);

    await dog.check(); // first failure: too early to judge
    expect(client.closed).toBe(0);
    await sleep(60);
    await dog.check();

    expect([client.closed, client.connected, dog.reopened]).toEqual([1, 1, 1]);
    await sleep(60);
    await dog.check(); // healthy again: nothing more
    expect(dog.reopened).toBe(1);
  });

  it('leaves the client alone during a real outage (a new client fails too)', async () => {
    const client = fakeClient();
    const dog = watchdog(client, () => false);

    await dog.check();
    await sleep(60);
    await dog.check();

    expect([client.closed, dog.reopened]).toEqual([0, 0]);
  });

  it('leaves a healthy client alone', async () => {
    const client = fakeClient();
    client.healthy = true;
    const dog = watchdog(client, () => true);

    await dog.check();
    await sleep(60);
    await dog.check();

    expect(client.closed).toBe(0);
  });
});
