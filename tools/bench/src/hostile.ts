import { startServiceProcess } from '@cppo/testing';
import { percentile, prepareServices, type BenchContext, type Row } from './bench';
import { floodThroughProxy, slowBodies } from './hostile-network';

const ROUNDS = 20;
const progress = (line: string) => process.stderr.write(`[bench hostile] ${line}\n`);

const manyKeys = (count: number) =>
  `{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')},"name":"x"}`;
const deep = (levels: number) => `{"name":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;

/**
 * `hostile`: how long the opportunity service (its own process) takes to refuse hostile bodies — 200,000
 * keys (2.9 MB), 20,000 keys in one object (280 KB), 10,000 levels of nesting — next to a small invalid
 * body; and /health/live's latency while they arrive, next to its latency at rest. Then the network side
 * (hostile-network.ts): a key-less flood through the console's proxy with a valid client's p99 beside it,
 * and slow-body connections next to the request timeout.
 */
export async function hostileSuite(ctx: BenchContext): Promise<Row[]> {
  const { org, env, cleanup } = await prepareServices(ctx);
  const service = await startServiceProcess('opportunity', env);
  const base = `http://127.0.0.1:${service.port}`;
  const timed = async (send: () => Promise<Response>, expected: number): Promise<number> => {
    const started = performance.now();
    const response = await send();
    await response.arrayBuffer();
    if (response.status !== expected) throw new Error(`expected ${expected}, got ${response.status}`);
    return performance.now() - started;
  };
  const post = (body: string) => () =>
    fetch(`${base}/v1/opportunities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' },
      body,
    });
  const health = () => fetch(`${base}/health/live`);
  /** Median time of `rounds` sends, and the p99 health latency measured meanwhile. */
  const measure = async (body: string, expected: number) => {
    const times: number[] = [];
    const healthTimes: number[] = [];
    let done = false;
    const poll = (async () => {
      while (!done) healthTimes.push(await timed(health, 200));
    })();
    for (let i = 0; i < ROUNDS; i++) times.push(await timed(post(body), expected));
    done = true;
    await poll;
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    return { median: percentile(sorted(times), 50), healthP99: percentile(sorted(healthTimes), 99) };
  };
  try {
    await service.ready(120_000);
    const rest: number[] = [];
    for (let i = 0; i < 200; i++) rest.push(await timed(health, 200));
    const healthAtRest = percentile(
      rest.sort((a, b) => a - b),
      99,
    );
    const small = await measure('{"name":1}', 400);
    progress('baseline done');
    const huge = await measure(manyKeys(200_000), 413);
    const wide = await measure(manyKeys(20_000), 400);
    const nested = await measure(deep(10_000), 400);
    progress('hostile bodies done');
    const row = (figure: string, value: number, baseline: number): Row => ({
      suite: 'hostile',
      figure,
      value,
      unit: 'ms',
      baseline,
    });
    await service.stop();
    const flood = await floodThroughProxy(env, org.apiKey);
    const network = [...flood.rows];
    await flood.stop();
    network.push(...(await slowBodies(env)));
    return [
      ...network,
      row('small invalid body → 400 (median; the baseline)', small.median, small.median),
      row('200,000 keys, 2.9 MB → 413 (median)', huge.median, small.median),
      row('20,000 keys in one object, 280 KB → 400 (median)', wide.median, small.median),
      row('10,000 levels deep → 400 (median)', nested.median, small.median),
      row('/health/live p99 at rest (the baseline)', healthAtRest, healthAtRest),
      row('/health/live p99 during 200,000-key bodies', huge.healthP99, healthAtRest),
      row('/health/live p99 during 20,000-key bodies', wide.healthP99, healthAtRest),
      row('/health/live p99 during 10,000-deep bodies', nested.healthP99, healthAtRest),
    ];
  } finally {
    await service.stop();
    await cleanup();
  }
}
