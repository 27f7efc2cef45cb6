import type { INestApplication } from '@nestjs/common';
import { ApiKeyRepository, OrgRepository } from '@cppo/persistence';
import { generateApiKey } from '../auth/api-key';

/** Creates an org and an API key for it, as `npm run org:create` does. */
export async function createTestOrg(
  app: INestApplication,
  awsAccountId: string,
  name = `org ${awsAccountId}`,
): Promise<{ orgId: string; apiKey: string }> {
  const org = await app.get(OrgRepository).create({ name, awsAccountIds: [awsAccountId] });
  const key = generateApiKey();
  await app.get(ApiKeyRepository).create(org._id, key.hash, key.prefix, 'test');
  return { orgId: org._id, apiKey: key.key };
}

/** A random 12-digit AWS account id. */
export function randomAccountId(): string {
  return String(Math.floor(1e11 + Math.random() * 9e11));
}
