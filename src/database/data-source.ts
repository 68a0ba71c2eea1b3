import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { SnakeNamingStrategy } from '../common/naming.strategy';
import { PooledClient } from './pooled-client';
import { ENTITIES } from './entities';

/**
 * The one DataSource factory: the app, the CLI and the tests share it. With `timeoutMs`, the
 * server cancels a longer statement and the client stops waiting a little later (a database
 * that drops packets never answers at all); migrations run without it.
 */
export function createDataSource(
  url: string,
  poolSize: number,
  timeoutMs?: number,
  preparedStatements = false,
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    extra: {
      max: poolSize,
      // A new connection into a database that drops packets waits no longer than a statement.
      connectionTimeoutMillis: Math.min(10_000, timeoutMs ?? 10_000),
      Client: PooledClient,
      preparedStatements,
      ...(timeoutMs ? { statement_timeout: timeoutMs, query_timeout: timeoutMs + 2_000 } : {}),
    },
  });
}

export async function pendingMigrations(ds: DataSource): Promise<number> {
  const done = new Set<string>(
    (await ds.query(`SELECT name FROM migrations`).catch(() => [])).map(
      (r: { name: string }) => r.name,
    ),
  );
  return MIGRATIONS.filter((m) => !done.has(m.name)).length;
}
