import { PollScheduler } from '../../src/ingest/poll-scheduler';
import { eventually, type TestApp } from '../support/app';
import type { FakeProblem } from '../support/fake-tools';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';
import type { FakeVendor } from '../support/fake-vendor';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface Detail {
  id: string;
  parentId: string | null;
  cause: string;
  suppressed: boolean;
  details: { wave?: { devices: number; clients: number; recommendation: string } };
  children: { id: string }[];
  outbox: { action: string }[];
  timeline: { kind: string }[];
}

describe('correlation situations', () => {
  let app: FakeToolsApp;
  let t: TestApp;
  let vendor: FakeVendor;

  beforeAll(async () => {
    app = await startFakeToolsApp();
    ({ t, vendor } = app);
  });
  afterAll(async () => {
    await app.close();
  });

  const rmm = (event: Record<string, unknown>) => app.rmm(event);
  const monitor = (p: FakeProblem) => app.monitor(p);
  const settle = () =>
    eventually(async () => (await t.count(`inbox_event WHERE status = 'pending'`)) === 0);
  const incidents = async (q = '') =>
    (
      await t.api<{ items: { id: string; title: string }[]; total: number }>(
        'GET',
        `/api/v1/incidents${q}`,
      )
    ).body;
  const detail = async (id: string) => (await t.api<Detail>('GET', `/api/v1/incidents/${id}`)).body;

  it('groups a wave of three servers across two clients under one parent with a pause recommendation', async () => {
    const servers: [string, string][] = [
      ['WAVE-1', 'Acme Dental'],
      ['WAVE-2', 'Acme Dental'],
      ['WAVE-3', 'Globex'],
    ];
    for (const [host, client] of servers) {
      await rmm({
        eventId: `wave-p-${host}`,
        kind: 'patch.installed',
        occurredAt: ago(40),
        client,
        device: { id: host, hostname: host },
        patch: { id: 'KB5099999' },
      });
      await monitor({
        problemId: `W-${host}`,
        status: 'problem',
        at: ago(10),
        client,
        host,
        service: 'W3SVC',
      });
      await settle();
    }
    const parents = await incidents('?cause=patch-wave');
    expect(parents.total).toBe(1);
    const parent = await detail(parents.items[0].id);
    expect(parent.details.wave).toMatchObject({ devices: 3, clients: 2 });
    expect(parent.details.wave!.recommendation).toContain('Pause the rollout of KB5099999');
    expect(parent.children).toHaveLength(3);
    const byPatch = await incidents('?patch=KB5099999');
    expect(byPatch.total).toBe(4);
    // The two children opened before the wave formed are told on their tickets.
    await eventually(
      async () =>
        vendor.tickets.filter(
          (x) =>
            x.host?.startsWith('WAVE-') && x.notes.some((n) => n.includes('Pause the rollout')),
        ).length === 2,
    );
    await eventually(async () =>
      vendor.tickets.some(
        (x) => x.host === 'WAVE-3' && x.description.includes('Pause the rollout'),
      ),
    );
  });

  it('keeps the record but pages no one during a maintenance window', async () => {
    await monitor({
      problemId: 'M-0',
      status: 'ok',
      at: ago(60),
      client: 'Maint Co',
      host: 'MAINT-1',
      service: 'Spooler',
    });
    await settle();
    const client = (await t.db.dataSource.query(`SELECT id FROM client WHERE name = 'Maint Co'`))[0]
      .id as string;
    const win = await t.api('POST', '/api/v1/maintenance-windows', {
      clientId: client,
      startsAt: ago(30),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      reason: 'SAN upgrade',
    });
    expect(win.status).toBe(201);
    await monitor({
      problemId: 'M-1',
      status: 'problem',
      at: ago(5),
      client: 'Maint Co',
      host: 'MAINT-1',
      service: 'Spooler',
    });
    await settle();
    const [item] = (await incidents(`?clientId=${client}`)).items;
    const incident = await detail(item.id);
    expect(incident.suppressed).toBe(true);
    expect(incident.outbox).toEqual([]);
    expect(incident.timeline.map((x) => x.kind)).toContain('suppressed');
    expect(vendor.notes.filter((n) => n.problemId === 'M-1')).toEqual([]);
  });

  it('verifies after a patch reboot even when the RMM reports the reboot before the install', async () => {
    const device = { id: 'N-LATE', hostname: 'SQL-LATE' };
    vendor.services.set('N-LATE', [{ name: 'MSSQLSERVER', state: 'stopped', startType: 'auto' }]);
    const base = { client: 'Late Install Ltd', device };
    const checks = () =>
      t.count(
        `deferred_check c JOIN device d ON d.id = c.device_id WHERE d.display_name = 'SQL-LATE'`,
      );
    await rmm({ ...base, eventId: 'late-r', kind: 'device.rebooted', occurredAt: ago(25) });
    await settle();
    expect(await checks()).toBe(0);
    const install = {
      ...base,
      eventId: 'late-p',
      kind: 'patch.installed',
      occurredAt: ago(30),
      patch: { id: 'KB5034441' },
    };
    await rmm(install);
    const opened = await eventually(async () => {
      const mine = (await incidents()).items.filter((i) => i.title.startsWith('SQL-LATE'));
      return mine.length === 1 ? detail(mine[0].id) : undefined;
    });
    expect(opened.cause).toBe('post-patch-reboot');
    // The same install reported again (e.g. as an activity) does not verify the reboot twice.
    await rmm({ ...install, eventId: 'late-p2' });
    await settle();
    expect(await checks()).toBe(1);
  });

  it('never opens a second incident or ticket for a flapping service', async () => {
    const flap = (status: 'problem' | 'ok', minutes: number, n: number) =>
      monitor({
        problemId: `F-${n}`,
        status,
        at: ago(minutes),
        client: 'Flappy',
        host: 'FLAP-1',
        service: 'Spooler',
      });
    await flap('problem', 10, 1);
    await settle();
    await flap('ok', 9, 1);
    await settle();
    await flap('problem', 8, 2);
    await settle();
    await flap('ok', 7, 2);
    await flap('problem', 6, 3);
    await settle();
    const list = await incidents('?q=FLAP');
    const mine = list.items.filter((i) => i.title.startsWith('FLAP-1'));
    expect(mine).toHaveLength(1);
    const incident = await detail(mine[0].id);
    expect(incident.timeline.filter((x) => x.kind === 'recurred')).toHaveLength(2);
    await eventually(
      async () => (await t.count(`outbox_message WHERE status IN ('pending', 'delivering')`)) === 0,
    );
    expect(vendor.tickets.filter((x) => x.host === 'FLAP-1' && x.key)).toHaveLength(1);
  });

  it('applies a client’s rule override: a shorter window leaves an older patch unblamed', async () => {
    await monitor({
      problemId: 'R-0',
      status: 'ok',
      at: ago(120),
      client: 'Strict Co',
      host: 'STRICT-1',
      service: 'Spooler',
    });
    await settle();
    const client = (
      await t.db.dataSource.query(`SELECT id FROM client WHERE name = 'Strict Co'`)
    )[0].id as string;
    const bad = await t.api('PUT', `/api/v1/rules/clients/${client}`, { windowHours: 'one' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('windowHours');
    expect((await t.api('PUT', `/api/v1/rules/clients/${client}`, { windowHours: 1 })).status).toBe(
      200,
    );
    await rmm({
      eventId: 'strict-p',
      kind: 'patch.installed',
      occurredAt: ago(90),
      client: 'Strict Co',
      device: { id: 'STRICT-1', hostname: 'STRICT-1' },
      patch: { id: 'KB1' },
    });
    await monitor({
      problemId: 'R-1',
      status: 'problem',
      at: ago(1),
      client: 'Strict Co',
      host: 'STRICT-1',
      service: 'Spooler',
    });
    await settle();
    const [item] = (await incidents(`?clientId=${client}`)).items;
    const incident = await detail(item.id);
    expect(incident.cause).toBe('unknown');
    const audit = await t.api<{ items: { action: string; targetId: string }[] }>(
      'GET',
      '/api/v1/audit',
    );
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ action: 'rules.override', targetId: client }),
    );
  });

  it('opens the ticket only in the helpdesk routed to the client, at once after the change', async () => {
    const second = await t.api<{ id: string }>('POST', '/api/v1/connectors', {
      kind: 'fake-helpdesk',
      name: 'second helpdesk',
      settings: { baseUrl: vendor.url },
    });
    expect(second.status).toBe(201);
    await monitor({
      problemId: 'ROUTE-0',
      status: 'ok',
      at: ago(30),
      client: 'Routed Co',
      host: 'ROUTED-1',
      service: 'Spooler',
    });
    await settle();
    const client = (
      await t.db.dataSource.query(`SELECT id FROM client WHERE name = 'Routed Co'`)
    )[0].id as string;
    const put = await t.api('PUT', `/api/v1/clients/${client}/routes`, {
      tickets: [second.body.id],
    });
    expect(put.status).toBe(200);
    await monitor({
      problemId: 'ROUTE-1',
      status: 'problem',
      at: ago(1),
      client: 'Routed Co',
      host: 'ROUTED-1',
      service: 'Spooler',
    });
    await settle();
    const [item] = (await incidents(`?clientId=${client}`)).items;
    const incident = (
      await t.api<{ outbox: { action: string; instanceId: string }[] }>(
        'GET',
        `/api/v1/incidents/${item.id}`,
      )
    ).body;
    expect(incident.outbox.filter((o) => o.action === 'upsertTicket')).toEqual([
      expect.objectContaining({ instanceId: second.body.id }),
    ]);
  });

  it('links a user ticket without a device only when its text names the server, and says why', async () => {
    await monitor({
      problemId: 'EVID-1',
      status: 'problem',
      at: ago(2),
      client: 'Evidence Co',
      host: 'FILESRV-9',
      service: 'LanmanServer',
    });
    await settle();
    // Same client, nothing that ties it to the outage: not linked.
    const unrelated = vendor.openUserTicket('Evidence Co', null, 'Printer on floor 2 jams');
    const related = vendor.openUserTicket('Evidence Co', null, 'Cannot open files on FILESRV-9');
    await t.api('POST', `/api/v1/connectors/${app.ids['fake-helpdesk'].id}/poll`);
    await t.app.get(PollScheduler).tick();
    // Both tickets were read and normalized; only the one naming the server is linked.
    await eventually(
      async () =>
        (await t.count(
          `inbox_event WHERE status = 'processed' AND payload->>'id' IN ('${unrelated.id}', '${related.id}')`,
        )) === 2,
    );
    const links = await t.db.dataSource.query(
      `SELECT external_id FROM ticket_link WHERE relation = 'user-ticket' AND external_id = ANY($1)`,
      [[unrelated.id, related.id]],
    );
    expect(links).toEqual([{ external_id: related.id }]);
    const [entry] = await t.db.dataSource.query(
      `SELECT text FROM incident_timeline WHERE kind = 'user-ticket' AND data->>'ticketId' = $1`,
      [related.id],
    );
    expect(entry.text).toContain('the ticket text mentions FILESRV-9');
    await eventually(async () => related.notes.some((n) => n.includes('mentions FILESRV-9')));
    expect(unrelated.notes).toEqual([]);
  });

  it('records a problem that was already over when read as history: no incident, no note', async () => {
    await monitor({
      problemId: 'OLD-1',
      status: 'problem',
      at: ago(600),
      client: 'History Co',
      host: 'OLD-SRV',
      service: 'W3SVC',
      history: true,
    });
    await settle();
    const [{ n }] = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM incident i JOIN device d ON d.id = i.device_id WHERE d.display_name = 'OLD-SRV'`,
    );
    expect(n).toBe(0);
    const kinds = await t.db.dataSource.query(
      `SELECT t.kind FROM device_timeline t JOIN device d ON d.id = t.device_id WHERE d.display_name = 'OLD-SRV'`,
    );
    expect(kinds).toEqual([{ kind: 'history' }]);
    expect(vendor.notes.filter((x) => x.problemId === 'OLD-1')).toEqual([]);
  });
});
