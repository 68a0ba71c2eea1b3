import { Client } from 'pg';
import { eventually } from '../support/app';
import { freshDatabase, type TestDatabase } from '../support/database';
import { FakeVendor } from '../support/fake-vendor';
import { startService, stopService, type RunningService } from '../support/process';

const ADMIN = 'ticket-crash-admin-token-0123456789';

describe('SIGKILL between creating a ticket and recording it', () => {
  let database: TestDatabase;
  let vendor: FakeVendor;
  let service: RunningService | undefined;

  beforeAll(async () => {
    database = await freshDatabase();
    vendor = await new FakeVendor().start();
  });
  afterAll(async () => {
    if (service) await stopService(service);
    await vendor.stop();
    await database.drop();
  });

  it('still ends with exactly one ticket, found by its incident key after the restart', async () => {
    const env = {
      ...database.env,
      SWITCHBOARD_BOOTSTRAP_TOKEN: ADMIN,
      WORKER_TICK_MS: '50',
      OUTBOX_LEASE_SECONDS: '2',
    };
    service = await startService(env, 'replica');
    const api = (path: string, body: unknown) =>
      fetch(`${service!.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<{ id: string; webhook?: { secret: string } }>);
    const monitor = await api('/api/v1/connectors', {
      kind: 'fake-monitor',
      name: 'monitor',
      settings: { baseUrl: vendor.url },
    });
    await api('/api/v1/connectors', {
      kind: 'fake-helpdesk',
      name: 'psa',
      settings: { baseUrl: vendor.url },
    });

    let killed = false;
    const victim = service;
    vendor.onTicketCreated = () => {
      // The vendor has the ticket; Switchboard dies before it hears back.
      if (!killed) victim.child.kill('SIGKILL');
      killed = true;
    };
    const problem = {
      problemId: 'P-9',
      status: 'problem',
      at: new Date().toISOString(),
      client: 'Initech',
      host: 'SQL-09',
      service: 'MSSQLSERVER',
    };
    const sent = await fetch(`${service.url}/webhooks/${monitor.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-switchboard-token': monitor.webhook!.secret,
      },
      body: JSON.stringify(problem),
    });
    expect(sent.status).toBe(202);
    await eventually(
      async () => killed && victim.child.exitCode === null && victim.child.signalCode !== null,
      20_000,
    );
    expect(vendor.tickets).toHaveLength(1);

    service = await startService(env, 'replica');
    const db = new Client({ connectionString: database.env.DATABASE_URL });
    await db.connect();
    try {
      const link = await eventually(
        async () =>
          (
            await db.query(
              `SELECT external_id FROM ticket_link WHERE relation = 'incident-ticket' AND external_id IS NOT NULL`,
            )
          ).rows[0],
        20_000,
        100,
      );
      expect(link.external_id).toBe(vendor.tickets[0].id);
      const upserts = (
        await db.query(`SELECT status, attempts FROM outbox_message WHERE action = 'upsertTicket'`)
      ).rows;
      expect(upserts).toEqual([{ status: 'delivered', attempts: 2 }]);
      expect(vendor.tickets).toHaveLength(1);
      expect(
        vendor.stub.requests.filter((r) => r.method === 'POST' && r.path === '/psa/tickets'),
      ).toHaveLength(1);
      expect(
        vendor.stub.requests.filter(
          (r) => r.method === 'GET' && r.path.startsWith('/psa/tickets?key='),
        ),
      ).toHaveLength(2);
    } finally {
      await db.end();
    }
  });
});
