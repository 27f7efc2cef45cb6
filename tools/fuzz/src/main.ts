/**
 * `npm run fuzz [-- --examples N] [--only opportunity,metering]`: the six services as processes (against
 * the simulator, the SQS emulator and the Mongo provider), each fuzzed by schemathesis from its own OpenAPI
 * document with a valid API key. A service fails on any 5xx, any response that breaks its documented
 * schema, and any schema-valid request refused (tools/fuzz/schemathesis.toml lists the operations whose
 * rules JSON Schema cannot state). schemathesis (PyPI, pinned) comes from `tools/infra/up.sh fuzzer`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createOrgInDatabase } from '@cppo/platform/testing';
import {
  ensureInfrastructure,
  ISV,
  rabbitUrl,
  startMarketplaceSim,
  startMongoServer,
  startServiceProcess,
  startSqsEmulator,
  toolsDir,
  deleteTopology,
  serviceQueues,
  uniqueName,
  type ServiceProcess,
} from '@cppo/testing';

const SERVICES = ['opportunity', 'offer-ingest', 'entitlement', 'metering', 'webhooks', 'finance'] as const;
const log = (line: string) => process.stderr.write(`[fuzz] ${line}\n`);

/** The schemathesis CLI: $SCHEMATHESIS, else the pinned one `tools/infra/up.sh fuzzer` installs. */
function schemathesis(): string {
  if (process.env['SCHEMATHESIS']) return process.env['SCHEMATHESIS'];
  const result = spawnSync('bash', [join(__dirname, '../../infra/up.sh'), 'fuzzer'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('tools/infra/up.sh fuzzer failed');
  return join(toolsDir(), 'venv', 'bin', 'schemathesis');
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // In a temporary directory: schemathesis keeps a cache (.schemathesis) where it runs.
    const child = spawn(command, args, { stdio: 'inherit', cwd: tmpdir() });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

function options(argv: string[]): { examples: number; only: string[] } {
  return new Command('fuzz')
    .description("Fuzz every service's HTTP API from its OpenAPI document (schemathesis), as processes.")
    .option(
      '--examples <n>',
      'examples per operation',
      (value) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
        return n;
      },
      25,
    )
    .option(
      '--only <services>',
      `comma-separated, of: ${SERVICES.join(', ')} (default: all)`,
      (value) => {
        const names = value.split(',');
        const unknown = names.find((name) => !(SERVICES as readonly string[]).includes(name));
        if (unknown) throw new InvalidArgumentError(`no service '${unknown}'`);
        return names;
      },
      [...SERVICES],
    )
    .configureOutput({
      outputError: (text, write) => write(`${text.split('\n')[0]} (npm run fuzz -- --help)\n`),
    })
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .parse(argv, { from: 'user' })
    .opts();
}

async function main(): Promise<number> {
  const values = options(process.argv.slice(2));
  const only = values.only;
  const cli = schemathesis();
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  await ensureInfrastructure({ rabbitUrl: process.env['RABBITMQ_URL'], mongoUrl: process.env['MONGO_URL'] });
  const mongo = await startMongoServer({ log });
  const sqs = await startSqsEmulator({ queues: [{ name: 'notifications' }] });
  const sim = await startMarketplaceSim({ changeSetDelayMs: 100, conformance: false });
  const database = new URL(mongo.url);
  database.pathname = `/${uniqueName('fuzz').replace(/-/g, '_')}`;
  const env = {
    MONGO_URL: database.toString(),
    RABBITMQ_URL: rabbitUrl(),
    RABBITMQ_EXCHANGE: uniqueName('cppo.events.fuzz'),
    MARKETPLACE_ENDPOINT: sim.url,
    AWS_ACCESS_KEY_ID: ISV,
    AWS_SECRET_ACCESS_KEY: 'fuzz',
    AWS_RETRY_MIN_MS: '10',
    AWS_MAX_RETRIES: '1',
    LOG_LEVEL: 'error',
    RATE_LIMIT_PER_KEY: '100000000',
    SQS_QUEUE_URL: sqs.queueUrl('notifications'),
    SQS_ENDPOINT: sqs.endpoint,
    WEBHOOK_SECRET_KEY: 'f'.repeat(64),
    SDDS_S3_ENDPOINT: sqs.endpoint,
  };
  const services: ServiceProcess[] = [];
  const prefixes = only.map((app) => uniqueName(`fuzz-${app}`));
  const failed: string[] = [];
  try {
    for (const [i, app] of only.entries())
      services.push(await startServiceProcess(app, { ...env, RABBITMQ_QUEUE_PREFIX: prefixes[i] }));
    await Promise.all(services.map((service) => service.ready(120_000)));
    const org = await createOrgInDatabase(database.toString(), ISV);
    for (const [i, app] of only.entries()) {
      const base = `http://127.0.0.1:${services[i].port}`;
      const documentFile = join(tmpdir(), `cppo-fuzz-${app}-openapi.json`);
      writeFileSync(documentFile, await (await fetch(`${base}/docs-json`)).text());
      log(
        `${app}: schemathesis on ${base}/docs-json (kept in ${documentFile}), ${values.examples} examples per operation`,
      );
      const code = await run(cli, [
        '--config-file',
        join(__dirname, '..', 'schemathesis.toml'),
        'run',
        `${base}/docs-json`,
        '--url',
        base,
        '--header',
        `Authorization: Bearer ${org.apiKey}`,
        '--checks',
        'not_a_server_error,response_schema_conformance,positive_data_acceptance',
        '--max-examples',
        String(values.examples),
        '--seed',
        '1',
        '--no-color',
      ]);
      if (code !== 0) failed.push(app);
    }
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    // Queues left behind pile up in RabbitMQ run after run.
    await deleteTopology(env.RABBITMQ_EXCHANGE, serviceQueues(prefixes));
    await sim.stop();
    await sqs.stop();
    await mongo.stop();
  }
  log(failed.length ? `FAILED: ${failed.join(', ')}` : `passed: ${only.join(', ')}`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fuzz failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);
