import { createOrgInDatabase } from '@cppo/platform/testing';
import {
  deleteTopology,
  freePort,
  minimalOpportunity,
  mongoUrl,
  rabbitUrl,
  serviceQueues,
  startMarketplaceSim,
  startServiceProcess,
  uniqueName,
  waitFor,
  type RunningSimulator,
} from '@cppo/testing';

describe('opportunity service killed right after submitting a change set', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startMarketplaceSim({ changeSetDelayMs: 200 });
  });

  afterAll(() => sim.stop());

  it('after a restart still ends ACTIVE, with exactly one resale authorization', async () => {
    const port = await freePort();
    const env = {
      MONGO_URL: mongoUrl(),
      RABBITMQ_URL: rabbitUrl(),
      RABBITMQ_EXCHANGE: uniqueName('cppo.events.test'),
      RABBITMQ_QUEUE_PREFIX: uniqueName('crash'),
      MARKETPLACE_ENDPOINT: sim.url,
      AWS_ACCESS_KEY_ID: '123456789012',
      AWS_SECRET_ACCESS_KEY: 'test',
      CHANGE_SET_TICK_MS: '100',
      CHANGE_SET_POLL_INITIAL_MS: '200',
      LOG_LEVEL: 'error',
    };
    const org = await createOrgInDatabase(env.MONGO_URL, '123456789012');
    // The survivor restarts on the same port, as a restarted container would.
    const start = (entry: string) => startServiceProcess('opportunity', env, { port, entry });
    const url = `http://127.0.0.1:${port}`;
    // The test entry point kills the process right after AWS accepted the change set.
    const doomed = await start('testing/crash.main.ts');
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      doomed.child.once('exit', (_code, signal) => resolve(signal)),
    );
    await doomed.ready();
    const name = `Crash ${Date.now()}`;
    const created = await fetch(`${url}/v1/opportunities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(minimalOpportunity(name)),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    expect(await exited).toBe('SIGKILL');
    const changeSets = async () =>
      (await sim.scenario<{ name?: string }[]>('GET', '/_sim/change-sets')).body.filter(
        (c) => c.name === `cppo-hub ${id}`,
      );
    expect(await changeSets()).toHaveLength(1);

    const survivor = await start('main.ts');
    try {
      await survivor.ready();
      const active = await waitFor(
        async () => {
          const response = await fetch(`${url}/v1/opportunities/${id}`, {
            headers: { authorization: `Bearer ${org.apiKey}` },
          });
          const body = (await response.json()) as {
            status: string;
            marketplace: { resaleAuthorizationId?: string };
          };
          return body.status === 'ACTIVE' ? body : undefined;
        },
        { timeoutMs: 20_000, what: 'ACTIVE after the restart' },
      );
      expect(await changeSets()).toHaveLength(1);
      const authorizations = (
        await sim.scenario<{ id: string; name: string }[]>('GET', '/_sim/resale-authorizations')
      ).body.filter((ra) => ra.name === name);
      expect(authorizations.map((ra) => ra.id)).toEqual([active.marketplace.resaleAuthorizationId]);
    } finally {
      await survivor.stop();
      await deleteTopology(env.RABBITMQ_EXCHANGE, serviceQueues([env.RABBITMQ_QUEUE_PREFIX]));
    }
  }, 120_000);
});
