import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { Env } from '../config/env';
import { EnvError } from '../config/env';
import { createDataSource } from './data-source';
import { startEmbeddedDatabase } from './embedded';
import { decodeKey, loadOrCreateKeyFile } from './secret-key';
import { migrate } from './migrate';

export interface OpenedDatabase {
  config: AppConfig;
  dataSource: DataSource;
  /** Printed once by the caller: facts an operator must know (never secrets). */
  warnings: string[];
  close(): Promise<void>;
}

/**
 * Resolves the database (DATABASE_URL, or the embedded PGlite under the data dir), the
 * credentials key, and applies pending migrations.
 */
export async function openDatabase(
  env: Env,
  options: { migrate?: boolean } = {},
): Promise<OpenedDatabase> {
  const warnings: string[] = [];
  let secretKey: Buffer;
  if (env.SWITCHBOARD_SECRET_KEY) secretKey = decodeKey(env.SWITCHBOARD_SECRET_KEY);
  else if (env.DATABASE_URL) {
    throw new EnvError([
      'SWITCHBOARD_SECRET_KEY: required when DATABASE_URL is set (32 bytes, hex or base64)',
    ]);
  } else {
    const { key, created } = loadOrCreateKeyFile(env.SWITCHBOARD_DATA_DIR);
    secretKey = key;
    if (created) {
      warnings.push(
        `Generated a credentials key in ${env.SWITCHBOARD_DATA_DIR}/secret.key: back it up, or set SWITCHBOARD_SECRET_KEY. Without it stored credentials cannot be read.`,
      );
    }
  }

  const embedded = env.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase(env.SWITCHBOARD_DATA_DIR);
  const url = env.DATABASE_URL ?? embedded!.url;
  // PGlite serves one process through one connection and has no network to lose: no timeouts.
  const timeoutMs = embedded ? undefined : env.DATABASE_STATEMENT_TIMEOUT_MS;
  const dataSource = createDataSource(
    url,
    embedded ? 1 : env.DATABASE_POOL_SIZE,
    timeoutMs,
    env.DATABASE_PREPARED_STATEMENTS,
  );
  try {
    if (options.migrate !== false && !embedded) {
      // A migration may run longer than any request should: its own connection, no timeout.
      // Two connections: one holds the migration lock while the other migrates.
      const migrations = createDataSource(url, 2);
      await migrations.initialize();
      try {
        await migrate(migrations, false);
      } finally {
        await migrations.destroy();
      }
    }
    await dataSource.initialize();
    if (options.migrate !== false && embedded) await migrate(dataSource, true);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  const config = new AppConfig(
    env,
    secretKey,
    url,
    Boolean(embedded),
    `${process.pid}-${randomUUID().slice(0, 8)}`,
  );
  return {
    config,
    dataSource,
    warnings,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
