/**
 * `npm run org:create -- --name "Acme" --aws-account 123456789012 [--aws-account ...] [--product-code ...]
 *   [--operator]`
 * Creates an org with its AWS seller account ids and prints a new API key, once: only its hash is stored.
 * `--operator` makes it an operator key: it also sees quarantined notifications no org could be found for.
 * Connects to MONGO_URL, default the `npm start` stack's local database.
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { AWS_ACCOUNT_ID } from '@cppo/contracts';
import {
  ApiKey,
  ApiKeyRepository,
  AwsAccountTakenError,
  ensureIndexes,
  Org,
  OrgRepository,
  SCHEMAS,
} from '@cppo/persistence';
import { generateApiKey } from '@cppo/platform';

export const DEFAULT_DEV_MONGO_URL = 'mongodb://127.0.0.1:27018/cppo';

const USAGE =
  'usage: npm run org:create -- --name "Acme" --aws-account 123456789012 [--aws-account ...] [--product-code CODE ...] [--operator]';

export async function orgCreate(argv: string[], out: (line: string) => void): Promise<number> {
  let values: {
    name?: string;
    'aws-account'?: string[];
    'product-code'?: string[];
    'key-name'?: string;
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

  const url = process.env['MONGO_URL'] ?? DEFAULT_DEV_MONGO_URL;
  const connection = await mongoose
    .createConnection(url, { serverSelectionTimeoutMS: 3000 })
    .asPromise()
    .catch((error: Error) => {
      out(
        `cannot reach MongoDB at ${url} (${error.message}): start the stack with \`npm start\` or set MONGO_URL`,
      );
      return undefined;
    });
  if (!connection) return 1;
  try {
    for (const { name: model, schema } of SCHEMAS) connection.model(model, schema);
    await ensureIndexes(connection);
    const orgs = new OrgRepository(connection.model<Org>(Org.name));
    const keys = new ApiKeyRepository(connection.model<ApiKey>(ApiKey.name));
    const org = await orgs.create({
      name,
      awsAccountIds: [...new Set(accounts)],
      productCodes: values['product-code'],
    });
    const apiKey = generateApiKey();
    const role = values.operator ? 'operator' : 'member';
    await keys.create(org._id, apiKey.hash, apiKey.prefix, values['key-name'] ?? 'default', role);
    out(`org created: ${org._id} (${org.name}), AWS accounts ${org.awsAccountIds.join(', ')}`);
    out(`${role === 'operator' ? 'Operator API key' : 'API key'} (shown once, store it now): ${apiKey.key}`);
    return 0;
  } catch (error) {
    if (error instanceof AwsAccountTakenError) return fail(out, error.message);
    throw error;
  } finally {
    await connection.close();
  }
}

function fail(out: (line: string) => void, message: string): number {
  out(`${message}\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  orgCreate(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`org:create failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
