import type { INestApplication } from '@nestjs/common';
import mongoose from 'mongoose';
import {
  ApiKey,
  ApiKeyRepository,
  ApiKeySchema,
  Org,
  OrgRepository,
  OrgSchema,
  type ApiKeyRole,
  type OrgAwsRole,
} from '@cppo/persistence';
import { generateApiKey } from '../auth/api-key';

/** Creates an org and an API key for it, as `npm run org:create` does. */
export async function createTestOrg(
  app: INestApplication,
  awsAccountId: string,
  options: { name?: string; role?: ApiKeyRole; awsRole?: OrgAwsRole } = {},
): Promise<{ orgId: string; apiKey: string }> {
  const { name = `org ${awsAccountId}`, role = 'member', awsRole } = options;
  const org = await app.get(OrgRepository).create({ name, awsAccountIds: [awsAccountId], awsRole });
  const key = generateApiKey();
  await app.get(ApiKeyRepository).create(org._id, key.hash, key.prefix, 'test', role);
  return { orgId: org._id, apiKey: key.key };
}

/** A random 12-digit AWS account id. */
export function randomAccountId(): string {
  return String(Math.floor(1e11 + Math.random() * 9e11));
}

/** Creates an org and key directly in a database (for a service started as a separate process). */
export async function createOrgInDatabase(
  mongoUrl: string,
  awsAccountId: string,
): Promise<{ orgId: string; apiKey: string }> {
  const connection = await mongoose.createConnection(mongoUrl).asPromise();
  try {
    const orgs = new OrgRepository(connection.model(Org.name, OrgSchema));
    const keys = new ApiKeyRepository(connection.model(ApiKey.name, ApiKeySchema));
    const org = await orgs.create({ name: `org ${awsAccountId}`, awsAccountIds: [awsAccountId] });
    const key = generateApiKey();
    await keys.create(org._id, key.hash, key.prefix, 'test');
    return { orgId: org._id, apiKey: key.key };
  } finally {
    await connection.close();
  }
}
