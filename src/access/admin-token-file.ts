import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ADMIN_TOKEN_FILE = 'first-admin-token';

/**
 * Where the first admin token goes when nobody watches a terminal: a file only the service's
 * user can read, in the data directory, never the log stream (journald and container logs keep
 * everything and show it to whoever reads them).
 */
export function writeAdminTokenFile(dataDir: string, token: string): string {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, ADMIN_TOKEN_FILE);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}
