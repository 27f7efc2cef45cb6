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
import { parseArgs } from 'node:util';
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
const USAGE =
  'usage: npm run bench                      (every suite, one table)\n       npm run bench -- ingest [--count N] [--replicas 1,3]\n       npm run bench -- latency [--seconds 60] [--rate 100]\n       npm run bench -- metering [--count 20000]\n       npm run bench -- hostile\n       npm run bench -- webhooks [--count 2000]\n       npm run bench -- finance [--count 1000]\n';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      count: { type: 'string' },
      replicas: { type: 'string', default: '1,3' },
      seconds: { type: 'string', default: '60' },
      rate: { type: 'string', default: '100' },
    },
  });
  const chosen = positionals.length ? positionals : SUITES;
  if (chosen.some((suite) => !SUITES.includes(suite))) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
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
      ? ingestSuite(ctx, Number(values.count ?? 1000), values.replicas.split(',').map(Number))
      : suite === 'metering'
        ? meteringSuite(ctx, Number(values.count ?? 20_000))
        : suite === 'hostile'
          ? hostileSuite(ctx)
          : suite === 'webhooks'
            ? webhooksSuite(ctx, Number(values.count ?? 2000))
            : suite === 'finance'
              ? financeSuite(ctx, Number(values.count ?? 1000))
              : latencySuite(ctx, Number(values.seconds), Number(values.rate));
  try {
    const started = Date.now();
    const rows: Row[] = [];
    for (const suite of chosen) rows.push(...(await run(suite)));
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
