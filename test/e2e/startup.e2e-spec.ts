import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, type TestDatabase } from '../support/database';
import { freePort, ROOT, startService, stopService } from '../support/process';

/** Runs the built service to its exit (a start that must fail), capturing both streams. */
function runToExit(env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * How the service starts as an operator sees it: one JSON log stream on stdout, the first
 * admin token never in it when no terminal watches, and a bad start stopped in one line.
 */
describe('starting the service', () => {
  let database: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    database = await freshDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'sb-start-'));
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [{ SWITCHBOARD_WORKERS: 'maybe' }, 'SWITCHBOARD_WORKERS must be true or false'],
    [{ PORT: 'abc' }, 'PORT must be an integer number'],
    [
      { SWITCHBOARD_TEMPLATES_DIR: '/nonexistent' },
      'SWITCHBOARD_TEMPLATES_DIR must be an existing directory',
    ],
  ])('stops on a bad variable with one line naming it (%o)', async (bad, message) => {
    const run = await runToExit({ ...database.env, ...bad });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`Invalid configuration: ${message}\n`);
    expect(run.stdout).toBe('');
  });

  it('logs only JSON, quiet about routes, and leaves the first admin token in a private file', async () => {
    // The embedded database keeps its data in SWITCHBOARD_DATA_DIR already; PostgreSQL gets one.
    const env = database.env.SWITCHBOARD_DATA_DIR
      ? database.env
      : { ...database.env, SWITCHBOARD_DATA_DIR: dataDir };
    const service = await startService({ ...env, LOG_LEVEL: 'info' });
    await stopService(service);
    const lines = service.output().trim().split('\n');
    const entries = lines.map(
      (l) => JSON.parse(l) as { level: number; msg: string; file?: string },
    );
    expect(
      entries.some((e) => e.msg.startsWith('Switchboard listening on http://127.0.0.1:')),
    ).toBe(true);
    // Nest's route and module lines are debug: none at info.
    expect(entries.filter((e) => /Mapped \{|dependencies initialized/.test(e.msg))).toEqual([]);
    const tokenLine = entries.find((e) => e.msg.startsWith('first admin token written to'));
    const file = join(env.SWITCHBOARD_DATA_DIR, 'first-admin-token');
    expect(tokenLine?.file).toBe(file);
    const token = readFileSync(file, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(24);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(service.output()).not.toContain(token);
    // The token in the file is the admin's: a restarted service takes it.
    const again = await startService({ ...env, LOG_LEVEL: 'info' });
    try {
      const res = await fetch(`${again.url}/api/v1/connectors`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await stopService(again);
    }
  });

  it('stops in one line when its port is taken', async () => {
    const port = await freePort();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const run = await runToExit({
        ...database.env,
        SWITCHBOARD_DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: 'silent',
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `Switchboard cannot start: PORT ${port} is already in use on 127.0.0.1 (stop the other process or set PORT)\n`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
