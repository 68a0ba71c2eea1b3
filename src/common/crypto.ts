import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** AES-256-GCM with the owner's id as associated data, so a blob cannot be moved between rows. */
export function encryptJson(key: Buffer, owner: string, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(owner));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [
    'v1',
    iv.toString('base64'),
    cipher.getAuthTag().toString('base64'),
    body.toString('base64'),
  ].join(':');
}

export function decryptJson<T>(key: Buffer, owner: string, blob: string): T {
  const [version, iv, tag, body] = blob.split(':');
  if (version !== 'v1' || !iv || !tag || !body) throw new Error('unknown credentials format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(owner));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  const text = Buffer.concat([
    decipher.update(Buffer.from(body, 'base64')),
    decipher.final(),
  ]).toString('utf8');
  return JSON.parse(text) as T;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** A random secret with a readable prefix: `sb_…` tokens, `whsec_…` webhook secrets. */
export const newSecret = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;
