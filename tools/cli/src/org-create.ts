/**
 * `npm run org:create -- --name "Acme" --aws-account 123456789012 [--aws-account ...] [--product-code ...]
 *   [--role-arn arn:aws:iam::123456789012:role/CppoHub --external-id ID] [--operator]`
 * Creates an org with its AWS seller account ids and prints a new API key, once: only its hash is stored.
 * `--role-arn` + `--external-id`: CPPO Hub reaches the org's AWS account by assuming that role (the
 * role's trust policy names the deployment's principal and requires the external id); without them it
 * uses the deployment's own AWS credentials (a single-org install).
 * `--operator` makes it an operator key: it also sees quarantined notifications no org could be found for.
 * Connects to MONGO_URL, default the `npm start` stack's local database.
 */
import { parseArgs } from 'node:util';
import { AWS_ACCOUNT_ID } from '@cppo/contracts';
import { AwsAccountTakenError, openOrgStore } from '@cppo/persistence';
import { generateApiKey } from '@cppo/platform';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** AWS's constraint on sts:ExternalId. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export const DEFAULT_DEV_MONGO_URL = 'mongodb://127.0.0.1:27018/cppo';

const USAGE =
  'usage: npm run org:create -- --name "Acme" --aws-account 123456789012 [--aws-account ...] [--product-code CODE ...] [--role-arn ARN --external-id ID] [--operator]';

export async function orgCreate(argv: string[], out: (line: string) => void): Promise<number> {
  let values: {
    name?: string;
    'aws-account'?: string[];
    'product-code'?: string[];
    'key-name'?: string;
    'role-arn'?: string;
    'external-id'?: string;
    operator?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        name: { type: 'string' },
        'aws-account': { type: 'string', multiple: true },
        'product-code': { type: 'string', multiple: true },
        'key-name': { type: 'string' },
        operator: { type: 'boolean' },
        'role-arn': { type: 'string' },
        'external-id': { type: 'string' },
      },
    }));
  } catch (error) {
    out(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const name = values.name?.trim();
  const accounts = values['aws-account'] ?? [];
  if (!name) return fail(out, '--name is required');
  if (!accounts.length) return fail(out, '--aws-account is required (the ISV seller account id)');
  const bad = accounts.find((a) => !AWS_ACCOUNT_ID.test(a));
  if (bad) return fail(out, `--aws-account ${bad} is not a 12-digit AWS account id`);
  const roleArn = values['role-arn'];
  const externalId = values['external-id'];
  if (!roleArn !== !externalId) return fail(out, '--role-arn and --external-id go together');
  if (roleArn) {
    const roleAccount = ROLE_ARN.exec(roleArn)?.[1];
    if (!roleAccount) return fail(out, `--role-arn ${roleArn} is not an IAM role ARN`);
    if (!accounts.includes(roleAccount))
      return fail(
        out,
        `--role-arn is in account ${roleAccount}, which is not one of the org's --aws-account`,
      );
    if (!EXTERNAL_ID.test(externalId ?? ''))
      return fail(out, '--external-id must be 2-1224 characters of letters, digits and +=,.@:/-');
  }

  const url = process.env['MONGO_URL'] ?? DEFAULT_DEV_MONGO_URL;
  const store = await openOrgStore(url).catch((error: Error) => {
    out(
      `cannot reach MongoDB at ${url} (${error.message}): start the stack with \`npm start\` or set MONGO_URL`,
    );
    return undefined;
  });
  if (!store) return 1;
  const { orgs, keys } = store;
  try {
    const org = await orgs.create({
      name,
      awsAccountIds: [...new Set(accounts)],
      productCodes: values['product-code'],
      awsRole: roleArn && externalId ? { roleArn, externalId } : undefined,
    });
    const apiKey = generateApiKey();
    const role = values.operator ? 'operator' : 'member';
    await keys.create(org._id, apiKey.hash, apiKey.prefix, values['key-name'] ?? 'default', role);
    out(`org created: ${org._id} (${org.name}), AWS accounts ${org.awsAccountIds.join(', ')}`);
    out(
      org.awsRole
        ? `AWS access: assumes ${org.awsRole.roleArn} (external id set)`
        : "AWS access: the deployment's own credentials",
    );
    out(`${role === 'operator' ? 'Operator API key' : 'API key'} (shown once, store it now): ${apiKey.key}`);
    return 0;
  } catch (error) {
    if (error instanceof AwsAccountTakenError) return fail(out, error.message);
    throw error;
  } finally {
    await store.close();
  }
}

function fail(out: (line: string) => void, message: string): number {
  out(`${message}\n${USAGE}`);
  return 2;
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
