import { createOrgInDatabase } from '@cppo/platform/testing';
import type { MessageEnvelope } from '@cppo/contracts';
import {
  deleteTopology,
  tapExchange,
  mongoUrl,
  rabbitUrl,
  startMarketplaceSim,
  startServiceProcess,
  startSqsEmulator,
  uniqueName,
  type RunningSimulator,
  type ServiceProcess,
  type SqsEmulator,
} from '@cppo/testing';

import { ISV, OTHER_ISV } from '@cppo/testing';

/** The services as processes, the simulator and the SQS emulator: only public interfaces in between. */
export interface Stack {
  sim: RunningSimulator;
  urls: Record<'opportunity' | 'offer-ingest' | 'entitlement', string>;
  /** An org (with the ISV's account) and its API key; `other` is a second org. */
  org: { orgId: string; apiKey: string };
  other: { orgId: string; apiKey: string };
  /** Every `cppo.entitlement.*` event published so far. */
  published: MessageEnvelope[];
  /** `fetch` of a service's API with an org's key, JSON in and out. */
  call<T = any>(
    service: keyof Stack['urls'],
    path: string,
    init?: { method?: string; json?: unknown; apiKey?: string },
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

const QUEUE = 'marketplace-notifications';

export async function startStack(): Promise<Stack> {
  const sqs: SqsEmulator = await startSqsEmulator({
    queues: [{ name: QUEUE, attributes: { VisibilityTimeout: '30' } }],
  });
  const queueUrl = sqs.queueUrl(QUEUE);
  const sim = await startMarketplaceSim({
    sqsEndpoint: sqs.endpoint,
    sqsQueueUrl: queueUrl,
    changeSetDelayMs: 100,
  });
  const database = mongoUrl();
  const exchange = uniqueName('cppo.events.e2e');
  const env = {
    MONGO_URL: database,
    RABBITMQ_URL: rabbitUrl(),
    RABBITMQ_EXCHANGE: exchange,
    MARKETPLACE_ENDPOINT: sim.url,
    // The simulator takes the access key as the caller's account: the services act as the ISV.
    AWS_ACCESS_KEY_ID: ISV,
    AWS_SECRET_ACCESS_KEY: 'e2e',
    AWS_RETRY_MIN_MS: '20',
    LOG_LEVEL: 'error',
    OUTBOX_POLL_MS: '200',
  };
  const prefixes: string[] = [];
  const start = (app: string, extra: Record<string, string> = {}) => {
    const prefix = uniqueName(`e2e-${app}`);
    prefixes.push(prefix);
    return startServiceProcess(app, { ...env, RABBITMQ_QUEUE_PREFIX: prefix, ...extra });
  };
  const services: ServiceProcess[] = await Promise.all([
    start('opportunity', { CHANGE_SET_TICK_MS: '100', CHANGE_SET_POLL_INITIAL_MS: '300' }),
    start('offer-ingest', {
      SQS_QUEUE_URL: queueUrl,
      SQS_ENDPOINT: sqs.endpoint,
      SQS_WAIT_TIME_SECONDS: '1',
      INGEST_CONCURRENCY: '2',
    }),
    start('entitlement', { ENTITLEMENT_SWEEP_MS: '1000' }),
  ]);
  await Promise.all(services.map((service) => service.ready(90_000)));
  const [opportunity, ingest, entitlement] = services;
  const urls = {
    opportunity: `http://127.0.0.1:${opportunity.port}`,
    'offer-ingest': `http://127.0.0.1:${ingest.port}`,
    entitlement: `http://127.0.0.1:${entitlement.port}`,
  };
  const published: MessageEnvelope[] = [];
  const tap = await tapExchange(exchange, (envelope) => published.push(envelope), 'cppo.entitlement.#');
  const org = await createOrgInDatabase(database, ISV);
  const other = await createOrgInDatabase(database, OTHER_ISV);
  return {
    sim,
    urls,
    org,
    other,
    published,
    async call(service, path, init = {}) {
      const response = await fetch(`${urls[service]}${path}`, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: {
          authorization: `Bearer ${init.apiKey ?? org.apiKey}`,
          ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      await tap.close();
      await Promise.all(services.map((service) => service.stop()));
      await sim.stop();
      await sqs.stop();
      await deleteTopology(
        exchange,
        prefixes.flatMap((p) => [`${p}.events`, `${p}.events.retry`, `${p}.events.dlq`]),
      );
    },
  };
}
