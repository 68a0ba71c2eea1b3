import { Client } from 'pg';
import { eventually } from '../support/app';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startService, stopService, type RunningService } from '../support/process';

const ADMIN = 'replica-correlation-admin-token-0123456789';
// Three service processes on a busy 2-core machine: generous time.
jest.setTimeout(180_000);

const STORIES = 20;
const REPLICAS = 3;

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface IncidentRow {
  device: string;
  cause: string;
  suspects: string[];
}

/**
 * The same events give the same incidents on three replicas as on one: each post-patch story
 * (install, reboot, SQL Server down) is sent event by event to a different replica, so each
 * replica normalizes a different part of it at the same moment. Every story must still end as
 * one post-patch-reboot incident with the patch and the reboot as suspects, on one device.
 */
describe('three replicas correlate like one', () => {
  let database: TestDatabase;
  const services: RunningService[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
    const env = { ...database.env, SWITCHBOARD_BOOTSTRAP_TOKEN: ADMIN, WORKER_TICK_MS: '20' };
    for (let i = 0; i < REPLICAS; i++) services.push(await startService(env, 'replica'));
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await database.drop();
  });

  it('gives every story its post-patch-reboot incident with both suspects', async () => {
    const created = await fetch(`${services[0].url}/api/v1/connectors`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'generic', name: 'rmm' }),
    }).then((r) => r.json() as Promise<{ id: string; webhook: { secret: string } }>);

    const send = async (replica: number, event: object) => {
      const res = await fetch(`${services[replica % REPLICAS].url}/webhooks/${created.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-switchboard-token': created.webhook.secret,
        },
        body: JSON.stringify(event),
      });
      expect(res.status).toBe(202);
    };
    const story = async (n: number) => {
      const base = { client: `Client ${n % 4}`, device: { hostname: `SRV-${n}` } };
      await send(n, {
        ...base,
        eventId: `p${n}`,
        kind: 'patch.installed',
        occurredAt: ago(30),
        patch: { id: `KB50${70000 + n}`, title: 'Cumulative Update' },
      });
      await send(n + 1, {
        ...base,
        eventId: `r${n}`,
        kind: 'device.rebooted',
        occurredAt: ago(25),
      });
      await send(n + 2, {
        ...base,
        eventId: `d${n}`,
        kind: 'service.down',
        occurredAt: ago(1),
        service: { name: 'MSSQLSERVER' },
      });
    };
    await Promise.all(Array.from({ length: STORIES }, (_, n) => story(n)));

    const db = new Client({ connectionString: database.env.DATABASE_URL });
    await db.connect();
    try {
      await eventually(
        async () =>
          Number(
            (await db.query(`SELECT count(*) FROM inbox_event WHERE status = 'pending'`)).rows[0]
              .count,
          ) === 0,
        90_000,
        100,
      );
      const devices = await db.query(`SELECT display_name FROM device ORDER BY display_name`);
      expect(devices.rows).toHaveLength(STORIES);
      const incidents: IncidentRow[] = (
        await db.query(
          `SELECT d.display_name AS device, i.cause,
                  array(SELECT s.kind || ':' || COALESCE(s.patch_id, '') FROM incident_suspect s
                         WHERE s.incident_id = i.id ORDER BY s.kind) AS suspects
             FROM incident i JOIN device d ON d.id = i.device_id ORDER BY d.display_name`,
        )
      ).rows;
      const expected = Array.from({ length: STORIES }, (_, n) => ({
        device: `SRV-${n}`,
        cause: 'post-patch-reboot',
        suspects: [`patch:KB50${70000 + n}`, 'reboot:'],
      })).sort((a, b) => a.device.localeCompare(b.device));
      expect(incidents).toEqual(expected);
    } finally {
      await db.end();
    }
  });
});
