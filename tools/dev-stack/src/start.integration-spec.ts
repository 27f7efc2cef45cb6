import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningSockets, waitFor, waitForHttp } from '@cppo/testing';
import { SERVICES } from './services';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (dev stack)', () => {
  it('brings all four services (and the simulator) to ready, and Ctrl-C leaves no process behind', async () => {
    const offset = 20000 + Math.floor(Math.random() * 9000);
    const dataDir = mkdtempSync(join(tmpdir(), 'cppo-dev-stack-'));
    const stack = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'start.ts')], {
      cwd: join(__dirname, '../../..'),
      env: {
        ...process.env,
        DEV_STACK_PORT_OFFSET: String(offset),
        DEV_STACK_DATA_DIR: dataDir,
        MONGO_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so the test can "press Ctrl-C" on the whole group
    });
    let output = '';
    stack.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const started = Date.now();
      await Promise.all(
        SERVICES.map(({ port }) =>
          waitForHttp(`http://127.0.0.1:${port + offset}/health/ready`, 60_000, stack),
        ),
      );
      expect(Date.now() - started).toBeLessThan(60_000);
      await waitFor(() => output.includes('all services ready'), { what: 'the ready line' });
      const pids = [...output.matchAll(/\(pid (\d+)/g)].map((m) => Number(m[1]));
      // the services, FerretDB, the SQS emulator, the simulator, the console's dev server
      expect(pids).toHaveLength(SERVICES.length + 4);
      expect((await fetch(`http://127.0.0.1:${4600 + offset}/_sim/health`)).ok).toBe(true);
      // The console, and the APIs through its origin.
      const consoleUrl = `http://127.0.0.1:${4200 + offset}`;
      expect(await (await fetch(consoleUrl)).text()).toContain('<div id="root">');
      expect((await fetch(`${consoleUrl}/api/metering/health/ready`)).status).toBe(200);
      // The dev server serves the console, not the repository (#25): no file outside it, no dot-folder,
      // no way up, and no CORS answer to another local origin.
      const repo = join(__dirname, '../../..');
      for (const path of [
        `/@fs${repo}/tools/dev-stack/src/start.ts`,
        `/@fs${repo}/package.json`,
        `/@fs${repo}/.git/config`,
        `/%2e%2e/%2e%2e/package.json`,
        `/@fs${dataDir}/demo-api-key`,
      ]) {
        const response = await fetch(`${consoleUrl}${path}`);
        const body = await response.text();
        expect({ path, served: response.ok && !body.includes('<div id="root">') }).toEqual({
          path,
          served: false,
        });
      }
      const cors = await fetch(`${consoleUrl}/`, { headers: { origin: 'http://127.0.0.1:9999' } });
      expect(cors.headers.get('access-control-allow-origin')).toBeNull();
      expect(pids.every(alive)).toBe(true);
      // Loopback only: nothing of a developer's stack answers the LAN.
      const sockets = pids.flatMap((pid) => listeningSockets(pid).map((s) => ({ pid, ...s })));
      const ports = [...SERVICES.map((s) => s.port), 4566, 4600, 27018, 4200].map((port) => port + offset);
      for (const port of ports) expect(sockets.map((s) => s.port)).toContain(port);
      expect(sockets.filter((s) => s.address !== '127.0.0.1')).toEqual([]);

      // `npm run demo` against it, as a new user would run it next: the whole chain, then its table.
      const demo = spawn(
        process.execPath,
        ['-r', '@swc-node/register', join(__dirname, '../../demo/src/main.ts')],
        {
          cwd: join(__dirname, '../../..'),
          env: { ...process.env, DEV_STACK_PORT_OFFSET: String(offset), DEV_STACK_DATA_DIR: dataDir },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let shown = '';
      demo.stdout.on('data', (chunk: Buffer) => (shown += chunk.toString()));
      demo.stderr.on('data', (chunk: Buffer) => (shown += chunk.toString()));
      const demoCode = await new Promise<number | null>((resolve) => demo.once('exit', (c) => resolve(c)));
      expect({ demoCode, shown }).toMatchObject({ demoCode: 0 });
      expect(shown).toContain('org: created');
      // the org's AWS connection, checked before the story
      expect(shown).toContain('AWS connection of the demo org (GET /v1/aws/connection): OK');
      expect(shown).toMatch(/metering:BatchMeterUsage +OK/);
      expect(shown).toContain('[6/6] the buyer cancels the agreement');
      expect(shown.match(/ REPORTED +[0-9a-f-]{36}/g)).toHaveLength(4); // table rows with AWS record ids
      expect(shown).toMatch(/entitlement \(CPPO\)\s+ent_\w+\s+CANCELLED/);
      expect(shown).toContain('wholesale value of the overage: 17.50 USD');
      // the webhooks a local receiver got during the story, each verified with its endpoint's secret
      expect(shown).toMatch(/Webhooks received \(\d+\)/);
      for (const type of [
        'opportunity.published',
        'offer.released',
        'entitlement.activated',
        'entitlement.ended',
      ])
        expect(shown).toMatch(new RegExp(`${type.replace('.', '\\.')}\\s+whm_\\w+\\s+verified`));
      expect(shown).not.toContain('INVALID');
      // the deal's money from AWS's seller data feeds: the first installment (6,000) and the overage invoiced
      // as expected, the listing fee negative, the disbursement with its date and bank trace
      expect(shown).toMatch(
        /deal agmt-\w+: expected 6017\.50 USD, invoiced 6017\.50, listing fee -\d+\.\d\d, disbursed \d+\.\d\d \(last on \d{4}-\d{2}-\d{2}, trace-\w+\) — OK/,
      );

      // A key sent where keys do not go (the query string) is refused, and the log never shows it (#25).
      const key = readFileSync(join(dataDir, 'demo-api-key'), 'utf8').trim();
      const opportunities = `http://127.0.0.1:${SERVICES[0].port + offset}/v1/opportunities`;
      for (const name of ['api_key', 'token', 'access_token'])
        expect((await fetch(`${opportunities}?${name}=${encodeURIComponent(key)}`)).status).toBe(401);
      expect(
        (await fetch(`${opportunities}/${key}`, { headers: { authorization: 'Bearer x' } })).status,
      ).toBe(401);
      await waitFor(() => output.includes('access_token=[redacted]'), { what: 'the request line, redacted' });
      expect(output).not.toContain(key);
      expect(output).not.toContain(key.slice('cppo_'.length));

      const stopping = Date.now();
      process.kill(-stack.pid!, 'SIGINT');
      const code = await new Promise<number | null>((resolve) => stack.once('exit', (c) => resolve(c)));
      expect(code).toBe(0);
      // Ctrl-C is prompt: no service waits out its long poll or has to be killed.
      expect(output).not.toContain('(SIGKILL)');
      expect(Date.now() - stopping).toBeLessThan(12_000);
      await waitFor(() => pids.every((pid) => !alive(pid)), { timeoutMs: 5000, what: 'every child to exit' });
      expect(output).toContain('stopped');
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- dev stack output ---\n${output}`);
    } finally {
      if (stack.exitCode === null) process.kill(-stack.pid!, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('exits with a message saying how to start RabbitMQ when it is unreachable', async () => {
    const stack = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'start.ts')], {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    stack.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => stack.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(output).toContain('RabbitMQ is not reachable at 127.0.0.1:1');
    expect(output).toContain('tools/infra/up.sh rabbitmq');
  }, 30_000);
});
