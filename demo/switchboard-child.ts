import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { Api } from './two-am-story';

/** The project root, from demo/ in the sources or dist/demo/ when built. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface SwitchboardChild {
  url: string;
  api: Api;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built service (dist/src/main.js) as its own process on the embedded database in
 * `dataDir`, trusting the stand-ins' certificate through NODE_EXTRA_CA_CERTS, and waits for
 * /ready. The admin token is generated here and given as SWITCHBOARD_BOOTSTRAP_TOKEN.
 */
export async function startSwitchboard(options: {
  dataDir: string;
  caFile: string;
  env?: Record<string, string>;
  /** Gets the stop function as soon as the process exists, so a Ctrl-C during start stops it. */
  onSpawn?: (stop: () => Promise<void>) => void;
}): Promise<SwitchboardChild> {
  const root = projectRoot();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const token = randomBytes(24).toString('base64url');
  const child: ChildProcess = spawn(process.execPath, [join(root, 'dist/src/main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_EXTRA_CA_CERTS: options.caFile,
      SWITCHBOARD_DATA_DIR: options.dataDir,
      SWITCHBOARD_BOOTSTRAP_TOKEN: token,
      SWITCHBOARD_PUBLIC_URL: url,
      WORKER_TICK_MS: '200',
      // Demo time is compressed: the rollback's result is asked for every second.
      ROLLBACK_POLL_SECONDS: '1',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  options.onSpawn?.(stop);

  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Switchboard exited ${child.exitCode}:\n${out}`);
    const ready = await fetch(`${url}/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > until) {
      await stop();
      throw new Error(`Switchboard not ready within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const api: Api = async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as never };
  };
  return { url, api, output: () => out, stop };
}
