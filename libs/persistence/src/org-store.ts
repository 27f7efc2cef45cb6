import mongoose from 'mongoose';
import { ensureIndexes } from './indexes';
import { SCHEMAS } from './persistence.module';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { OrgRepository } from './repositories/org.repository';
import { ApiKey } from './schemas/api-key.schema';
import { Org } from './schemas/org.schema';

/** Orgs and their API keys outside a service (the `org:create` command, the demo): one connection. */
export interface OrgStore {
  orgs: OrgRepository;
  keys: ApiKeyRepository;
  close(): Promise<void>;
}

export async function openOrgStore(url: string): Promise<OrgStore> {
  const connection = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 3000 }).asPromise();
  try {
    for (const { name, schema } of SCHEMAS) connection.model(name, schema);
    await ensureIndexes(connection);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return {
    orgs: new OrgRepository(connection.model<Org>(Org.name)),
    keys: new ApiKeyRepository(connection.model<ApiKey>(ApiKey.name)),
    close: () => connection.close(),
  };
}
