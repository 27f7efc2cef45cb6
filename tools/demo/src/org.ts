import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AwsAccountTakenError, openOrgStore } from '@cppo/persistence';
import { generateApiKey } from '@cppo/platform';

/**
 * The demo's API key: the one saved by an earlier run when the stack still accepts it, else a new key —
 * for a new "Demo ISV" org with the simulator's seller account, or, when an org already holds that account
 * (one made with `npm run org:create`), a key named "demo" added to that org. Saved (mode 600) in the
 * stack's data directory, which only this machine's `npm start` uses.
 */
export async function demoApiKey(options: {
  mongoUrl: string;
  keyFile: string;
  awsAccountId: string;
  accepts: (key: string) => Promise<boolean>;
  log: (line: string) => void;
}): Promise<string> {
  if (existsSync(options.keyFile)) {
    const saved = readFileSync(options.keyFile, 'utf8').trim();
    if (await options.accepts(saved)) {
      options.log(`org: reusing the demo's key (${options.keyFile})`);
      return saved;
    }
  }
  const { orgs, keys, close } = await openOrgStore(options.mongoUrl);
  try {
    let org = await orgs.findByAwsAccountId(options.awsAccountId);
    if (org)
      options.log(
        `org: adding a "demo" key to ${org._id} (${org.name}), which holds ${options.awsAccountId}`,
      );
    else {
      try {
        org = await orgs.create({ name: 'Demo ISV', awsAccountIds: [options.awsAccountId] });
        options.log(`org: created ${org._id} (Demo ISV) with AWS seller account ${options.awsAccountId}`);
      } catch (error) {
        if (!(error instanceof AwsAccountTakenError)) throw error;
        org = await orgs.findByAwsAccountId(options.awsAccountId); // another demo run was faster
        if (!org) throw error;
      }
    }
    const apiKey = generateApiKey();
    await keys.create(org._id, apiKey.hash, apiKey.prefix, 'demo', 'member');
    mkdirSync(dirname(options.keyFile), { recursive: true });
    writeFileSync(options.keyFile, `${apiKey.key}\n`, { mode: 0o600 });
    chmodSync(options.keyFile, 0o600);
    return apiKey.key;
  } finally {
    await close();
  }
}
