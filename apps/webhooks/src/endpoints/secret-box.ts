import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Endpoints' signing secrets at rest: AES-256-GCM under the service's key (`WEBHOOK_SECRET_KEY`), a random
 * 96-bit IV per secret, the endpoint id as associated data (a secret copied onto another endpoint does not
 * decrypt). Stored as `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyText: string) {
    this.key = /^[0-9a-fA-F]{64}$/.test(keyText)
      ? Buffer.from(keyText, 'hex')
      : Buffer.from(keyText, 'base64');
    if (this.key.length !== 32) throw new Error('WEBHOOK_SECRET_KEY must be 32 bytes');
  }

  /** A new Standard Webhooks secret: `whsec_` + 24 random bytes in base64. */
  static newSecret(): string {
    return `whsec_${randomBytes(24).toString('base64')}`;
  }

  seal(secret: string, endpointId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(endpointId));
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string, endpointId: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(endpointId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
