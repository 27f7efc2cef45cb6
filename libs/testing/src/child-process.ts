import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './mongo-server';

/** A child process that the parent stops (SIGTERM, then SIGKILL after `graceMs`). */
export interface ManagedProcess {
  child: ChildProcess;
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  return {
    child,
    stop: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => (clearTimeout(timer), resolve()));
        child.kill('SIGTERM');
      }),
  };
}

/** Polls an HTTP URL until it answers 2xx. */
export async function waitForHttp(url: string, timeoutMs = 30_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs a TypeScript entry point of this repository (`entry`, relative to its root; compiled on the fly by
 * swc) as its own process, from the repository root, with `env` added to this process's environment.
 */
export function startTypeScript(entry: string, env: Record<string, string>): ManagedProcess {
  const root = join(__dirname, '../../..');
  // CPPO_CPU_PROFILE_DIR=<dir>: each process writes a V8 CPU profile there when it exits (bench analysis).
  const profileDir = process.env['CPPO_CPU_PROFILE_DIR'];
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return startProcess(process.execPath, [...profile, '-r', '@swc-node/register', join(root, entry)], {
    cwd: root,
    env: { ...process.env, ...env },
  });
}

/** A service started from its TypeScript entry point as its own process. */
export interface ServiceProcess extends ManagedProcess {
  port: number;
  /** Resolves once `GET /health/ready` answers 200. */
  ready(timeoutMs?: number): Promise<void>;
}

/**
 * Starts `apps/<app>/src/<entry>` (default `main.ts`; compiled on the fly by swc) on `port` (default: a
 * free one; give the same port to restart a service where it was) with `env` added to this process's
 * environment. Its output is discarded unless `CPPO_TEST_SERVICE_LOGS` is set.
 */
export async function startServiceProcess(
  app: string,
  env: Record<string, string>,
  { port = 0, entry = 'main.ts' } = {},
): Promise<ServiceProcess> {
  port ||= await freePort();
  const managed = startTypeScript(`apps/${app}/src/${entry}`, { ...env, PORT: String(port) });
  for (const stream of [managed.child.stdout, managed.child.stderr]) {
    if (process.env['CPPO_TEST_SERVICE_LOGS']) stream?.pipe(process.stderr);
    else stream?.resume();
  }
  return {
    ...managed,
    port,
    ready: (timeoutMs = 60_000) =>
      waitForHttp(`http://127.0.0.1:${port}/health/ready`, timeoutMs, managed.child),
  };
}

/** The console's dev server (its Vite configuration, as `npm start` runs it) proxying to these services. */
export async function startConsoleDevServer(
  apis: Partial<
    Record<'opportunity' | 'offer-ingest' | 'entitlement' | 'metering' | 'webhooks' | 'finance', string>
  >,
): Promise<ManagedProcess & { origin: string }> {
  const root = join(__dirname, '../../..');
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [service, url] of Object.entries(apis))
    if (url) env[`CONSOLE_API_${service.replace('-', '_').toUpperCase()}`] = url;
  const vite = startProcess(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      '--config',
      'apps/console/vite.config.mts',
      '--port',
      String(port),
    ],
    { cwd: root, env: { ...process.env, ...env } },
  );
  vite.child.stdout?.resume();
  vite.child.stderr?.resume();
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(origin, 60_000, vite.child);
  return { ...vite, origin };
}
