import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canConnect, findFerretDb, toolsDir } from './mongo-server';

const UP = join(__dirname, '../../../tools/infra/up.sh');
const LOCAL_RABBIT = 'amqp://guest:guest@127.0.0.1:5672';
/** Debian's Chromium, which the console's browser test drives (CHROMIUM_PATH to use another). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * The one "ensure infrastructure" step of `npm start`, `npm test`, the benchmarks and the fuzzer: RabbitMQ
 * answering at `rabbitUrl` — started (and installed from Debian's packages) by `tools/infra/up.sh rabbitmq`
 * when it is the local default — and, unless `mongoUrl` names a server, a FerretDB binary, built by
 * `tools/infra/up.sh ferretdb` when missing (about a minute the first time). One line per step with its
 * duration. Throws with the one command to run when a step cannot be done here (e.g. no root for apt).
 */
export async function ensureInfrastructure(
  options: {
    rabbitUrl?: string;
    mongoUrl?: string;
    /** also the deployment tests' tools and the console test's browser (npm test) */
    testTools?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const rabbitUrl = options.rabbitUrl || LOCAL_RABBIT;
  const rabbit = new URL(rabbitUrl);
  const rabbitPort = Number(rabbit.port || 5672);
  if (!(await canConnect(rabbit.hostname, rabbitPort))) {
    const local = rabbit.hostname === '127.0.0.1' && rabbitPort === 5672;
    if (local) step(log, 'RabbitMQ: not answering, starting it (tools/infra/up.sh rabbitmq)', 'rabbitmq');
    if (!(await canConnect(rabbit.hostname, rabbitPort)))
      throw new Error(
        `RabbitMQ is not reachable at ${rabbit.host}. Start it with \`bash tools/infra/up.sh rabbitmq\` ` +
          '(Debian; needs root for apt) or `docker compose up -d rabbitmq`, or point RABBITMQ_URL at a running broker.',
      );
  }
  if (!options.mongoUrl && !findFerretDb())
    step(log, 'FerretDB: building it from its Go module (one to two minutes, once per machine)', 'ferretdb');
  if (options.testTools && !findDeployTools())
    step(log, 'deployment tools: helm from its Go module (about three minutes, once per machine)', 'deploy');
  if (options.testTools && !findAwsModels())
    step(log, "AWS's service models: botocore's wheel from PyPI (seconds, once per machine)", 'aws-models');
  if (options.testTools && !['/usr/sbin/nginx', '/usr/bin/envsubst', CHROMIUM].every((f) => existsSync(f)))
    step(
      log,
      'browser: chromium and nginx for the console test (Debian packages; once per machine)',
      'browser',
    );
}

/**
 * Where `tools/infra/up.sh aws-models` put AWS's service models (botocore, at the version up.sh pins);
 * undefined when they are not installed.
 */
export function findAwsModels(): string | undefined {
  const version = /^BOTOCORE_VERSION=(\S+)$/m.exec(readFileSync(UP, 'utf8'))?.[1];
  const dir = join(toolsDir(), 'aws-models', `botocore-${version}`);
  return version && existsSync(join(dir, 'complete')) ? dir : undefined;
}

/** AWS's service models, installed first when missing (the simulator's model conformance check needs them). */
export function awsModelsDir(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): string {
  const found = findAwsModels();
  if (found) return found;
  step(log, "AWS's service models: botocore's wheel from PyPI (seconds, once per machine)", 'aws-models');
  const installed = findAwsModels();
  if (!installed)
    throw new Error("AWS's service models are missing: run `bash tools/infra/up.sh aws-models`");
  return installed;
}

/** What `tools/infra/up.sh deploy` installs for the deployment tests; undefined when something is missing. */
export function findDeployTools():
  | { helm: string; composeCheck: string; python: string; crds: string[] }
  | undefined {
  const dir = toolsDir();
  const crdDir = join(dir, 'crds');
  const tools = {
    helm: join(dir, 'bin/helm'),
    composeCheck: join(dir, 'bin/compose-check'),
    python: join(dir, 'deploy-venv/bin/python'),
    crds: existsSync(crdDir) ? readdirSync(crdDir).map((name) => join(crdDir, name)) : [],
  };
  const present = [tools.helm, tools.composeCheck, tools.python].every((file) => existsSync(file));
  return present && tools.crds.length >= 3 ? tools : undefined;
}

function step(log: (line: string) => void, what: string, part: string): void {
  const started = Date.now();
  log(`[infra] ${what}`);
  const result = spawnSync('bash', [UP, part], { encoding: 'utf8' });
  // up.sh says what it does on `[infra]` lines; apt's and go's own chatter is shown only when a step fails
  const lines = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').filter((line) => line.trim());
  for (const line of lines) if (result.status !== 0 || line.startsWith('[infra]')) log(line);
  log(
    `[infra] ${part}: ${result.status === 0 ? 'done' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
