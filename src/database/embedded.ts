import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const SOCKET_PORT = 5432;

/**
 * Starts PGlite persisted under `<dataDir>/pg` and serves it on a private unix socket, so the
 * app, the migrations and the CLI all use the same `pg` driver as against a real server.
 * PGlite is one session: callers must use a pool of one connection.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const pgDir = join(resolve(dataDir), 'pg');
  mkdirSync(pgDir, { recursive: true });
  const db = await PGlite.create({ dataDir: pgDir });
  // Unix socket paths are limited to ~107 bytes: keep it short, outside the data dir.
  const socketDir = mkdtempSync(join(tmpdir(), 'sb-pg-'));
  const server = new PGLiteSocketServer({
    db,
    path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
    maxConnections: 1,
  });
  await server.start();
  return {
    url: `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`,
    async stop() {
      await server.stop();
      await db.close();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
