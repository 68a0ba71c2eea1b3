import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
 * PostgreSQL settings of the embedded database, on its command line (they win over
 * postgresql.conf). PGlite runs PostgreSQL inside one WebAssembly memory that grows and never
 * shrinks: what the server touches once stays resident for the life of the process. initdb
 * sizes it for a dedicated server (shared_buffers 128MB), which is most of the idle footprint.
 * The data files are read through the OS page cache, which keeps them hot without counting
 * in our RSS. None of these settings changes what a commit means.
 */
export const EMBEDDED_SETTINGS: readonly string[] = [
  'shared_buffers=16MB',
  // Index builds (migrations) and VACUUM: every byte of it would stay resident afterwards.
  'maintenance_work_mem=16MB',
];

function startParams(): string[] {
  return [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS.flatMap((s) => ['-c', s])];
}

/**
 * A new data directory is initialized (initdb) by a short-lived Node process of its own: in
 * this process PGlite's initdb peaks near 900 MB and leaves about 500 MB behind (the initdb
 * instance's WebAssembly memories and its tar of the new directory), which an idle service
 * never gets collected. The exit of that process returns it all. It makes the same PGlite
 * call as this process did, so the same directory results.
 */
const INITDB_SCRIPT = `
const [, modulePath, dataDir, params] = process.argv;
require(modulePath)
  .PGlite.create({ dataDir, startParams: JSON.parse(params) })
  .then((db) => db.close())
  .catch((err) => { process.stderr.write(String(err && err.message ? err.message : err)); process.exit(1); });
`;

function initializeDataDir(pgDir: string): Promise<void> {
  const args = [
    '-e',
    INITDB_SCRIPT,
    require.resolve('@electric-sql/pglite'),
    pgDir,
    JSON.stringify(startParams()),
  ];
  return new Promise((done, fail) => {
    execFile(process.execPath, args, { maxBuffer: 1 << 20 }, (err, _stdout, stderr) => {
      if (!err) return done();
      const why = stderr.trim() || err.message;
      fail(new Error(`embedded database: initializing ${pgDir} failed: ${why}`));
    });
  });
}

/**
 * Starts PGlite persisted under `<dataDir>/pg` and serves it on a private unix socket, so the
 * app, the migrations and the CLI all use the same `pg` driver as against a real server.
 * PGlite is one session: callers must use a pool of one connection.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const pgDir = join(resolve(dataDir), 'pg');
  mkdirSync(pgDir, { recursive: true });
  // PGlite's own test for an existing database.
  if (!existsSync(join(pgDir, 'PG_VERSION'))) await initializeDataDir(pgDir);
  const db = await PGlite.create({ dataDir: pgDir, startParams: startParams() });
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
