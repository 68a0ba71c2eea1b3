import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadEnv } from '../../src/config/env';
import { EMBEDDED_SETTINGS, startEmbeddedDatabase } from '../../src/database/embedded';
import { openDatabase, type OpenedDatabase } from '../../src/database/open-database';

/** Which database this jest project runs against (set by use-postgres.ts / use-embedded.ts). */
export const TEST_DB = (process.env.SWITCHBOARD_TEST_DB ?? 'postgres') as 'postgres' | 'embedded';
export const ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** Environment that points a Switchboard process at this database. */
  env: Record<string, string>;
  open(extra?: Record<string, string>): Promise<OpenedDatabase>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A new PGlite data directory takes ~6 s to initialize (initdb in WebAssembly) and ~0.3 s to
 * copy. Every embedded test starts from a copy of one initialized, not migrated, directory:
 * the migrations still run on each, as for a user. Keyed by PGlite's version and our settings,
 * so a change to either builds a new one; concurrent jest workers race to a rename and all
 * but one discard theirs.
 */
async function embeddedTemplate(): Promise<string> {
  // The package's exports do not include its package.json: read it from the install.
  const manifest = join(__dirname, '../../node_modules/@electric-sql/pglite/package.json');
  const pglite = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const key = createHash('sha256')
    .update(JSON.stringify([pglite.version, EMBEDDED_SETTINGS]))
    .digest('hex')
    .slice(0, 12);
  const template = join(tmpdir(), `sb-test-template-${key}`);
  if (existsSync(join(template, 'pg', 'PG_VERSION'))) return template;
  const building = mkdtempSync(join(tmpdir(), 'sb-test-template-building-'));
  const db = await startEmbeddedDatabase(building);
  await db.stop();
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/** A fresh, empty database: its own PostgreSQL database, or its own PGlite data directory. */
export async function freshDatabase(): Promise<TestDatabase> {
  const secretKey = randomBytes(32).toString('hex');
  if (TEST_DB === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'sb-test-'));
    cpSync(join(await embeddedTemplate(), 'pg'), join(dir, 'pg'), { recursive: true });
    const env = { SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_SECRET_KEY: secretKey };
    return {
      env,
      open: (extra = {}) => openDatabase(loadEnv({ ...env, ...extra })),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const env = {
    DATABASE_URL: url.toString(),
    SWITCHBOARD_SECRET_KEY: secretKey,
    DATABASE_POOL_SIZE: '10',
  };
  return {
    env,
    open: (extra = {}) => openDatabase(loadEnv({ ...env, ...extra })),
    drop: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
