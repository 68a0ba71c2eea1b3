/**
 * The 2 AM story with a real Request Tracker 5: a patch script (generic connector) reports the
 * patch, the reboot and the failed service; Switchboard opens exactly one RT ticket with the
 * whole story, comments on it as the incident evolves, links a user's ticket about the same
 * server after a poll, resolves the ticket on recovery, reopens it on recurrence, and resolves
 * the incident when a technician resolves the ticket in RT.
 * Needs RT_URL and RT_TOKEN (test/real/request-tracker/setup.sh); the database is the
 * postgres project's (DATABASE_URL or the default local PostgreSQL).
 */
import { startTestApp, type TestApp } from '../../support/app';
import { eventually, realRt, RtAdmin } from './rt-admin';

jest.setTimeout(180_000);

const rt = realRt();
const run = `rt${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const client = `Acme Dental ${run}`;
const hostname = `${run}-sql01`;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface IncidentRow {
  id: string;
  key: string;
  state: string;
}

interface TicketLinkRow {
  external_id: string | null;
  relation: string;
  status: string;
}

interface OutboxRow {
  action: string;
  status: string;
  last_error: string | null;
}

/** A named step of a story: a failure says which step broke. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    (err as Error).message = `step "${name}": ${(err as Error).message}`;
    throw err;
  }
}

describe('Switchboard with a real Request Tracker 5: one ticket per incident, both ways', () => {
  const admin = new RtAdmin(rt);
  let t: TestApp;
  let genericId = '';
  let genericSecret = '';
  let rtId = '';
  let seq = 0;

  const send = async (kind: string, occurredAt: string, extra: Record<string, unknown> = {}) => {
    const event = {
      eventId: `${run}-${++seq}`,
      kind,
      occurredAt,
      client,
      device: { hostname },
      ...extra,
    };
    const posted = await t.post(`/webhooks/${genericId}`, JSON.stringify(event), {
      'x-switchboard-token': genericSecret,
    });
    expect(posted.status).toBe(202);
  };

  const incident = async (): Promise<IncidentRow | undefined> => {
    const rows: IncidentRow[] = await t.db.dataSource.query(
      `SELECT i.id, i.key, i.state FROM incident i JOIN device d ON d.id = i.device_id
        WHERE d.hostname_key = lower($1)`,
      [hostname],
    );
    return rows[0];
  };

  const links = async (incidentId: string): Promise<TicketLinkRow[]> =>
    t.db.dataSource.query(
      `SELECT external_id, relation, status FROM ticket_link
        WHERE incident_id = $1 AND instance_id = $2 ORDER BY created_at`,
      [incidentId, rtId],
    );

  const outbox = async (incidentId: string): Promise<OutboxRow[]> =>
    t.db.dataSource.query(
      `SELECT action, status, last_error FROM outbox_message
        WHERE incident_id = $1 AND instance_id = $2 ORDER BY created_at`,
      [incidentId, rtId],
    );

  /** Waits until every message to RT for the incident is delivered; fails on a dead one. */
  const delivered = async (incidentId: string, count: number): Promise<OutboxRow[]> =>
    eventually(`${count} RT deliveries`, async () => {
      const rows = await outbox(incidentId);
      const dead = rows.find((r) => r.status === 'dead');
      if (dead) throw new Error(`${dead.action} is dead: ${dead.last_error}`);
      return rows.length >= count && rows.every((r) => r.status === 'delivered') ? rows : undefined;
    });

  const ticketsWithKey = (key: string) =>
    admin.search(`'CF.{${rt.keyField}}' = '${key}' OR Subject LIKE '[SB-${key}]'`);

  const poll = async () => {
    const res = await t.api('POST', `/api/v1/connectors/${rtId}/poll`);
    expect(res.status).toBe(202);
  };

  beforeAll(async () => {
    if (!rt.url || !rt.token)
      throw new Error('RT_URL/RT_TOKEN are not set: run test/real/request-tracker/setup.sh first');
    t = await startTestApp();
    const generic = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'patch script' },
    );
    expect(generic.status).toBe(201);
    genericId = generic.body.id;
    genericSecret = generic.body.webhook.secret;
    const created = await t.api<{ id: string }>('POST', '/api/v1/connectors', {
      kind: 'request-tracker',
      name: 'Request Tracker (real)',
      settings: {
        url: rt.url,
        token: rt.token,
        queue: rt.queue,
        keyField: rt.keyField,
        readQueues: [rt.queue, 'General'],
        clientName: client,
      },
      // Polls only when the spec asks for one.
      pollIntervalSeconds: 3600,
    });
    expect(created.status).toBe(201);
    rtId = created.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reports the RT instance healthy: the queues exist and the key field applies', async () => {
    const res = await t.api<{ capabilities: Record<string, { status: string }> }>(
      'POST',
      `/api/v1/connectors/${rtId}/check`,
    );
    expect(res.status).toBeLessThan(300);
    expect(res.body.capabilities).toEqual({
      'tickets.read': { status: 'ok' },
      'tickets.write': { status: 'ok' },
    });
  });

  it('opens, comments, links, resolves, reopens and is resolved from RT', async () => {
    let inc: IncidentRow = { id: '', key: '', state: '' };
    let ticketId = '';

    await step('opens exactly one RT ticket with the whole story', async () => {
      await send('patch.installed', ago(30), {
        patch: { id: 'KB5034441', title: '2024-01 Security Update (WinRE)' },
      });
      await send('device.rebooted', ago(27));
      await send('service.down', ago(5), { service: { name: 'MSSQLSERVER' } });
      inc = await eventually('the open incident', async () => {
        const found = await incident();
        return found?.state === 'open' ? found : undefined;
      });
      await delivered(inc.id, 1);
      const [link] = await links(inc.id);
      expect(link).toMatchObject({ relation: 'incident-ticket', status: 'open' });
      ticketId = link.external_id!;
      expect(ticketId).toMatch(/^\d+$/);

      const found = await ticketsWithKey(inc.key);
      expect(found.map((x) => x.id)).toEqual([ticketId]);
      const ticket = await admin.ticket(ticketId);
      expect(ticket.Subject).toContain(`[SB-${inc.key}]`);
      expect(ticket.Subject).toContain('[Switchboard]');
      expect(ticket.CustomFields?.find((f) => f.name === rt.keyField)?.values).toEqual([inc.key]);
      const [story] = await admin.messages(ticketId);
      expect(story.Content).toContain('KB5034441');
      expect(story.Content).toContain('MSSQLSERVER');
      expect(story.Content).toMatch(/Reboot: /);
      expect(story.Content).toContain(`/incidents/${inc.id}`);
    });

    await step('comments on the ticket when another service fails', async () => {
      await send('service.down', ago(4), { service: { name: 'W3SVC' } });
      await delivered(inc.id, 2);
      const comments = await admin.comments(ticketId);
      expect(comments).toHaveLength(1);
      expect(comments[0].Content).toContain('W3SVC');
      expect(comments[0].Content).toMatch(/\[SB-[0-9A-F]{12}\]$/);
      expect(comments[0].Subject).toMatch(/^Switchboard update \[SB-[0-9A-F]{12}\]$/);
      expect((await admin.ticket(ticketId)).Status).toBe('new');
    });

    await step('links a user ticket about the server after a poll, and notes both', async () => {
      const userTicket = await admin.createTicket({
        Queue: 'General',
        Subject: `Accounting cannot reach the database on ${hostname}`,
        Requestor: `frontdesk@${run}.example`,
        Content: 'Since this morning the practice software says the database is offline.',
        ContentType: 'text/plain',
      });
      await poll();
      const linked = await eventually('the user ticket link', async () => {
        const all = await links(inc.id);
        return all.find((l) => l.relation === 'user-ticket');
      });
      expect(linked).toMatchObject({ external_id: userTicket, status: 'open' });
      const userComments = await eventually('the note on the user ticket', async () => {
        const all = await admin.comments(userTicket);
        return all.length > 0 ? all : undefined;
      });
      expect(userComments).toHaveLength(1);
      expect(userComments[0].Content).toMatch(/\[SB-[0-9A-F]{12}\]$/);
      await eventually('the link noted on the incident ticket', async () => {
        const rows = await outbox(inc.id);
        return rows.length >= 4 && rows.every((r) => r.status === 'delivered');
      });
      // Polling again stores nothing new and links nothing twice.
      await poll();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await links(inc.id)).filter((l) => l.relation === 'user-ticket')).toHaveLength(1);
    });

    await step('resolves the RT ticket when the services recover', async () => {
      const before = (await outbox(inc.id)).length;
      await send('service.up', ago(1), { service: { name: 'W3SVC' } });
      await send('service.up', ago(0.5), { service: { name: 'MSSQLSERVER' } });
      await eventually(
        'the resolved incident',
        async () => (await incident())?.state === 'resolved',
      );
      const rows = await delivered(inc.id, before + 1);
      expect(rows.filter((r) => r.action === 'closeTicket')).toHaveLength(1);
      const ticket = await admin.ticket(ticketId);
      expect(ticket.Status).toBe('resolved');
      expect((await admin.comments(ticketId)).at(-1)?.Content).toMatch(/\[SB-[0-9A-F]{12}\]$/);
    });

    await step('reopens the same ticket when the outage comes back', async () => {
      const before = (await outbox(inc.id)).length;
      const comments = (await admin.comments(ticketId)).length;
      await send('service.down', new Date().toISOString(), { service: { name: 'MSSQLSERVER' } });
      await eventually('the reopened incident', async () => (await incident())?.state === 'open');
      const rows = await delivered(inc.id, before + 1);
      expect(rows.slice(before).map((r) => r.action)).toContain('reopenTicket');
      expect((await admin.ticket(ticketId)).Status).toBe('open');
      expect((await admin.comments(ticketId)).length).toBeGreaterThan(comments);
      // Still one ticket for the incident: the reopen's upsert found it again.
      expect((await ticketsWithKey(inc.key)).map((x) => x.id)).toEqual([ticketId]);
    });

    await step('resolves the incident when a technician resolves the ticket in RT', async () => {
      await admin.setStatus(ticketId, 'resolved');
      await poll();
      await eventually('the incident resolved from RT', async () =>
        (await incident())?.state === 'resolved' ? true : undefined,
      );
      const [ours] = (await links(inc.id)).filter((l) => l.relation === 'incident-ticket');
      expect(ours.status).toBe('closed');
    });
  });
});
