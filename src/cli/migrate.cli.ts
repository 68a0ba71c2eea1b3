import 'reflect-metadata';
import { EnvError, loadEnv } from '../config/env';
import { migrate } from '../database/migrate';
import { openDatabase } from '../database/open-database';

/** `npm run migrate`: applies pending migrations to DATABASE_URL or the embedded database. */
async function main(): Promise<void> {
  const db = await openDatabase(loadEnv(), { migrate: false });
  try {
    const applied = await migrate(db.dataSource, db.config.embedded);
    process.stdout.write(
      applied.length
        ? `Applied: ${applied.map((m) => m.name).join(', ')}\n`
        : 'Nothing to apply: the schema is current.\n',
    );
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(
    err instanceof EnvError ? `${err.message}\n` : `migrate failed: ${(err as Error).message}\n`,
  );
  process.exit(1);
});
