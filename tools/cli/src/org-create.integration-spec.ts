import mongoose from 'mongoose';
import { ApiKey, Org } from '@cppo/persistence';
import { hashApiKey } from '@cppo/platform';
import { randomAccountId } from '@cppo/platform/testing';
import { mongoUrl } from '@cppo/testing';
import { orgCreate } from './org-create';

describe('npm run org:create', () => {
  const url = mongoUrl();
  let lines: string[];
  const out = (line: string) => lines.push(line);

  beforeEach(() => {
    lines = [];
    process.env['MONGO_URL'] = url;
  });

  afterAll(async () => {
    delete process.env['MONGO_URL'];
    const connection = await mongoose.createConnection(url).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  it('creates the org with its accounts and prints a key that only exists hashed', async () => {
    const account = randomAccountId();
    expect(await orgCreate(['--name', 'Acme', '--aws-account', account, '--aws-account', account], out)).toBe(
      0,
    );
    const key = /API key \(shown once, store it now\): (cppo_\S+)/.exec(lines.join('\n'))?.[1];
    expect(key).toBeDefined();

    const connection = await mongoose.createConnection(url).asPromise();
    try {
      const org = await connection.collection<Org>('orgs').findOne({ awsAccountIds: account });
      expect(org).toMatchObject({ name: 'Acme', awsAccountIds: [account] });
      const stored = await connection.collection<ApiKey>('api_keys').findOne({ orgId: org!._id });
      expect(stored?.keyHash).toBe(hashApiKey(key!));
      expect(stored?.role).toBe('member');
      expect(JSON.stringify(stored)).not.toContain(key!);
    } finally {
      await connection.close();
    }
  });

  it('stores the IAM role and external id the org is reached through', async () => {
    const account = randomAccountId();
    const roleArn = `arn:aws:iam::${account}:role/CppoHubAccess`;
    const args = ['--name', 'Roled', '--aws-account', account, '--role-arn', roleArn, '--external-id', 'e-1'];
    expect(await orgCreate(args, out)).toBe(0);
    expect(lines).toContain(`AWS access: assumes ${roleArn} (external id set)`);
    expect(lines.join('\n')).not.toContain('e-1');
    const connection = await mongoose.createConnection(url).asPromise();
    try {
      const org = await connection.collection<Org>('orgs').findOne({ awsAccountIds: account });
      expect(org?.awsRole).toEqual({ roleArn, externalId: 'e-1' });
    } finally {
      await connection.close();
    }
  });

  it('--operator prints an operator key', async () => {
    const account = randomAccountId();
    expect(await orgCreate(['--name', 'Ops', '--aws-account', account, '--operator'], out)).toBe(0);
    const key = /Operator API key \(shown once, store it now\): (cppo_\S+)/.exec(lines.join('\n'))?.[1];
    const connection = await mongoose.createConnection(url).asPromise();
    try {
      const stored = await connection
        .collection<ApiKey>('api_keys')
        .findOne({ keyHash: hashApiKey(key ?? '') });
      expect(stored?.role).toBe('operator');
    } finally {
      await connection.close();
    }
  });

  it('refuses an AWS account that already belongs to another org', async () => {
    const account = randomAccountId();
    expect(await orgCreate(['--name', 'First', '--aws-account', account], out)).toBe(0);
    lines = [];
    expect(await orgCreate(['--name', 'Second', '--aws-account', account], out)).toBe(2);
    expect(lines.join('\n')).toMatch(new RegExp(`AWS account ${account} already belongs to org org_`));
  });

  it.each([
    [['--aws-account', '123456789012'], '--name is required'],
    [['--name', 'Acme'], '--aws-account is required'],
    [['--name', 'Acme', '--aws-account', '12345'], '--aws-account 12345 is not a 12-digit AWS account id'],
    [['--name', 'Acme', '--aws-account', '123456789012', '--bogus'], "unknown option '--bogus'"],
    [['--name', 'Acme', '--aws-account'], "option '--aws-account <id>' argument missing"],
    [['--org', 'org_x', '--name', 'Other'], '--name and --aws-account create an org'],
    [['--org', 'acme'], '--org acme is not an org id'],
    [['--org', 'org_x'], '--org needs something to change'],
    [['--org', 'org_x', '--operator'], '--operator and --key-name describe a new key: add --add-key'],
    [
      ['--org', 'org_x', '--clear-role', '--role-arn', 'arn:aws:iam::123456789012:role/R'],
      '--clear-role or --role-arn, not both',
    ],
    [
      ['--name', 'Acme', '--aws-account', '123456789012', '--add-key'],
      '--clear-role and --add-key go with --org',
    ],
    [
      ['--name', 'Acme', '--aws-account', '123456789012', '--role-arn', 'arn:aws:iam::123456789012:role/R'],
      '--role-arn and --external-id go together',
    ],
    [
      ['--name', 'Acme', '--aws-account', '123456789012', '--role-arn', 'role/R', '--external-id', 'abc'],
      '--role-arn role/R is not an IAM role ARN',
    ],
    [
      [
        ...['--name', 'Acme', '--aws-account', '123456789012'],
        ...['--role-arn', 'arn:aws:iam::999999999999:role/R', '--external-id', 'abc'],
      ],
      "--role-arn is in account 999999999999, which is not one of the org's --aws-account",
    ],
  ])('rejects %j with one line', async (args, message) => {
    expect(await orgCreate(args, out)).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(lines[0]).toContain('(npm run org:create -- --help)');
  });

  it('--help lists every option and exits 0 without touching the database', async () => {
    process.env['MONGO_URL'] = 'mongodb://127.0.0.1:1/nowhere';
    expect(await orgCreate(['--help'], out)).toBe(0);
    const help = lines.join('\n');
    for (const option of [
      '--name',
      '--aws-account',
      '--role-arn',
      '--external-id',
      '--org',
      '--add-key',
      '--clear-role',
    ])
      expect(help).toContain(option);
  });

  it("changes an existing org's AWS role, clears it, and adds keys to it", async () => {
    const account = randomAccountId();
    expect(await orgCreate(['--name', 'Later', '--aws-account', account], out)).toBe(0);
    const orgId = /org created: (org_\w+)/.exec(lines.join('\n'))![1];
    const roleArn = `arn:aws:iam::${account}:role/CppoHubAccess`;
    const connection = await mongoose.createConnection(url).asPromise();
    const org = () => connection.collection<Org>('orgs').findOne({ _id: orgId });
    try {
      lines = [];
      expect(await orgCreate(['--org', orgId, '--role-arn', roleArn, '--external-id', 'x-1'], out)).toBe(0);
      expect(lines).toEqual([`org ${orgId}: AWS access now assumes ${roleArn} (external id set)`]);
      expect((await org())?.awsRole).toEqual({ roleArn, externalId: 'x-1' });

      lines = []; // the role must be in one of the org's own accounts
      const elsewhere = 'arn:aws:iam::999999999999:role/CppoHubAccess';
      expect(await orgCreate(['--org', orgId, '--role-arn', elsewhere, '--external-id', 'x-2'], out)).toBe(2);
      expect((await org())?.awsRole?.roleArn).toBe(roleArn);

      lines = [];
      expect(
        await orgCreate(['--org', orgId, '--clear-role', '--add-key', '--key-name', 'ci', '--operator'], out),
      ).toBe(0);
      expect(lines[0]).toBe(`org ${orgId}: AWS access now with the deployment's own credentials`);
      const key = /Operator API key \(shown once, store it now\): (cppo_\S+)/.exec(lines[1])?.[1];
      expect((await org())?.awsRole).toBeUndefined();
      const stored = await connection.collection<ApiKey>('api_keys').findOne({ keyHash: hashApiKey(key!) });
      expect(stored).toMatchObject({ orgId, name: 'ci', role: 'operator' });

      lines = [];
      expect(await orgCreate(['--org', 'org_doesnotexist', '--add-key'], out)).toBe(2);
      expect(lines[0]).toContain('no org org_doesnotexist');
    } finally {
      await connection.close();
    }
  });
});
