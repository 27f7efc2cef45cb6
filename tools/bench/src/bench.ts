import { readFileSync } from 'node:fs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createOrgInDatabase } from '@cppo/platform/testing';
import {
  deleteTopology,
  ISV,
  rabbitUrl,
  serviceQueues,
  startMarketplaceSim,
  uniqueName,
  type RunningSimulator,
  type SqsEmulator,
} from '@cppo/testing';

/** What every suite shares: the Mongo provider's server, the SQS emulator and a client. */
export interface BenchContext {
  mongoUrl: string;
  emulator: SqsEmulator;
  sqs: SQSClient;
}

/** One figure, next to the baseline measured in the same run (the ratio is printed). */
export interface Row {
  suite: string;
  figure: string;
  value: number;
  unit: string;
  baseline?: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function printRows(rows: Row[], header: string): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`\n${header}`);
  out(
    `${'suite'.padEnd(9)}${'figure'.padEnd(58)}${'value'.padStart(12)}  ${'unit'.padEnd(6)}${'of baseline'.padStart(12)}`,
  );
  for (const row of rows) {
    const ratio = row.baseline ? `${((row.value / row.baseline) * 100).toFixed(1)}%` : '';
    out(
      `${row.suite.padEnd(9)}${row.figure.padEnd(58)}${row.value.toFixed(row.value < 1 ? 2 : row.value < 100 ? 1 : 0).padStart(12)}  ${row.unit.padEnd(6)}${ratio.padStart(12)}`,
    );
  }
}

/**
 * What a suite running services as processes needs: the simulator, a fresh database with an org (the
 * ISV's account) and its key, and the services' environment (own exchange and queues, the simulator).
 */
export async function prepareServices(ctx: BenchContext): Promise<{
  sim: RunningSimulator;
  databaseUrl: string;
  org: { orgId: string; apiKey: string };
  env: Record<string, string>;
  /** Deletes the services' queues and exchange, stops the simulator. */
  cleanup(): Promise<void>;
}> {
  const sim = await startMarketplaceSim({ conformance: false }); // measured: no model checks in the way
  const database = new URL(ctx.mongoUrl);
  database.pathname = `/${uniqueName('bench').replace(/-/g, '_')}`;
  const databaseUrl = database.toString();
  const org = await createOrgInDatabase(databaseUrl, ISV);
  const env = {
    MONGO_URL: databaseUrl,
    RABBITMQ_URL: rabbitUrl(),
    RABBITMQ_EXCHANGE: uniqueName('cppo.events.bench'),
    RABBITMQ_QUEUE_PREFIX: uniqueName('bench'),
    MARKETPLACE_ENDPOINT: sim.url,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    LOG_LEVEL: 'error',
    RATE_LIMIT_PER_KEY: '1000000000',
  };
  const cleanup = async () => {
    await deleteTopology(env.RABBITMQ_EXCHANGE, serviceQueues([env.RABBITMQ_QUEUE_PREFIX]));
    await sim.stop();
  };
  return { sim, databaseUrl, org, env, cleanup };
}

/** A service's /metrics text (Prometheus exposition format). */
export async function metricsText(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

/** A service's /metrics, read once: the total of a counter over all its labels. */
export async function readCounters(port: number): Promise<(name: string) => number> {
  const text = await metricsText(port);
  return (name) =>
    [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'gm'))].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
}

/** A service's count of Mongo commands (round trips), read from its /metrics. */
export async function mongoCommands(port: number): Promise<number> {
  return (await readCounters(port))('cppo_mongo_commands_total');
}

/** CPU time (user + system) a process has used, in µs, from /proc (clock ticks of 10 ms). */
export function processCpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ": state is field 0; utime and stime are fields 11 and 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100;
}
