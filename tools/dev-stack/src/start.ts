/**
 * `npm start`: the whole platform on this machine, one combined log, Ctrl-C stops everything.
 *   - checks RabbitMQ first (it is a system service here, not a child);
 *   - MongoDB: MONGO_URL, else a local FerretDB whose data stays in .data/mongo between runs;
 *   - the SQS emulator with the notification queue and its DLQ;
 *   - the AWS Marketplace simulator (tools/marketplace-sim), delivering notifications to that queue;
 *   - the six services, run from source, pointed at the simulator; the webhooks service's secret key is
 *     made once and kept in .data/webhook-secret.key; a local receiver (127.0.0.1, localhost) may be a target.
 * DEV_STACK_PORT_OFFSET shifts every port (to run a second stack, or the stack's own test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactAmqpUrl } from '@cppo/messaging';
import { canConnect, ensureInfrastructure, startMongoServer, type MongoServer } from '@cppo/testing';
import { startSqsEmulator, waitForHttp, type SqsEmulator, type SqsQueueSpec } from '@cppo/testing';
import { SERVICES } from './services';

const root = join(__dirname, '../../..');
const offset = Number(process.env['DEV_STACK_PORT_OFFSET'] ?? 0);
const dataDir = process.env['DEV_STACK_DATA_DIR'] ?? join(root, '.data');
const rabbitUrl = process.env['RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const NOTIFICATION_QUEUE = 'cppo-marketplace-notifications'; // see ../sqs-init.json

const COLORS = [36, 35, 32, 33, 34, 31];
const children: { name: string; child: ChildProcess }[] = [];
let mongo: MongoServer | undefined;
let sqs: SqsEmulator | undefined;
let stopping = false;

function log(name: string, line: string, color = 37): void {
  process.stdout.write(`\x1b[${color}m${name.padEnd(13)}|\x1b[0m ${line}\n`);
}

function prefixLines(name: string, color: number, stream: NodeJS.ReadableStream | null): void {
  let buffer = '';
  stream?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) log(name, line, color);
  });
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  try {
    await ensureInfrastructure({
      rabbitUrl,
      mongoUrl: process.env['MONGO_URL'],
      log: (line) => log('dev-stack', line),
    });
  } catch (error) {
    log('dev-stack', (error as Error).message, 31);
    process.exit(1);
  }
  log('dev-stack', `RabbitMQ answers at ${new URL(rabbitUrl).host}`);

  mongo = await startMongoServer({
    dataDir: join(dataDir, 'mongo'),
    port: 27018 + offset,
    log: (line) => log('mongo', line),
  });
  const mongoUrl = new URL(mongo.url);
  if (mongoUrl.pathname === '/' || mongoUrl.pathname === '') mongoUrl.pathname = '/cppo';

  // The same queues as docker-compose's emulator: the notification queue with a redrive policy to its DLQ.
  const { queues } = JSON.parse(readFileSync(join(__dirname, '../sqs-init.json'), 'utf8')) as {
    queues: SqsQueueSpec[];
  };
  sqs = await startSqsEmulator({ port: 4566 + offset, queues });
  log('sqs', `SQS emulator (pid ${sqs.pid}) at ${sqs.endpoint}, queue ${NOTIFICATION_QUEUE} (+ -dlq)`);

  const simPort = 4600 + offset;
  const simUrl = `http://127.0.0.1:${simPort}`;
  startChild('marketplace-sim', 37, join(root, 'tools/marketplace-sim/src/main.ts'), {
    ...process.env,
    SIM_PORT: String(simPort),
    SIM_SQS_ENDPOINT: sqs.endpoint,
    SIM_SQS_QUEUE_URL: sqs.queueUrl(NOTIFICATION_QUEUE),
  });
  await waitForHttp(`${simUrl}/_sim/health`, 30_000);
  log('dev-stack', `AWS Marketplace simulator at ${simUrl} (scenario API: ${simUrl}/_sim/...)`);

  const env = {
    ...process.env,
    MONGO_URL: mongoUrl.toString(),
    RABBITMQ_URL: rabbitUrl,
    LOG_PRETTY: process.env['LOG_PRETTY'] ?? 'true',
    SQS_QUEUE_URL: sqs.queueUrl(NOTIFICATION_QUEUE),
    SQS_ENDPOINT: sqs.endpoint,
    MARKETPLACE_ENDPOINT: simUrl,
    AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'] ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'local',
    // The simulator applies a change set in ~2 s (AWS: minutes): look soon, then every tick.
    CHANGE_SET_POLL_INITIAL_MS: process.env['CHANGE_SET_POLL_INITIAL_MS'] ?? '2500',
    // Usage sent late for an hour that had none is reported at the next full scan (default every 5 min).
    METERING_LATE_SCAN_MS: process.env['METERING_LATE_SCAN_MS'] ?? '15000',
    // The console's Vite proxy runs on this machine: its X-Forwarded-For names the real client.
    TRUSTED_PROXIES: process.env['TRUSTED_PROXIES'] ?? '127.0.0.1,::1',
    // A developer's local receiver and signup page may be targets (over http).
    WEBHOOK_ALLOWED_HOSTS: process.env['WEBHOOK_ALLOWED_HOSTS'] ?? '127.0.0.1,localhost',
    SIGNUP_URL_HTTP_HOSTS: process.env['SIGNUP_URL_HTTP_HOSTS'] ?? '127.0.0.1,localhost',
    WEBHOOK_SECRET_KEY: process.env['WEBHOOK_SECRET_KEY'] ?? webhookSecretKey(),
    // finance reads the seller data feeds the simulator delivers to the emulator's S3 (bucket cppo-sdds)
    SDDS_S3_ENDPOINT: process.env['SDDS_S3_ENDPOINT'] ?? sqs.endpoint,
  };
  SERVICES.forEach(({ name, port }, i) => {
    startChild(name, COLORS[i], join(root, 'apps', name, 'src/main.ts'), {
      ...env,
      PORT: String(port + offset),
    });
  });

  // The console (apps/console) from Vite's dev server, proxying /api/<service> to the services above.
  const consoleUrl = `http://127.0.0.1:${4200 + offset}`;
  startChild(
    'console',
    37,
    join(root, 'node_modules/vite/bin/vite.js'),
    { ...process.env, DEV_STACK_PORT_OFFSET: String(offset) },
    ['--config', 'apps/console/vite.config.mts', '--port', String(4200 + offset), '--clearScreen', 'false'],
  );

  await Promise.all([
    ...SERVICES.map(({ port }) => waitForHttp(`http://127.0.0.1:${port + offset}/health/ready`, 90_000)),
    waitForHttp(consoleUrl, 60_000),
  ]);
  const started = ((Date.now() - startedAt) / 1000).toFixed(0);
  const rabbitHost = new URL(rabbitUrl).hostname;
  const management = (await canConnect(rabbitHost, 15672))
    ? `management http://${rabbitHost}:15672`
    : 'management plugin off';
  log('dev-stack', `all services ready (${started} s):`);
  log('dev-stack', `  ${'console'.padEnd(14)} ${consoleUrl}   sign in with an org's API key`);
  for (const { name, port } of SERVICES)
    log('dev-stack', `  ${name.padEnd(14)} http://127.0.0.1:${port + offset}   OpenAPI /docs`);
  log('dev-stack', `  ${'simulator'.padEnd(14)} ${simUrl}   scenario API /_sim/...`);
  log('dev-stack', `  ${'SQS emulator'.padEnd(14)} ${sqs.endpoint}   queue ${NOTIFICATION_QUEUE}`);
  log('dev-stack', `  ${'MongoDB'.padEnd(14)} ${mongoUrl.toString()}`);
  log('dev-stack', `  ${'RabbitMQ'.padEnd(14)} ${redactAmqpUrl(rabbitUrl)}   ${management}`);
  log('dev-stack', 'next: npm run demo (the whole deal chain, in another terminal)');
  log(
    'dev-stack',
    '  or: npm run org:create -- --name "Acme" --aws-account 123456789012 (an org and its API key)',
  );
}

/**
 * The key that seals webhook secrets, made once and kept beside the data (a new key would make every
 * stored secret unreadable).
 */
function webhookSecretKey(): string {
  const file = join(dataDir, 'webhook-secret.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    log('dev-stack', `made the webhooks secret key (${file})`);
  }
  return readFileSync(file, 'utf8').trim();
}

function startChild(
  name: string,
  color: number,
  entry: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): void {
  // TypeScript entry points run through swc; JavaScript ones (Vite) as they are
  const runner = entry.endsWith('.ts') ? ['-r', '@swc-node/register'] : [];
  const child = spawn(process.execPath, [...runner, entry, ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  log('dev-stack', `started ${name} (pid ${child.pid})${env['PORT'] ? ` on port ${env['PORT']}` : ''}`);
  prefixLines(name, color, child.stdout);
  prefixLines(name, color, child.stderr);
  child.once('exit', (code, signal) => {
    log('dev-stack', `${name} exited (${signal ?? code})`, code === 0 || signal ? 37 : 31);
    if (!stopping) void shutdown(1);
  });
  children.push({ name, child });
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('dev-stack', 'stopping...');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 20_000); // services allow themselves 15 s
          child.once('exit', () => (clearTimeout(timer), resolve()));
          child.kill('SIGTERM');
        }),
    ),
  );
  await sqs?.stop();
  await mongo?.stop();
  log('dev-stack', 'stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((error: unknown) => {
  log('dev-stack', `failed: ${(error as Error).message}`, 31);
  void shutdown(1);
});
