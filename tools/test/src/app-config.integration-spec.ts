import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { mongoUrl } from '@cppo/testing';

const root = join(__dirname, '../../..');

function start(app: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(root, 'apps', app, 'src/main.ts')],
      {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('config: a service with a bad variable refuses to start, naming it', () => {
  const good = () => ({ MONGO_URL: mongoUrl(), SQS_QUEUE_URL: 'http://127.0.0.1:1/000000000000/q' });

  it.each(['opportunity', 'offer-ingest', 'entitlement', 'metering'])(
    '%s: PORT=abc',
    async (app) => {
      const { code, stderr } = await start(app, { ...good(), PORT: 'abc' });
      expect(code).toBe(1);
      expect(stderr).toContain(`${app}: cannot start: Invalid configuration`);
      expect(stderr).toContain('PORT must be an integer number');
    },
    30_000,
  );

  it('names a missing MONGO_URL and a malformed RABBITMQ_URL together', async () => {
    const { code, stderr } = await start('metering', { RABBITMQ_URL: 'http://nope' });
    expect(code).toBe(1);
    expect(stderr).toContain('MONGO_URL must be a mongodb:// or mongodb+srv:// URL');
    expect(stderr).toContain('RABBITMQ_URL must be an amqp:// or amqps:// URL');
  }, 30_000);

  it('offer-ingest names a missing SQS_QUEUE_URL', async () => {
    const { code, stderr } = await start('offer-ingest', { MONGO_URL: mongoUrl() });
    expect(code).toBe(1);
    expect(stderr).toContain('SQS_QUEUE_URL must be an http(s) queue URL');
  }, 30_000);

  it('does not print the password of a bad URL', async () => {
    const { stderr } = await start('entitlement', { MONGO_URL: 'postgres://admin:hunter2@db/x' });
    expect(stderr).toContain('MONGO_URL');
    expect(stderr).not.toContain('hunter2');
  }, 30_000);
});
