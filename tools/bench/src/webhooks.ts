import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'amqplib';
import { Webhook } from 'standardwebhooks';
import { RoutingKeys } from '@cppo/contracts';
import { startServiceProcess } from '@cppo/testing';
import { mongoCommands, percentile, prepareServices, type BenchContext, type Row } from './bench';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A receiver that answers 204 at once and notes when each delivery (by its entity id) arrived. */
async function startCountingReceiver(): Promise<{
  url: string;
  arrived: Map<string, number>;
  close(): Promise<void>;
}> {
  const arrived = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const at = performance.now();
      try {
        const id = (JSON.parse(Buffer.concat(chunks).toString()) as { data: { entitlementId?: string } }).data
          .entitlementId;
        if (id && !arrived.has(id)) arrived.set(id, at);
      } catch {
        // not ours
      }
      response.statusCode = 204;
      response.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const body = (id: string) =>
  JSON.stringify({
    type: 'entitlement.activated',
    timestamp: new Date().toISOString(),
    data: { entitlementId: id, agreementId: `agmt-${id}`, type: 'CPPO', status: 'ACTIVE', version: 1 },
  });

/**
 * `npm run bench -- webhooks`: the webhooks service as a process, a bus event per delivery, a local receiver.
 *   - throughput: `count` events published at once → deliveries/s until the last arrives, next to a raw
 *     loop in this process that signs (standardwebhooks) and POSTs the same bodies with the same concurrency
 *     (8 in flight: the service's per-endpoint default) — the cost of storing, leasing and recording;
 *   - latency at 20 events/s: bus publish → the receiver, p50/p99, next to the raw signed POST's.
 * Mongo round trips per delivery from the service's own counter.
 */
export async function webhooksSuite(ctx: BenchContext, count: number): Promise<Row[]> {
  const rows: Row[] = [];
  const receiver = await startCountingReceiver();
  const { env, org, cleanup } = await prepareServices(ctx);
  const service = await startServiceProcess('webhooks', {
    ...env,
    WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  });
  const connection = await connect(env.RABBITMQ_URL);
  try {
    await service.ready(90_000);
    const base = `http://127.0.0.1:${service.port}`;
    const created = await fetch(`${base}/v1/webhooks/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/bench` }),
    });
    if (created.status !== 201) throw new Error(`endpoint not created: ${await created.text()}`);
    const { secret } = (await created.json()) as { secret: string };
    const channel = await connection.createConfirmChannel();
    const publish = (id: string) =>
      channel.publish(
        env.RABBITMQ_EXCHANGE,
        RoutingKeys.EntitlementActivated,
        Buffer.from(
          JSON.stringify({
            messageId: randomUUID(),
            occurredAt: new Date().toISOString(),
            orgId: org.orgId,
            type: RoutingKeys.EntitlementActivated,
            payload: {
              entitlementId: id,
              agreementId: `agmt-${id}`,
              type: 'CPPO',
              status: 'ACTIVE',
              version: 1,
            },
          }),
        ),
        { persistent: true, contentType: 'application/json' },
      );
    const waitFor = async (ids: string[], timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (ids.some((id) => !receiver.arrived.has(id))) {
        if (Date.now() > deadline) throw new Error(`deliveries missing after ${timeoutMs} ms`);
        await sleep(5);
      }
    };

    // warm-up: connections, JIT, the endpoint cache
    const warm = Array.from({ length: 50 }, (_, i) => `warm-${i}`);
    for (const id of warm) publish(id);
    await channel.waitForConfirms();
    await waitFor(warm, 30_000);

    // raw: sign and POST the same bodies, 8 in flight
    const rawIds = Array.from({ length: count }, (_, i) => `raw-${i}`);
    const webhook = new Webhook(secret);
    const post = async (id: string) => {
      const payload = body(id);
      const now = new Date();
      const response = await fetch(`${receiver.url}/raw`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': Math.floor(now.getTime() / 1000).toString(),
          'webhook-signature': webhook.sign(id, now, payload),
        },
        body: payload,
      });
      await response.arrayBuffer();
    };
    let next = 0;
    const rawStarted = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < rawIds.length) await post(rawIds[next++]);
      }),
    );
    const rawRate = count / ((performance.now() - rawStarted) / 1000);

    // the service: all events published at once, until the last delivery
    const ids = Array.from({ length: count }, (_, i) => `thr-${i}`);
    const commandsBefore = await mongoCommands(service.port);
    const started = performance.now();
    for (const id of ids) publish(id);
    await channel.waitForConfirms();
    await waitFor(ids, 300_000);
    const rate =
      count / ((Math.max(...ids.map((id) => receiver.arrived.get(id) as number)) - started) / 1000);
    const commands = (await mongoCommands(service.port)) - commandsBefore;
    rows.push(
      {
        suite: 'webhooks',
        figure: `signed deliveries/s, bus → receiver (${count})`,
        value: rate,
        unit: '/s',
        baseline: rawRate,
      },
      {
        suite: 'webhooks',
        figure: '  baseline: raw signed fetch loop, 8 in flight',
        value: rawRate,
        unit: '/s',
      },
      {
        suite: 'webhooks',
        figure: '  Mongo round trips per delivery',
        value: commands / count,
        unit: 'calls',
      },
    );

    // latency at 20 events/s for 10 s, next to one raw signed POST at the same pace
    const latencies: number[] = [];
    const rawLatencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const id = `lat-${i}`;
      const sent = performance.now();
      publish(id);
      const rawSent = performance.now();
      await post(`lat-raw-${i}`);
      rawLatencies.push(performance.now() - rawSent);
      await sleep(Math.max(0, sent + 50 - performance.now()));
      void waitFor([id], 30_000).then(() => latencies.push((receiver.arrived.get(id) as number) - sent));
    }
    await waitFor(
      Array.from({ length: 200 }, (_, i) => `lat-${i}`),
      30_000,
    );
    await sleep(20);
    latencies.sort((a, b) => a - b);
    rawLatencies.sort((a, b) => a - b);
    for (const p of [50, 99])
      rows.push({
        suite: 'webhooks',
        figure: `latency bus → receiver p${p}, 20/s (goal p99 ≤ 250 ms)`,
        value: percentile(latencies, p),
        unit: 'ms',
        baseline: percentile(rawLatencies, p),
      });
    rows.push({
      suite: 'webhooks',
      figure: '  baseline: raw signed POST p99, 20/s',
      value: percentile(rawLatencies, 99),
      unit: 'ms',
    });
    await channel.close();
    return rows;
  } finally {
    await connection.close();
    await service.stop();
    await receiver.close();
    await cleanup();
  }
}
