import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { writeAdminTokenFile } from './access/admin-token-file';
import { ensureAdminToken } from './access/bootstrap-admin';
import { TokenService } from './access/token.service';
import { createApp } from './app.factory';
import { EnvError, loadEnv, type Env } from './config/env';
import { openDatabase } from './database/open-database';

/** A start-up failure in one line on stderr: stdout carries only the JSON log stream. */
function startFailure(err: unknown, env: Env | null): string {
  if (err instanceof EnvError) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' && env)
    return `Switchboard cannot start: PORT ${env.PORT} is already in use on ${env.HOST} (stop the other process or set PORT)`;
  if (code === 'EACCES' && env)
    return `Switchboard cannot start: not allowed to listen on ${env.HOST}:${env.PORT} (set PORT above 1023)`;
  const message = err instanceof Error ? err.message : String(err);
  return `Switchboard cannot start: ${message.replace(/\s*\n\s*/g, ' ')}`;
}

async function main(): Promise<void> {
  let env: Env | null = null;
  try {
    env = loadEnv();
    await start(env);
  } catch (err) {
    process.stderr.write(`${startFailure(err, env)}\n`);
    if (!(err instanceof EnvError) && process.env.LOG_LEVEL === 'debug')
      process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exit(1);
  }
}

async function start(env: Env): Promise<void> {
  const db = await openDatabase(env);
  const app = await createApp({ config: db.config, dataSource: db.dataSource });
  const log = new Logger('Startup');
  for (const w of db.warnings) log.warn(w);
  // A promise nobody awaited is a bug; it is logged with its stack, and the service goes on
  // serving everyone else instead of exiting (Node's default).
  const processLog = new Logger('Process');
  process.on('unhandledRejection', (reason) => {
    const err = reason instanceof Error ? reason : new Error(String(reason));
    processLog.error({ error: err.message, stack: err.stack }, 'unhandled promise rejection');
  });
  const token = await ensureAdminToken(app.get(TokenService), env);
  if (token && process.stdout.isTTY) {
    // Someone is at the terminal: shown to them once, it is the only copy.
    process.stdout.write(`\nFirst admin token (shown once, store it now):\n  ${token}\n\n`);
  } else if (token) {
    const file = writeAdminTokenFile(env.SWITCHBOARD_DATA_DIR, token);
    log.warn(
      { file },
      `first admin token written to ${file} (readable by this user only): store it, then delete the file`,
    );
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
  log.log(
    {
      url: `http://${env.HOST}:${env.PORT}`,
      database: db.config.embedded ? `embedded in ${env.SWITCHBOARD_DATA_DIR}` : 'PostgreSQL',
      workers: env.SWITCHBOARD_WORKERS,
    },
    `Switchboard listening on http://${env.HOST}:${env.PORT}; API docs at /api/docs`,
  );
}

void main();
