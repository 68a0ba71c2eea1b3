import type { DataSource, Migration } from 'typeorm';

/** Any fixed number: the advisory lock every replica takes around migrations. */
const MIGRATION_LOCK = 7_427_001;

/**
 * Applies pending migrations once, whichever replica starts first: a PostgreSQL advisory lock
 * makes the others wait, and they then find nothing pending. The embedded database serves one
 * process through one connection, so it needs (and could hold) no lock.
 */
export async function migrate(dataSource: DataSource, embedded: boolean): Promise<Migration[]> {
  if (embedded) return dataSource.runMigrations({ transaction: 'each' });
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
