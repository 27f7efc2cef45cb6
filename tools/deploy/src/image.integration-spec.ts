import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deleteTopology,
  freePort,
  mongoUrl,
  rabbitUrl,
  serviceQueues,
  startProcess,
  startSqsEmulator,
  uniqueName,
  waitForHttp,
  type SqsEmulator,
} from '@cppo/testing';
import { ROOT, run } from './testing/tools';

/**
 * What the Dockerfile puts in a service's image, assembled the same way without Docker: the build output
 * (tools/build/build-app.js) and its own package.json's dependencies installed from the root lockfile
 * (`npm install --omit=dev --ignore-scripts`, here `--offline`, from the cache `npm ci` filled). Each must
 * boot from that directory alone to ready, serve its OpenAPI UI, and carry no other service's packages.
 */
describe('service images, assembled as the Dockerfile does (no Docker engine needed)', () => {
  let sqs: SqsEmulator;
  const exchange = uniqueName('cppo.events.image');
  const prefixes: string[] = [];

  beforeAll(async () => {
    sqs = await startSqsEmulator({ queues: [{ name: 'notifications' }] });
  });

  afterAll(async () => {
    await sqs?.stop();
    await deleteTopology(exchange, serviceQueues(prefixes));
  });

  it.each(['opportunity', 'offer-ingest', 'entitlement', 'metering', 'webhooks', 'finance'])(
    '%s: installs only its own dependencies from the lockfile, boots to ready and serves /docs',
    async (app) => {
      const built = run(process.execPath, [join(ROOT, 'tools/build/build-app.js'), app]);
      expect(built.status).toBe(0);
      const image = mkdtempSync(join(tmpdir(), `cppo-image-${app}-`));
      try {
        const output = join(ROOT, 'dist/apps', app);
        cpSync(join(output, 'package.json'), join(image, 'package.json'));
        cpSync(join(ROOT, 'package-lock.json'), join(image, 'package-lock.json'));
        const install = run('npm', [
          'install',
          '--prefix',
          image,
          '--omit=dev',
          '--ignore-scripts',
          '--offline',
          '--no-audit',
          '--no-fund',
        ]);
        expect({ status: install.status, stderr: install.stderr }).toMatchObject({ status: 0 });
        cpSync(output, image, { recursive: true });

        // The lockfile's versions; the SQS consumer only where it is used; no development package.
        const version = (dir: string, name: string) =>
          JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
        expect(version(image, 'mongoose')).toBe(version(ROOT, 'mongoose'));
        const has = (name: string) => existsSync(join(image, 'node_modules', name));
        expect({ sqsConsumer: has('sqs-consumer') }).toEqual({ sqsConsumer: app === 'offer-ingest' });
        expect(['jest', 'nx', 'typescript', '@swc/core', 'fauxqs'].filter(has)).toEqual([]);

        const port = await freePort();
        const prefix = uniqueName(`image-${app}`);
        prefixes.push(prefix);
        const service = startProcess(process.execPath, ['--enable-source-maps', 'main.js'], {
          cwd: image,
          env: {
            PATH: process.env['PATH'],
            NODE_ENV: 'production',
            HOST: '127.0.0.1',
            PORT: String(port),
            MONGO_URL: mongoUrl(),
            RABBITMQ_URL: rabbitUrl(),
            RABBITMQ_EXCHANGE: exchange,
            RABBITMQ_QUEUE_PREFIX: prefix,
            AWS_ACCESS_KEY_ID: 'image',
            AWS_SECRET_ACCESS_KEY: 'image',
            SQS_QUEUE_URL: sqs.queueUrl('notifications'),
            SQS_ENDPOINT: sqs.endpoint,
            WEBHOOK_SECRET_KEY: 'a'.repeat(64),
          },
        });
        let log = '';
        service.child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
        service.child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
        try {
          await waitForHttp(`http://127.0.0.1:${port}/health/ready`, 30_000, service.child).catch(
            (error: Error) => {
              throw new Error(`${error.message}\n${log}`);
            },
          );
          expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);
        } finally {
          await service.stop();
        }
        expect(log).not.toMatch(/package is missing|Cannot find module/);
      } finally {
        rmSync(image, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
