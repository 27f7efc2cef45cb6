import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export type MongoServerKind = 'MONGO_URL' | 'ferretdb' | 'mongodb-memory-server';

export interface MongoServer {
  kind: MongoServerKind;
  /** Server URL without a database name, e.g. `mongodb://127.0.0.1:27017/`. */
  url: string;
  stop(): Promise<void>;
}

export interface MongoServerOptions {
  /** Keep data here (npm start); default: a temporary directory removed on stop. */
  dataDir?: string;
  port?: number;
  log?: (line: string) => void;
}

/** Where tools/infra/up.sh builds FerretDB. */
export function toolsDir(): string {
  return process.env['CPPO_TOOLS_DIR'] ?? join(homedir(), '.cache', 'cppo-hub');
}

export function findFerretDb(): string | undefined {
  const candidates = [
    process.env['FERRETDB_BIN'],
    join(toolsDir(), 'bin', 'ferretdb'),
    ...(process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'ferretdb')),
  ];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

/**
 * The Mongo provider for tests and local runs: `MONGO_URL` if set; else a local FerretDB (SQLite backend,
 * no other service needed); else mongodb-memory-server (a real mongod, downloaded on first use where the
 * machine can reach MongoDB's site). It says which one it uses.
 */
export async function startMongoServer(options: MongoServerOptions = {}): Promise<MongoServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const fromEnv = process.env['MONGO_URL'];
  if (fromEnv) {
    log(`mongo: using MONGO_URL (${redactUrl(fromEnv)})`);
    return { kind: 'MONGO_URL', url: fromEnv, stop: async () => undefined };
  }
  const ferret = findFerretDb();
  if (ferret) return startFerretDb(ferret, options, log);
  log('mongo: FerretDB not found (run tools/infra/up.sh); falling back to mongodb-memory-server');
  const { MongoMemoryServer } = require('mongodb-memory-server') as typeof import('mongodb-memory-server');
  const server = await MongoMemoryServer.create({
    instance: {
      port: options.port,
      dbPath: options.dataDir,
      storageEngine: options.dataDir ? 'wiredTiger' : undefined,
    },
  });
  log(`mongo: mongodb-memory-server at ${server.getUri()}`);
  return {
    kind: 'mongodb-memory-server',
    url: server.getUri(),
    stop: async () => void (await server.stop()),
  };
}

async function startFerretDb(
  binary: string,
  options: MongoServerOptions,
  log: (line: string) => void,
): Promise<MongoServer> {
  const temporary = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cppo-ferretdb-'));
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      // WAL (FerretDB's default) with synchronous=NORMAL: no fsync per commit; safe against a crash of
      // this process, not of the machine — right for tests and a developer's stack.
      `--sqlite-url=file:${dataDir}/?_pragma=synchronous(normal)`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      `--state-dir=${dataDir}`,
      '--log-level=error',
      // Its metrics/pprof listener would collide between instances; '-' turns it off.
      '--debug-addr=-',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  await waitForPort(port, child, () => stderr);
  const url = `mongodb://127.0.0.1:${port}/`;
  log(`mongo: FerretDB ${binary} (pid ${child.pid}, SQLite in ${dataDir}) at ${url}`);
  return {
    kind: 'ferretdb',
    url,
    stop: async () => {
      await stopChild(child);
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`FerretDB exited with ${child.exitCode}: ${stderr()}`);
    if (await canConnect('127.0.0.1', port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`FerretDB did not listen on ${port} within 20 s: ${stderr()}`);
}

/** Whether something accepts TCP connections on host:port (within `timeoutMs`). */
export function canConnect(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(timeoutMs, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
    socket.connect(port, host);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

/** Hides the password in a connection string before it reaches a log. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
