import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './mongo-server';
import { startProcess, waitForHttp } from './child-process';

export interface SqsQueueSpec {
  name: string;
  attributes?: Record<string, string>;
}

export interface SqsEmulator {
  endpoint: string;
  port: number;
  pid: number | undefined;
  /** The URL of a queue by name (account 000000000000, as the emulator reports it). */
  queueUrl(name: string): string;
  stop(): Promise<void>;
}

/**
 * Starts the SQS emulator (fauxqs, an npm package; ESM-only, so it runs as its own process) with the
 * given queues. In memory: every start is empty.
 */
export async function startSqsEmulator(
  options: { port?: number; queues?: SqsQueueSpec[] } = {},
): Promise<SqsEmulator> {
  const port = options.port ?? (await freePort());
  const init = join(mkdtempSync(join(tmpdir(), 'cppo-sqs-')), 'init.json');
  writeFileSync(init, JSON.stringify({ queues: options.queues ?? [] }));
  const cli = fauxqsCli();
  // fauxqs listens on 0.0.0.0 whatever it is told; the preload keeps it on loopback.
  const processHandle = startProcess(process.execPath, ['-r', join(__dirname, 'listen-on-host.cjs'), cli], {
    env: {
      ...process.env,
      FAUXQS_PORT: String(port),
      FAUXQS_LOGGER: 'false',
      FAUXQS_INIT: init,
      FAUXQS_HOST: 'localhost',
    },
  });
  let stderr = '';
  processHandle.child.stderr?.on(
    'data',
    (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${endpoint}/health`, 20_000, processHandle.child);
  } catch (error) {
    await processHandle.stop();
    throw new Error(`SQS emulator did not start: ${(error as Error).message} ${stderr}`);
  }
  return {
    endpoint,
    port,
    pid: processHandle.child.pid,
    queueUrl: (name) => `http://sqs.us-east-1.localhost:${port}/000000000000/${name}`,
    stop: () => processHandle.stop(),
  };
}

/** fauxqs exports only its ESM entry; its CLI is found beside it in node_modules. */
function fauxqsCli(): string {
  const found = (require.resolve.paths('fauxqs') ?? [])
    .map((dir) => join(dir, 'fauxqs', 'dist', 'cli.js'))
    .find((path) => existsSync(path));
  if (!found) throw new Error('fauxqs is not installed (npm ci)');
  return found;
}
