import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Plain JSON-RPC calls for arranging the real server (hosts, triggers, users, actions). The
 * connector under test never uses this; it keeps the test's own setup independent of it.
 */
export class ZabbixAdmin {
  private id = 1;
  private session = '';

  constructor(readonly url: string) {}

  async login(username: string, password: string): Promise<string> {
    this.session = await this.rpc<string>('user.login', { username, password }, false);
    return this.session;
  }

  call<T>(method: string, params: unknown): Promise<T> {
    return this.rpc<T>(method, params, true);
  }

  async logout(): Promise<void> {
    if (this.session) await this.call('user.logout', []);
    this.session = '';
  }

  private async rpc<T>(method: string, params: unknown, auth: boolean): Promise<T> {
    const body: Record<string, unknown> = { jsonrpc: '2.0', method, params, id: this.id++ };
    if (auth) body.auth = this.session;
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json-rpc' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await response.json()) as { result?: T; error?: { data?: string } };
    if (json.error) throw new Error(`${method}: ${json.error.data ?? 'error'}`);
    return json.result as T;
  }
}

/** Makes the server read API changes now instead of at its next CacheUpdateFrequency tick. */
export async function reloadConfigCache(serverConf: string): Promise<void> {
  await promisify(execFile)(
    '/usr/sbin/zabbix_server',
    ['-c', serverConf, '-R', 'config_cache_reload'],
    {
      timeout: 15_000,
    },
  );
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 1000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Where test/real/zabbix/setup.sh put the server (its printed variables), with its defaults. */
export function realZabbix(): {
  url: string;
  serverConf: string;
  trapper: { host: string; port: number };
} {
  const [host, port] = (process.env.ZABBIX_TRAPPER ?? '127.0.0.1:10051').split(':');
  return {
    url: process.env.ZABBIX_URL ?? '',
    serverConf: process.env.ZABBIX_SERVER_CONF ?? '/var/tmp/switchboard-zabbix/zabbix_server.conf',
    trapper: { host, port: Number(port) },
  };
}
