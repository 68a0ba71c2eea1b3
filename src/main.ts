import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ensureAdminToken } from './access/bootstrap-admin';
import { TokenService } from './access/token.service';
import { createApp } from './app.factory';
import { EnvError, loadEnv } from './config/env';
import { openDatabase } from './database/open-database';

async function main(): Promise<void> {
  const env = loadEnv();
  const db = await openDatabase(env);
  for (const w of db.warnings) process.stderr.write(`WARNING: ${w}\n`);
  const app = await createApp({ config: db.config, dataSource: db.dataSource });
  // A promise nobody awaited is a bug; it is logged with its stack, and the service goes on
  // serving everyone else instead of exiting (Node's default).
  const processLog = new Logger('Process');
  process.on('unhandledRejection', (reason) => {
    const err = reason instanceof Error ? reason : new Error(String(reason));
    processLog.error({ error: err.message, stack: err.stack }, 'unhandled promise rejection');
  });
  const token = await ensureAdminToken(app.get(TokenService), env);
  if (token) {
    // Printed once, on purpose, to the operator's terminal: it is the only copy.
    process.stdout.write(`\nFirst admin token (shown once, store it now):\n  ${token}\n\n`);
  }
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  await app.listen(env.PORT, env.HOST);
  process.stdout.write(
    `Switchboard listening on http://${env.HOST}:${env.PORT} (${db.config.embedded ? `embedded database in ${env.SWITCHBOARD_DATA_DIR}` : 'PostgreSQL'}); API docs at /api/docs\n`,
  );
}

main().catch((err) => {
  process.stderr.write(
    err instanceof EnvError
      ? `${err.message}\n`
      : `Switchboard failed to start: ${(err as Error).stack ?? err}\n`,
  );
  process.exit(1);
});
