import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createOrgInDatabase } from '@cppo/platform/testing';
import {
  daysFromNow,
  deleteTopology,
  ISV,
  minimalOpportunity,
  mongoUrl,
  PARTNER,
  rabbitUrl,
  serviceQueues,
  startMarketplaceSim,
  startServiceProcess,
  uniqueName,
  waitFor,
  type RunningSimulator,
  type ServiceProcess,
} from '@cppo/testing';
import { cppo } from './cppo';

describe('npm run cppo: authorizations kept as code (opportunity app, simulator)', () => {
  let sim: RunningSimulator;
  let service: ServiceProcess;
  let url: string;
  let org: { orgId: string; apiKey: string };
  const exchange = uniqueName('cppo.events.cli');
  const prefix = uniqueName('cli');
  const dir = mkdtempSync(join(tmpdir(), 'cppo-channel-'));
  let lines: string[];

  beforeAll(async () => {
    sim = await startMarketplaceSim({ changeSetDelayMs: 100 });
    const database = mongoUrl();
    org = await createOrgInDatabase(database, ISV);
    service = await startServiceProcess('opportunity', {
      MONGO_URL: database,
      RABBITMQ_URL: rabbitUrl(),
      RABBITMQ_EXCHANGE: exchange,
      RABBITMQ_QUEUE_PREFIX: prefix,
      MARKETPLACE_ENDPOINT: sim.url,
      AWS_ACCESS_KEY_ID: ISV,
      AWS_SECRET_ACCESS_KEY: 'test',
      CHANGE_SET_TICK_MS: '100',
      CHANGE_SET_POLL_INITIAL_MS: '200',
      CHANGE_SET_POLL_MAX_MS: '1000',
      LOG_LEVEL: 'error',
    });
    await service.ready(60_000);
    url = `http://127.0.0.1:${service.port}`;
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await sim?.stop();
    await deleteTopology(exchange, serviceQueues([prefix]));
  });

  const run = async (...argv: string[]) => {
    lines = [];
    return cppo(argv, {
      out: (line) => lines.push(line),
      env: { CPPO_API_URL: url, CPPO_API_KEY: org.apiKey },
    });
  };
  const file = (name: string, keys: Record<string, Record<string, unknown>>) => {
    const path = join(dir, name);
    writeFileSync(path, stringify({ authorizations: keys }));
    return path;
  };
  const authorization = (name: string, expiryDays = 30) => {
    const { resellerAccountId: _r, ...rest } = minimalOpportunity(name);
    return { ...rest, resellerAccountId: PARTNER, expiryDate: daysFromNow(expiryDays) };
  };
  const keyed = async () =>
    (
      (await (
        await fetch(`${url}/v1/opportunities?limit=200`, {
          headers: { authorization: `Bearer ${org.apiKey}` },
        })
      ).json()) as { items: any[] }
    ).items.filter((o) => o.key);

  it('plan shows 3 new, 1 changed, 1 removed; apply makes it so; a second plan has no changes', async () => {
    const first = file('first.yaml', {
      'northwind-fy27': authorization('Northwind FY27'),
      'contoso-fy26': authorization('Contoso FY26'),
    });
    expect(await run('apply', '-f', first)).toBe(0);
    expect(lines[lines.length - 1]).toBe('Applied: 2 change(s).');
    await waitFor(async () => ((await keyed()).every((o) => o.status === 'ACTIVE') ? true : undefined), {
      timeoutMs: 20_000,
      what: 'both authorizations ACTIVE',
    });

    const second = file('second.yaml', {
      'northwind-fy27': authorization('Northwind FY27', 60), // a later expiry: AWS cannot edit, so replaced
      'fabrikam-fy27': authorization('Fabrikam FY27'),
      'adatum-fy27': authorization('Adatum FY27'),
      'litware-fy27': authorization('Litware FY27'),
    });
    const before = await keyed();
    expect(await run('plan', '-f', second, '--detailed-exitcode')).toBe(2);
    const id = (key: string) => before.find((o) => o.key === key).id;
    expect(lines).toEqual([
      expect.stringMatching(/^\+ create {3}adatum-fy27: "Adatum FY27" for 111122223333/),
      expect.stringMatching(/^\+ create {3}fabrikam-fy27: /),
      expect.stringMatching(/^\+ create {3}litware-fy27: /),
      `~ replace  northwind-fy27: ${id('northwind-fy27')} → a new one (changed: expiryDate); restricts ${id('northwind-fy27')}, irreversibly`,
      `- restrict contoso-fy26: ${id('contoso-fy26')} (not in the file), irreversibly`,
      'Plan: 3 to create, 1 to replace, 1 to restrict, 0 unchanged.',
    ]);
    expect(await keyed()).toEqual(before); // a plan changes nothing

    // restricting is irreversible: with no one to ask and no --yes, nothing is applied
    expect(await run('apply', '-f', second)).toBe(2);
    expect(lines[lines.length - 1]).toContain('run with --yes');
    expect(await keyed()).toEqual(before);

    expect(await run('apply', '-f', second, '--yes')).toBe(0);
    expect(lines[lines.length - 1]).toBe('Applied: 5 change(s).');
    const after = await keyed();
    expect(after.filter((o) => o.key === 'northwind-fy27')).toHaveLength(2);
    expect(after.find((o) => o.id === id('contoso-fy26')).marketplace.restrict).toBeDefined();

    expect(await run('plan', '-f', second, '--detailed-exitcode')).toBe(0);
    expect(lines).toEqual(['No changes: 4 authorization(s) match the file.']);
    expect(await run('apply', '-f', second, '--yes')).toBe(0); // idempotent
    expect(await keyed()).toHaveLength(after.length);
  });

  it('a broken file or a missing key is one clear line and exit 2; --help lists the commands', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'authorizations:\n  Bad Key:\n    name: x\n');
    expect(await run('plan', '-f', broken)).toBe(2);
    expect(lines).toEqual([
      `${broken}: authorizations.Bad Key: a key is 1-63 lowercase letters, digits or ._-`,
    ]);
    const missing = file('missing.yaml', { 'a-key': { name: 'x', productId: 'prod-acmeanalytics01' } });
    expect(await run('plan', '-f', missing)).toBe(2);
    expect(lines[0]).toContain('authorizations.a-key.resellerAccountId is required');
    expect(await run('plan')).toBe(2);
    expect(lines[0]).toContain("required option '-f, --file <path>' not specified");
    expect(await run('--help')).toBe(0);
    expect(lines.join('\n')).toMatch(/plan[\s\S]*apply[\s\S]*schema/);
  });

  it('schema: the channel file as JSON Schema, an authorization as the API validates it', async () => {
    expect(await run('schema')).toBe(0);
    const schema = JSON.parse(lines.join('\n'));
    const authorization = schema.components.schemas.Authorization;
    expect(authorization.required).toEqual(
      expect.arrayContaining(['name', 'productId', 'resellerAccountId']),
    );
    expect(authorization.properties).not.toHaveProperty('key');
    expect(schema.properties.authorizations.propertyNames.pattern).toBe('^[a-z0-9][a-z0-9._-]{0,62}$');
  });
});
