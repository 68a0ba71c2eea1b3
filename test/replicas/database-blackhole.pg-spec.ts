import { freshDatabase, type TestDatabase } from '../support/database';
import { startService, stopService, type RunningService } from '../support/process';
import { BlackHoleProxy } from '../support/tcp-proxy';

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
