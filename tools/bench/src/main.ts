/**
 * `npm run bench` runs every suite into one table; `npm run bench -- <suite> [options]` one of them. Suites: `ingest` (offer-ingest throughput next to the raw SQS rate),
 * `latency` (notification → entitlement ACTIVE next to raw RabbitMQ latency) and `metering` (usage intake
 * next to a raw insertMany; reporting 10,000 entitlement-hours next to raw BatchMeterUsage calls) and `hostile`
 * (refusing hostile bodies next to a small invalid one; health latency meanwhile) and `webhooks` (signed
 * deliveries/s and bus → receiver latency next to a raw signed fetch loop) and `finance` (a year of SDDS
 * billing events imported and reconciled next to a raw csv-parse + insertMany). Each figure is printed next
 * to a baseline measured in the same run. `MONGO_URL=…` measures against another MongoDB-compatible server.
 */
import os from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { createSqsClient } from '@cppo/marketplace';
import { ensureInfrastructure, startMongoServer, startSqsEmulator } from '@cppo/testing';
import { printRows, type BenchContext, type Row } from './bench';
import { hostileSuite } from './hostile';
import { ingestSuite } from './ingest';
import { latencySuite } from './latency';
import { meteringSuite } from './metering';
import { webhooksSuite } from './webhooks';
import { financeSuite } from './finance';

const SUITES = ['ingest', 'latency', 'metering', 'hostile', 'webhooks', 'finance'];

/** A positive whole number option, or commander's one-line error. */
function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
}

interface Options {
  count?: number;
  replicas: number[];
  seconds: number;
  rate: number;
}

function parse(argv: string[]): { suites: string[]; options: Options } {
  const cli = new Command('bench')
    .description('Measure CPPO Hub next to a raw baseline in the same run; every suite, or the ones named.')
    .argument('[suites...]', `any of: ${SUITES.join(', ')} (default: all, one table)`)
    .option(
      '--count <n>',
      'work per suite: ingest 1000 notifications, metering 20000 records, webhooks 2000 deliveries, finance 1000 agreements',
      count,
    )
    .option(
      '--replicas <list>',
      'ingest: offer-ingest replica counts, comma-separated',
      (v) => v.split(',').map(count),
      [1, 3],
    )
    .option('--seconds <n>', 'latency: how long to publish', count, 60)
    .option('--rate <n>', 'latency: notifications per second', count, 100)
    .addHelpText(
      'after',
      '\nMONGO_URL=… measures against another MongoDB-compatible server. Figures: docs/benchmarks.md.',
    )
    .configureOutput({
      outputError: (text, write) => write(`${text.split('\n')[0]} (npm run bench -- --help)\n`),
    })
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .parse(argv, { from: 'user' });
  const suites = cli.args.length ? cli.args : SUITES;
  const unknown = suites.find((suite) => !SUITES.includes(suite));
  if (unknown) cli.error(`error: unknown suite '${unknown}' (one of ${SUITES.join(', ')})`, { exitCode: 2 });
  return { suites, options: cli.opts<Options>() };
}

async function main(): Promise<void> {
  const { suites: chosen, options: values } = parse(process.argv.slice(2));
  // The AWS SDK must never look for instance credentials on the network during a local benchmark.
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  await ensureInfrastructure({ rabbitUrl: process.env['RABBITMQ_URL'], mongoUrl: process.env['MONGO_URL'] });
  const mongo = await startMongoServer({ log: (line) => process.stderr.write(`${line}\n`) });
  const emulator = await startSqsEmulator();
  const sqs = createSqsClient({
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const ctx: BenchContext = { mongoUrl: mongo.url, emulator, sqs };
  const run = (suite: string): Promise<Row[]> =>
    suite === 'ingest'
      ? ingestSuite(ctx, values.count ?? 1000, values.replicas)
      : suite === 'metering'
        ? meteringSuite(ctx, values.count ?? 20_000)
        : suite === 'hostile'
          ? hostileSuite(ctx)
          : suite === 'webhooks'
            ? webhooksSuite(ctx, values.count ?? 2000)
            : suite === 'finance'
              ? financeSuite(ctx, values.count ?? 1000)
              : latencySuite(ctx, values.seconds, values.rate);
  try {
    const started = Date.now();
    const rows: Row[] = [];
    for (const [i, suite] of chosen.entries()) {
      process.stderr.write(`[${i + 1}/${chosen.length}] ${suite}…\n`);
      const suiteStarted = Date.now();
      rows.push(...(await run(suite)));
      process.stderr.write(
        `[${i + 1}/${chosen.length}] ${suite} done in ${Math.round((Date.now() - suiteStarted) / 1000)} s\n`,
      );
    }
    printRows(
      rows,
      `Mongo: ${mongo.kind}; ${os.cpus().length} cores; ${new Date().toISOString()}; ${Math.round((Date.now() - started) / 1000)} s`,
    );
  } finally {
    sqs.destroy();
    await emulator.stop();
    await mongo.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
