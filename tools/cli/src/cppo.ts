/**
 * `npm run cppo -- plan -f channel.yaml [--detailed-exitcode]` / `apply -f channel.yaml [--yes]` / `schema`:
 * authorizations kept as code. The file maps stable keys to authorizations (an opportunity's fields); `plan`
 * says what would be created, replaced (AWS's authorizations cannot be edited: a new one with the new terms,
 * the old one restricted) or restricted (a key no longer in the file), `apply` does it through the public API
 * with the org's key. Restricting is irreversible: apply asks, or takes `--yes`.
 * `CPPO_API_URL` (default the opportunity service of `npm start`, http://127.0.0.1:3001) and `CPPO_API_KEY`.
 * Exit codes: 0 done (plan: no changes, with --detailed-exitcode), 1 failed, 2 bad input (plan: changes, with
 * --detailed-exitcode — as terraform does).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { describe, desiredOf, plan, type Action, type CurrentOpportunity } from './channel-plan';

export interface CppoIo {
  out(line: string): void;
  env: Record<string, string | undefined>;
  /** Asks a person; undefined when there is none (not a terminal). */
  ask?(question: string): Promise<string>;
}

class UsageError extends Error {}

export async function cppo(argv: string[], io: CppoIo): Promise<number> {
  let code = 0;
  const cli = new Command('cppo')
    .description('Resale authorizations kept as code: plan and apply a channel file through the public API.')
    .addHelpText(
      'after',
      `
The channel file (YAML):
  authorizations:
    northwind-fy27:                  # a stable key: 1-63 lowercase letters, digits or ._-
      name: Acme via Northwind FY27
      productId: prod-acmeanalytics01
      resellerAccountId: "111122223333"
      expiryDate: 2027-06-30
      commitAmount: { amount: "12000.00", currency: USD, duration: P12M, grants: [{ dimensionKey: users, quantity: 10 }] }

CPPO_API_URL (default http://127.0.0.1:3001) and CPPO_API_KEY name the API and the org's key.
\`cppo schema > channel.schema.json\` gives editors the file's JSON Schema.`,
    )
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: () => undefined });
  cli
    .command('plan')
    .description('show what apply would change')
    .requiredOption('-f, --file <path>', 'the channel file')
    .option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes, 1 on error')
    .action(async (options: { file: string; detailedExitcode?: boolean }) => {
      const actions = await planned(options.file, io);
      describe(actions).forEach((line) => io.out(line));
      code = options.detailedExitcode && actions.some((a) => a.kind !== 'unchanged') ? 2 : 0;
    });
  cli
    .command('apply')
    .description('make the org match the file (asks before restricting, unless --yes)')
    .requiredOption('-f, --file <path>', 'the channel file')
    .option('--yes', 'restrict without asking (irreversible)')
    .action(async (options: { file: string; yes?: boolean }) => {
      code = await apply(await planned(options.file, io), io, !!options.yes);
    });
  cli
    .command('schema')
    .description("print the channel file's JSON Schema (from the API's own OpenAPI document)")
    .action(async () => {
      io.out(JSON.stringify(await schema(io), null, 2));
    });
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      io.out(`${error.message.replace(/^error: /, '')} (npm run cppo -- --help)`);
      return 2;
    }
    io.out((error as Error).message);
    return error instanceof UsageError ? 2 : 1;
  }
}

function api(io: CppoIo) {
  const base = (io.env['CPPO_API_URL'] ?? 'http://127.0.0.1:3001').replace(/\/$/, '');
  const key = io.env['CPPO_API_KEY'];
  if (!key) throw new UsageError('CPPO_API_KEY is not set: the org API key apply acts with');
  return async (method: string, path: string, body?: unknown, idempotencyKey?: string) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((error: Error) => {
      throw new Error(`cannot reach ${base} (${error.message}): is the stack running? (CPPO_API_URL)`);
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const message = Array.isArray(answer['message']) ? answer['message'].join('; ') : answer['message'];
      throw new Error(`${method} ${path}: ${response.status} ${String(message ?? response.statusText)}`);
    }
    return answer;
  };
}

async function planned(file: string, io: CppoIo): Promise<Action[]> {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  let desired;
  try {
    desired = desiredOf(document);
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  const call = api(io);
  const current: CurrentOpportunity[] = [];
  let cursor: string | null = null;
  do {
    const page = await call('GET', `/v1/opportunities?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    current.push(...(page['items'] as CurrentOpportunity[]));
    cursor = page['nextCursor'] as string | null;
  } while (cursor);
  return plan(desired, current);
}

async function apply(actions: Action[], io: CppoIo, yes: boolean): Promise<number> {
  const changes = actions.filter((a) => a.kind !== 'unchanged');
  describe(actions).forEach((line) => io.out(line));
  if (!changes.length) return 0;
  const restricting = changes.filter((a) => a.kind !== 'create').length;
  if (restricting && !yes) {
    const answer = await io.ask?.(
      `Restrict ${restricting} authorization(s)? This cannot be undone. Type "yes": `,
    );
    if (answer === undefined)
      throw new UsageError('restricting is irreversible: run with --yes, or in a terminal');
    if (answer.trim() !== 'yes') {
      io.out('Nothing applied.');
      return 1;
    }
  }
  const call = api(io);
  // the same desired authorization under the same key is the same request: a second apply after a crash
  // gets the opportunity the first made (the API's Idempotency-Key)
  const token = (...parts: unknown[]) =>
    createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
  let done = 0;
  for (const action of changes) {
    const step = `[${++done}/${changes.length}] ${action.key}`;
    if (action.kind === 'create' || action.kind === 'replace') {
      const body = { ...action.desired, key: action.key };
      const created = await call('POST', '/v1/opportunities', body, `cppo-apply-${token(action.key, body)}`);
      io.out(`${step}: created ${String(created['id'])} (${String(created['status'])}; AWS publishes it)`);
    }
    if (action.kind === 'replace' || action.kind === 'restrict') {
      const id = action.current.id;
      await call('POST', `/v1/opportunities/${id}/restrict`, undefined, `cppo-apply-restrict-${id}`);
      io.out(`${step}: restricting ${id}`);
    }
  }
  io.out(`Applied: ${changes.length} change(s).`);
  return 0;
}

/** The channel file's JSON Schema: the API's CreateOpportunityDto (its OpenAPI component), keyed. */
async function schema(io: CppoIo): Promise<Record<string, unknown>> {
  const base = (io.env['CPPO_API_URL'] ?? 'http://127.0.0.1:3001').replace(/\/$/, '');
  const openapi = (await (await fetch(`${base}/docs-json`)).json()) as {
    components: { schemas: Record<string, Record<string, unknown>> };
  };
  const components = openapi.components.schemas;
  const authorization = structuredClone(components['CreateOpportunityDto']);
  delete (authorization['properties'] as Record<string, unknown>)['key'];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'CPPO Hub channel file',
    type: 'object',
    required: ['authorizations'],
    additionalProperties: false,
    properties: {
      authorizations: {
        type: 'object',
        propertyNames: { pattern: '^[a-z0-9][a-z0-9._-]{0,62}$' },
        additionalProperties: { $ref: '#/components/schemas/Authorization' },
      },
    },
    components: { schemas: { ...components, Authorization: authorization } },
  };
}

/** The command: a terminal to ask in when there is one. */
export function main(): void {
  const terminal = process.stdin.isTTY
    ? createInterface({ input: process.stdin, output: process.stdout })
    : undefined;
  cppo(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    env: process.env,
    ask: terminal && ((question) => terminal.question(question)),
  }).then(
    (code) => {
      terminal?.close();
      process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`cppo failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) main();
