import { randomBytes } from 'node:crypto';
import { createOrgInDatabase } from '@cppo/platform/testing';
import type { MessageEnvelope } from '@cppo/contracts';
import {
  deleteTopology,
  serviceQueues,
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

import { ISV, minimalOpportunity, OTHER_ISV, sendMessages, waitFor } from '@cppo/testing';
import { createSqsClient } from '@cppo/marketplace';

type ServiceName = 'opportunity' | 'offer-ingest' | 'entitlement' | 'metering' | 'webhooks' | 'finance';

/** The services as processes, the simulator and the SQS emulator: only public interfaces in between. */
export interface Stack {
  sim: RunningSimulator;
  urls: Record<ServiceName, string>;
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
  /** Creates an opportunity (minimalOpportunity) and waits until it is ACTIVE; answers it as the API shows it. */
  activeOpportunity(name: string): Promise<any>;
  /** Puts a notification body straight into the SQS queue offer-ingest reads (as AWS would deliver it). */
  notify(body: string): Promise<void>;
  /** SIGKILLs a service (no shutdown of any kind) and starts it again on the same port, ready. */
  killAndRestart(service: ServiceName, downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const QUEUE = 'marketplace-notifications';

/** `finance`: the finance service too (reading SDDS from the SQS emulator's S3), for the tests that need it. */
export async function startStack(options: { finance?: boolean } = {}): Promise<Stack> {
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
    // as npm start: the console's proxy (Vite, nginx) runs on this machine and names the real client
    TRUSTED_PROXIES: '127.0.0.1,::1',
  };
  const settings: Record<ServiceName, Record<string, string>> = {
    opportunity: { CHANGE_SET_TICK_MS: '100', CHANGE_SET_POLL_INITIAL_MS: '300' },
    'offer-ingest': {
      SQS_QUEUE_URL: queueUrl,
      SQS_ENDPOINT: sqs.endpoint,
      SQS_WAIT_TIME_SECONDS: '1',
      INGEST_CONCURRENCY: '2',
    },
    entitlement: { ENTITLEMENT_SWEEP_MS: '1000', SIGNUP_URL_HTTP_HOSTS: '127.0.0.1' },
    metering: {
      METERING_INTERVAL_MS: '200',
      METERING_SETTLE_MS: '0',
      METERING_LATE_SCAN_MS: '1000',
      METERING_RETRY_MIN_MS: '50',
      METERING_LEASE_MS: '2000', // a SIGKILLed reporter's claims are taken over soon
    },
    webhooks: {
      WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
      // as npm start: a local receiver may be the target
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost',
      WEBHOOK_RETRY_SCHEDULE: '0,200ms,200ms,200ms',
      WEBHOOK_POLL_MS: '500',
    },
    finance: { SDDS_S3_ENDPOINT: sqs.endpoint, FINANCE_IMPORT_MS: '0' },
  };
  if (!options.finance) delete (settings as Partial<typeof settings>).finance;
  const names = Object.keys(settings) as ServiceName[];
  const prefixes = Object.fromEntries(names.map((name) => [name, uniqueName(`e2e-${name}`)]));
  const start = (name: ServiceName, port = 0) =>
    startServiceProcess(name, { ...env, RABBITMQ_QUEUE_PREFIX: prefixes[name], ...settings[name] }, { port });
  const running = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await start(name)] as const)),
  ) as Record<ServiceName, ServiceProcess>;
  await Promise.all(names.map((name) => running[name].ready(90_000)));
  const urls = Object.fromEntries(
    names.map((name) => [name, `http://127.0.0.1:${running[name].port}`]),
  ) as Record<ServiceName, string>;
  const published: MessageEnvelope[] = [];
  const tap = await tapExchange(exchange, (envelope) => published.push(envelope), 'cppo.entitlement.#');
  const org = await createOrgInDatabase(database, ISV);
  const other = await createOrgInDatabase(database, OTHER_ISV);
  const stack: Stack = {
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
    async activeOpportunity(name) {
      const created = await stack.call('opportunity', '/v1/opportunities', {
        json: minimalOpportunity(name),
      });
      if (created.status !== 202) throw new Error(`opportunity not created: ${JSON.stringify(created.body)}`);
      return waitFor(
        async () => {
          const { body } = await stack.call('opportunity', `/v1/opportunities/${created.body.id}`);
          return body.status === 'ACTIVE' ? body : undefined;
        },
        { timeoutMs: 20_000, what: 'the opportunity ACTIVE' },
      );
    },
    async notify(body) {
      const client = createSqsClient({
        endpoint: sqs.endpoint,
        credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
      });
      try {
        await sendMessages(client, queueUrl, [body]);
      } finally {
        client.destroy();
      }
    },
    async killAndRestart(service, downMs = 500) {
      const { child, port } = running[service];
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
      await new Promise((resolve) => setTimeout(resolve, downMs));
      running[service] = await start(service, port);
      await running[service].ready(90_000);
    },
    async stop() {
      await tap.close();
      await Promise.all(names.map((name) => running[name].stop()));
      await sim.stop();
      await sqs.stop();
      await deleteTopology(exchange, serviceQueues(Object.values(prefixes)));
    },
  };
  return stack;
}
