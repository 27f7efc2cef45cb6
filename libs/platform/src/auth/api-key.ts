import { createHash, randomBytes } from 'node:crypto';

/** API keys are 32 random bytes: `cppo_<base64url>`. High entropy, so a fast hash is enough to store. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `cppo_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 12) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
