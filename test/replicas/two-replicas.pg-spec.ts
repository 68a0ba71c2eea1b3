import { Client } from 'pg';
import { eventually } from '../support/app';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startService, stopService, type RunningService } from '../support/process';
import { StubVendor } from '../support/stub-vendor';

const ADMIN = 'replica-test-admin-token-0123456789';
const MESSAGES = 60;
const POLL_SECONDS = 5;

describe('two replicas on one PostgreSQL', () => {
  let database: TestDatabase;
  let vendor: StubVendor;
  const services: RunningService[] = [];
  const pollTimes: number[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
    vendor = await new StubVendor((req) => {
      if (req.path.startsWith('/devices')) {
        pollTimes.push(Date.now());
        return {
          status: 200,
          body: { devices: [{ id: '1', name: 'SRV-A', client: 'Acme' }], next: null },
        };
      }
      return { status: 200, body: { ok: true } };
    }).start();
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await vendor.stop();
    await database.drop();
  });

  it('polls each interval once and delivers each outbox message once', async () => {
    const env = { ...database.env, SWITCHBOARD_BOOTSTRAP_TOKEN: ADMIN, WORKER_TICK_MS: '50' };
    services.push(await startService(env, 'replica'));
    services.push(await startService(env, 'replica'));
    const created = await fetch(`${services[0].url}/api/v1/connectors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'probe',
        name: 'P',
        settings: { baseUrl: vendor.url, apiKey: 'k' },
        pollIntervalSeconds: POLL_SECONDS,
      }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    expect(created).toMatchObject({ id: expect.any(String) });

    const db = new Client({ connectionString: database.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO outbox_message (instance_id, action, payload, idempotency_key, max_attempts)
         SELECT $1, 'pushAlertNote', jsonb_build_object('target', jsonb_build_object('id', 'P' || g), 'text', 'note ' || g), 'k' || g, 5
           FROM generate_series(1, $2) g`,
        [created.id, MESSAGES],
      );
      await eventually(
        async () =>
          Number(
            (await db.query(`SELECT count(*) FROM outbox_message WHERE status = 'delivered'`))
              .rows[0].count,
          ) === MESSAGES,
        30_000,
        100,
      );
      const started = pollTimes[0];
      await eventually(async () => Date.now() - started > POLL_SECONDS * 2.4 * 1000, 20_000, 200);

      const notes = vendor.requests.filter((r) => r.path.includes('/notes'));
      const perTarget = new Map<string, number>();
      for (const r of notes) perTarget.set(r.path, (perTarget.get(r.path) ?? 0) + 1);
      expect(notes).toHaveLength(MESSAGES);
      expect([...perTarget.values()].every((c) => c === 1)).toBe(true);

      // Polls: one per interval, never two replicas in the same interval.
      expect(pollTimes.length).toBeGreaterThanOrEqual(3);
      const gaps = pollTimes.slice(1).map((t, i) => t - pollTimes[i]);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(POLL_SECONDS * 1000 - 250);
      const inbox = (await db.query(`SELECT count(*) FROM inbox_event`)).rows[0].count;
      expect(Number(inbox)).toBe(1);
    } finally {
      await db.end();
    }
  });
});
