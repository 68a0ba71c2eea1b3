import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export function decodeKey(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/**
 * The credentials key for the embedded default: generated once into the data directory.
 * Returns whether it was just created, so the caller can warn that it must be backed up.
 */
export function loadOrCreateKeyFile(dataDir: string): { key: Buffer; created: boolean } {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file))
    return { key: decodeKey(readFileSync(file, 'utf8').trim()), created: false };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}
