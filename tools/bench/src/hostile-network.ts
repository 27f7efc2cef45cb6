import { connect } from 'node:net';
import { startConsoleDevServer, startServiceProcess } from '@cppo/testing';
import { percentile, type Row } from './bench';

const progress = (line: string) => process.stderr.write(`[bench hostile] ${line}\n`);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

/**
 * A key-less flood through the console's proxy (its Vite server, as `npm start` runs it, which names the
 * client in X-Forwarded-For): 32 flooding loops from 4 addresses for FLOOD_MS, and a valid client's
 * p99 through the same proxy meanwhile, next to its p99 at rest; the statuses each side got.
 */
export async function floodThroughProxy(
  env: Record<string, string>,
  apiKey: string,
): Promise<{ rows: Row[]; stop(): Promise<void> }> {
  const service = await startServiceProcess('entitlement', { ...env, TRUSTED_PROXIES: '127.0.0.1,::1' });
  await service.ready(120_000);
  const vite = await startConsoleDevServer({ entitlement: `http://127.0.0.1:${service.port}` }).catch(
    async (error: unknown) => {
      await service.stop();
      throw error;
    },
  );
  const stop = async () => {
    await vite.stop();
    await service.stop();
  };
  const origin = vite.origin;
  const url = `${origin}/api/entitlement/v1/entitlements?limit=1`;
  const call = async (headers: Record<string, string>): Promise<{ ms: number; status: number }> => {
    const started = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    return { ms: performance.now() - started, status: response.status };
  };
  const valid = { authorization: `Bearer ${apiKey}`, 'x-forwarded-for': '198.51.100.7' };
  const client = async (durationMs: number) => {
    const results: { ms: number; status: number }[] = [];
    const until = Date.now() + durationMs;
    while (Date.now() < until) results.push(await call(valid));
    return results;
  };
  for (let i = 0; i < 50; i++) await call(valid); // warm the proxy and the key cache
  const rest = await client(3000);
  progress('valid client at rest done');
  const FLOOD_MS = 8000;
  const flooded: number[] = [];
  const flood = Array.from({ length: 32 }, async (_, i) => {
    const until = Date.now() + FLOOD_MS;
    while (Date.now() < until)
      flooded.push((await call({ 'x-forwarded-for': `203.0.113.${(i % 4) + 1}` })).status);
  });
  const during = await client(FLOOD_MS);
  await Promise.all(flood);
  progress('flood done');
  const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;
  const validStatuses = during.map((r) => r.status);
  const row = (figure: string, value: number, baseline: number | undefined, unit = 'ms'): Row => ({
    suite: 'hostile',
    figure,
    value,
    unit,
    baseline,
  });
  const restP99 = percentile(sorted(rest.map((r) => r.ms)), 99);
  return {
    stop,
    rows: [
      row('valid client through the console proxy, p99 at rest (the baseline)', restP99, restP99),
      row(
        'valid client p99 during a 32-loop key-less flood',
        percentile(sorted(during.map((r) => r.ms)), 99),
        restP99,
      ),
      row('valid client answers 200 during the flood', count(validStatuses, 200), during.length, 'of all'),
      row('flood answered 401 (under its client limit)', count(flooded, 401), flooded.length, 'of all'),
      row('flood answered 429 (over its client limit)', count(flooded, 429), flooded.length, 'of all'),
    ],
  };
}

/**
 * Connections that send a body a byte every 500 ms: how long the service keeps them, next to its
 * HTTP_REQUEST_TIMEOUT_MS (the baseline), and /health/live's p99 meanwhile.
 */
export async function slowBodies(env: Record<string, string>): Promise<Row[]> {
  const timeoutMs = 5000;
  const service = await startServiceProcess('entitlement', {
    ...env,
    HTTP_REQUEST_TIMEOUT_MS: String(timeoutMs),
  });
  try {
    await service.ready(120_000);
    const held = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const socket = connect(service.port, '127.0.0.1');
        const opened = performance.now();
        socket.on('error', () => undefined);
        socket.write(
          'POST /v1/registrations HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n',
        );
        const drip = setInterval(() => socket.writable && socket.write(' '), 500);
        await new Promise((resolve) => socket.once('close', resolve));
        clearInterval(drip);
        return performance.now() - opened;
      }),
    );
    progress('slow bodies done');
    return [
      {
        suite: 'hostile',
        figure: 'HTTP_REQUEST_TIMEOUT_MS (the baseline)',
        value: timeoutMs,
        unit: 'ms',
        baseline: timeoutMs,
      },
      {
        suite: 'hostile',
        figure: '100 slow-body connections: longest held',
        value: Math.max(...held),
        unit: 'ms',
        baseline: timeoutMs,
      },
    ];
  } finally {
    await service.stop();
  }
}
