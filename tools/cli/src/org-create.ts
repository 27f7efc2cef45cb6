/**
 * `npm run org:create -- --name "Acme" --aws-account 123456789012 [--aws-account ...] [--product-code ...]
 *   [--role-arn arn:aws:iam::123456789012:role/CppoHub --external-id ID] [--key-name NAME] [--operator]`
 * Creates an org with its AWS seller account ids and prints a new API key, once: only its hash is stored.
 * `npm run org:create -- --org org_… [--role-arn ARN --external-id ID | --clear-role] [--add-key]` changes an
 * existing org: the IAM role it is reached through, and/or a further key.
 * `--role-arn` + `--external-id`: CPPO Hub reaches the org's AWS account by assuming that role (the
 * role's trust policy names the deployment's principal and requires the external id); without them it
 * uses the deployment's own AWS credentials (a single-org install).
 * `--operator` makes it an operator key: it also sees quarantined notifications no org could be found for.
 * Connects to MONGO_URL, default the `npm start` stack's local database. Exit codes: 0 done, 1 the database
 * cannot be reached, 2 bad input (one line saying what).
 */
import { Command, CommanderError } from 'commander';
import { AWS_ACCOUNT_ID } from '@cppo/contracts';
import { AwsAccountTakenError, openOrgStore, type OrgStore } from '@cppo/persistence';
import { generateApiKey } from '@cppo/platform';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** AWS's constraint on sts:ExternalId. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ORG_ID = /^org_[A-Za-z0-9]{1,64}$/;

export const DEFAULT_DEV_MONGO_URL = 'mongodb://127.0.0.1:27018/cppo';

interface Options {
  name?: string;
  awsAccount?: string[];
  productCode?: string[];
  keyName: string;
  roleArn?: string;
  externalId?: string;
  operator?: boolean;
  org?: string;
  clearRole?: boolean;
  addKey?: boolean;
}

/** Bad input: one line, exit code 2. */
class InputError extends Error {}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function command(out: (line: string) => void): Command {
  return new Command('org:create')
    .description(
      'Create an org (its AWS seller accounts, an API key shown once), or change an existing one (--org).',
    )
    .usage('--name NAME --aws-account ID [options]  |  --org ORG_ID [options]')
    .option('--name <name>', "the org's name (creating)")
    .option(
      '--aws-account <id>',
      'an AWS seller account id of the org, 12 digits (repeatable; creating)',
      collect,
      [],
    )
    .option(
      '--product-code <code>',
      'a product code of the org, for legacy SNS notifications (repeatable)',
      collect,
    )
    .option('--role-arn <arn>', "an IAM role in one of the org's accounts that CPPO Hub assumes to reach AWS")
    .option('--external-id <id>', "the external id the role's trust policy requires (with --role-arn)")
    .option('--key-name <name>', 'a name for the new API key', 'default')
    .option('--operator', 'the key is an operator key (also sees notifications no org could be found for)')
    .option('--org <orgId>', 'change this existing org instead of creating one')
    .option('--clear-role', "with --org: reach AWS with the deployment's own credentials again")
    .option('--add-key', 'with --org: add an API key (shown once)')
    .addHelpText(
      'after',
      `
Examples:
  npm run org:create -- --name "Acme" --aws-account 123456789012
  npm run org:create -- --org org_abc --role-arn arn:aws:iam::123456789012:role/CppoHub --external-id e-42
  npm run org:create -- --org org_abc --add-key --key-name ci --operator

MONGO_URL names the database (default: the npm start stack's, ${DEFAULT_DEV_MONGO_URL}).`,
    )
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out(text.trimEnd()),
      writeErr: () => undefined, // errors: one line of ours, below
    })
    .allowExcessArguments(false);
}

export async function orgCreate(argv: string[], out: (line: string) => void): Promise<number> {
  const cli = command(out);
  let options: Options;
  try {
    options = cli.parse(argv, { from: 'user' }).opts<Options>();
    return await run(options, out);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0; // --help
      out(`${error.message.replace(/^error: /, '')} (npm run org:create -- --help)`);
      return 2;
    }
    if (error instanceof InputError || error instanceof AwsAccountTakenError) {
      out(`${error.message} (npm run org:create -- --help)`);
      return 2;
    }
    throw error;
  }
}

/** The role the options name, checked against the org's accounts; undefined when none. */
function roleOf(options: Options, accounts: string[]): { roleArn: string; externalId: string } | undefined {
  const { roleArn, externalId } = options;
  if (!roleArn !== !externalId) throw new InputError('--role-arn and --external-id go together');
  if (!roleArn || !externalId) return undefined;
  const roleAccount = ROLE_ARN.exec(roleArn)?.[1];
  if (!roleAccount) throw new InputError(`--role-arn ${roleArn} is not an IAM role ARN`);
  if (!accounts.includes(roleAccount))
    throw new InputError(
      `--role-arn is in account ${roleAccount}, which is not one of the org's --aws-account`,
    );
  if (!EXTERNAL_ID.test(externalId))
    throw new InputError('--external-id must be 2-1224 characters of letters, digits and +=,.@:/-');
  return { roleArn, externalId };
}

async function run(options: Options, out: (line: string) => void): Promise<number> {
  if (options.org !== undefined) {
    if (!ORG_ID.test(options.org)) throw new InputError(`--org ${options.org} is not an org id (org_…)`);
    if (options.name || options.awsAccount?.length)
      throw new InputError('--name and --aws-account create an org; with --org they cannot change it');
    if (options.clearRole && options.roleArn) throw new InputError('--clear-role or --role-arn, not both');
    if (!options.addKey && (options.operator || options.keyName !== 'default'))
      throw new InputError('--operator and --key-name describe a new key: add --add-key');
    if (
      !options.clearRole &&
      !options.roleArn &&
      !options.externalId &&
      !options.addKey &&
      !options.productCode
    )
      throw new InputError(
        '--org needs something to change: --role-arn/--external-id, --clear-role, --add-key',
      );
  } else {
    if (options.clearRole || options.addKey) throw new InputError('--clear-role and --add-key go with --org');
    if (!options.name?.trim()) throw new InputError('--name is required');
    if (!options.awsAccount?.length)
      throw new InputError('--aws-account is required (the ISV seller account id)');
    const bad = options.awsAccount?.find((a) => !AWS_ACCOUNT_ID.test(a));
    if (bad) throw new InputError(`--aws-account ${bad} is not a 12-digit AWS account id`);
    roleOf(options, options.awsAccount ?? []); // checked before the database is opened
  }

  const url = process.env['MONGO_URL'] ?? DEFAULT_DEV_MONGO_URL;
  const store = await openOrgStore(url).catch((error: Error) => {
    out(
      `cannot reach MongoDB at ${url} (${error.message}): start the stack with \`npm start\` or set MONGO_URL`,
    );
    return undefined;
  });
  if (!store) return 1;
  try {
    return options.org === undefined ? await create(store, options, out) : await change(store, options, out);
  } finally {
    await store.close();
  }
}

async function create(store: OrgStore, options: Options, out: (line: string) => void): Promise<number> {
  const org = await store.orgs.create({
    name: (options.name as string).trim(),
    awsAccountIds: [...new Set(options.awsAccount)],
    productCodes: options.productCode,
    awsRole: roleOf(options, options.awsAccount ?? []),
  });
  out(`org created: ${org._id} (${org.name}), AWS accounts ${org.awsAccountIds.join(', ')}`);
  out(
    org.awsRole
      ? `AWS access: assumes ${org.awsRole.roleArn} (external id set)`
      : "AWS access: the deployment's own credentials",
  );
  await addKey(store, org._id, options, out);
  return 0;
}

async function change(store: OrgStore, options: Options, out: (line: string) => void): Promise<number> {
  const orgId = options.org as string;
  const org = await store.orgs.findById(orgId);
  if (!org) throw new InputError(`no org ${orgId} in ${process.env['MONGO_URL'] ?? DEFAULT_DEV_MONGO_URL}`);
  if (options.clearRole || options.roleArn) {
    const changed = await store.orgs.setAwsRole(
      orgId,
      options.clearRole ? undefined : roleOf(options, org.awsAccountIds),
    );
    out(
      changed?.awsRole
        ? `org ${orgId}: AWS access now assumes ${changed.awsRole.roleArn} (external id set)`
        : `org ${orgId}: AWS access now with the deployment's own credentials`,
    );
  } else if (options.externalId) throw new InputError('--role-arn and --external-id go together');
  if (options.productCode?.length) {
    await store.orgs.addProductCodes(orgId, options.productCode);
    out(`org ${orgId}: product codes ${options.productCode.join(', ')} added`);
  }
  if (options.addKey) await addKey(store, orgId, options, out);
  return 0;
}

async function addKey(
  store: OrgStore,
  orgId: string,
  options: Options,
  out: (line: string) => void,
): Promise<void> {
  const apiKey = generateApiKey();
  const role = options.operator ? 'operator' : 'member';
  await store.keys.create(orgId, apiKey.hash, apiKey.prefix, options.keyName, role);
  out(`${role === 'operator' ? 'Operator API key' : 'API key'} (shown once, store it now): ${apiKey.key}`);
}

/** The command: arguments from the command line, exit code from orgCreate. */
export function main(): void {
  orgCreate(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`org:create failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) main();
