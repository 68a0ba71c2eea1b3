import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './app';

export const ROOT = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts a Switchboard process (the built service, or a TS entry through ts-node) and waits for /ready. */
export async function startService(
  env: Record<string, string>,
  entry: 'dist' | 'replica' = 'dist',
): Promise<RunningService> {
  const port = await freePort();
  const args =
    entry === 'dist'
      ? [join(ROOT, 'dist/src/main.js')]
      : ['-r', 'ts-node/register/transpile-only', join(ROOT, 'test/support/replica-main.ts')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: '',
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}: ${out}`);
      return fetch(`${url}/ready`)
        .then((r) => r.ok)
        .catch(() => false);
    },
    60_000,
    100,
  );
  return { child, url, output: () => out };
}

export async function stopService(
  s: RunningService,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.kill(signal);
  await exited;
}
