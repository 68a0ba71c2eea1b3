import { createServer, connect, type Server, type Socket } from 'node:net';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startService, stopService, type RunningService } from '../support/process';

/**
 * A TCP proxy in front of PostgreSQL that can stop forwarding (packets dropped, not refused):
 * the way a database behind a failed network looks to the service.
 */
class BlackHoleProxy {
  blackHole = false;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  async start(target: { host: string; port: number }): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => s.destroy());
        s.on('close', () => this.sockets.delete(s));
      }
      client.on('data', (d) => this.blackHole || upstream.write(d));
      upstream.on('data', (d) => this.blackHole || client.write(d));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('a database that stops answering', () => {
  let database: TestDatabase;
  let service: RunningService;
  const proxy = new BlackHoleProxy();
  const ADMIN = 'blackhole-admin-token-0123456789';
  let generic: { id: string; webhook: { secret: string } };

  beforeAll(async () => {
    database = await freshDatabase();
    const url = new URL(database.env.DATABASE_URL);
    const port = await proxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${port}`;
    service = await startService({
      ...database.env,
      DATABASE_URL: url.toString(),
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      SWITCHBOARD_BOOTSTRAP_TOKEN: ADMIN,
    });
    const created = await fetch(`${service.url}/api/v1/connectors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'generic', name: 'script' }),
    });
    generic = (await created.json()) as typeof generic;
  });
  afterAll(async () => {
    await stopService(service, 'SIGKILL');
    await proxy.stop();
    await database.drop();
  });

  it('answers /ready with 503 within its 2 s bound instead of hanging', async () => {
    expect((await fetch(`${service.url}/ready`)).status).toBe(200);
    proxy.blackHole = true;
    const res = await fetch(`${service.url}/ready`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ database: 'no answer within 2000 ms' });
    // Liveness is the process, not the database: it still answers.
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
  });

  it('answers a webhook it cannot commit with 503 and Retry-After, never a 2xx', async () => {
    const res = await fetch(`${service.url}/webhooks/${generic.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-switchboard-token': generic.webhook.secret,
      },
      body: JSON.stringify({
        eventId: 'lost-in-the-hole',
        kind: 'device.down',
        occurredAt: new Date().toISOString(),
        device: { hostname: 'SRV-1' },
      }),
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });
});
