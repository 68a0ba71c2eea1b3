import { Client } from 'pg';
import { eventually } from '../support/app';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startService, stopService, type RunningService } from '../support/process';

const ADMIN = 'crash-test-admin-token-0123456789';

describe('a SIGKILL while webhooks stream in', () => {
  let database: TestDatabase;
  let service: RunningService | undefined;

  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    if (service) await stopService(service);
    await database.drop();
  });

  it('keeps every acknowledged event exactly once, and normalizes all of them after restart', async () => {
    const env = { ...database.env, SWITCHBOARD_BOOTSTRAP_TOKEN: ADMIN };
    service = await startService(env);
    const created = await fetch(`${service.url}/api/v1/connectors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'generic', name: 'stream' }),
    }).then((r) => r.json() as Promise<{ id: string; webhook: { secret: string } }>);

    const acked: string[] = [];
    let n = 0;
    let stop = false;
    const sender = async (url: string) => {
      while (!stop) {
        const eventId = `ev-${n++}`;
        const body = JSON.stringify({
          eventId,
          kind: 'service.down',
          occurredAt: new Date().toISOString(),
          client: 'Acme',
          device: { hostname: `HOST-${n % 50}` },
          service: { name: 'Spooler' },
        });
        try {
          const res = await fetch(`${url}/webhooks/${created.id}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-switchboard-token': created.webhook.secret,
            },
            body,
          });
          if (res.status === 202) acked.push(eventId);
        } catch {
          // The process is gone: this event was never acknowledged.
        }
      }
    };
    const senders = Array.from({ length: 8 }, () => sender(service!.url));
    await eventually(async () => acked.length >= 300, 30_000);
    await stopService(service, 'SIGKILL');
    stop = true;
    await Promise.all(senders);
    expect(acked.length).toBeGreaterThanOrEqual(300);

    service = await startService(env);
    const db = new Client({ connectionString: database.env.DATABASE_URL });
    await db.connect();
    try {
      await eventually(
        async () =>
          Number(
            (await db.query(`SELECT count(*) FROM inbox_event WHERE status = 'pending'`)).rows[0]
              .count,
          ) === 0,
        60_000,
        200,
      );
      const rows = (await db.query(`SELECT dedupe_key, status FROM inbox_event`)).rows as {
        dedupe_key: string;
        status: string;
      }[];
      const stored = new Set(rows.map((r) => r.dedupe_key));
      expect(stored.size).toBe(rows.length);
      const missing = acked.filter((id) => !stored.has(`id:${id}`));
      expect(missing).toEqual([]);
      expect(rows.filter((r) => r.status !== 'processed')).toEqual([]);
      const health = Number((await db.query(`SELECT count(*) FROM health_event`)).rows[0].count);
      expect(health).toBe(rows.length);
    } finally {
      await db.end();
    }
  });
});
