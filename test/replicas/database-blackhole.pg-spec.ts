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

  beforeAll(async () => {
    database = await freshDatabase();
    const url = new URL(database.env.DATABASE_URL);
    const port = await proxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${port}`;
    service = await startService({ ...database.env, DATABASE_URL: url.toString() });
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
});
