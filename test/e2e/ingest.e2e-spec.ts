import { eventually, startTestApp, type TestApp } from '../support/app';

const event = {
  eventId: 'kb-install-1',
  kind: 'patch.installed',
  occurredAt: '2026-11-24T02:00:00Z',
  client: 'Acme Dental',
  device: { hostname: 'SERVER-01', fqdn: 'server-01.acme.local', ip: '10.0.0.5' },
  patch: { id: 'KB5034441', title: 'Windows Recovery Environment update', severity: 'critical' },
};

describe('webhook ingest through the generic connector', () => {
  let t: TestApp;
  let id: string;
  let secret: string;

  beforeAll(async () => {
    t = await startTestApp();
    const created = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'scripts' },
    );
    expect(created.status).toBe(201);
    id = created.body.id;
    secret = created.body.webhook.secret;
  });
  afterAll(() => t.close());

  const send = (
    body: unknown,
    headers: Record<string, string> = { 'x-switchboard-token': secret },
  ) => t.post(`/webhooks/${id}`, typeof body === 'string' ? body : JSON.stringify(body), headers);

  it('stores an event once when it is sent twice, and normalizes it onto the right device', async () => {
    const first = await send(event);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: 1, stored: 1, duplicates: 0 });
    const second = await send(event);
    expect(second.body).toEqual({ accepted: 1, stored: 0, duplicates: 1 });
    expect(await t.count('inbox_event')).toBe(1);

    const patches = await eventually(async () => {
      const rows = await t.db.dataSource.query(
        `SELECT p.patch_id, p.status, p.severity, d.display_name, d.fqdn_key, c.name AS client
           FROM patch_event p JOIN device d ON d.id = p.device_id JOIN client c ON c.id = d.client_id`,
      );
      return rows.length > 0 ? rows : null;
    });
    expect(patches).toEqual([
      {
        patch_id: 'KB5034441',
        status: 'installed',
        severity: 'critical',
        display_name: 'SERVER-01',
        fqdn_key: 'server-01.acme.local',
        client: 'Acme Dental',
      },
    ]);
    const inbox = await t.api<{ items: { status: string }[] }>('GET', '/api/v1/inbox');
    expect(inbox.body.items.map((i) => i.status)).toEqual(['processed']);
  });

  it('matches a later event from the same device by FQDN to the same device', async () => {
    await send({
      kind: 'service.down',
      occurredAt: '2026-11-24T02:10:00Z',
      client: 'Acme Dental',
      device: { fqdn: 'SERVER-01.acme.local' },
      service: { name: 'MSSQLSERVER' },
    });
    const rows = await eventually(async () => {
      const r = await t.db.dataSource.query(
        `SELECT h.kind, h.subject, h.device_id FROM health_event h`,
      );
      return r.length > 0 ? r : null;
    });
    const [{ id: deviceId }] = await t.db.dataSource.query(`SELECT id FROM device`);
    expect(rows).toEqual([{ kind: 'service.down', subject: 'MSSQLSERVER', device_id: deviceId }]);
  });

  it('accepts an array and stores each event', async () => {
    const res = await send([
      { ...event, eventId: 'batch-1', device: { hostname: 'WS-7' } },
      { ...event, eventId: 'batch-2', device: { hostname: 'WS-8' } },
    ]);
    expect(res.body).toEqual({ accepted: 2, stored: 2, duplicates: 0 });
  });

  describe('rejections leave the database as it was', () => {
    let before: Record<string, number>;
    const snapshot = async () => ({
      inbox: await t.count('inbox_event'),
      devices: await t.count('device'),
      patches: await t.count('patch_event'),
      health: await t.count('health_event'),
    });
    beforeEach(async () => {
      await eventually(async () => (await t.count(`inbox_event WHERE status = 'pending'`)) === 0);
      before = await snapshot();
    });
    afterEach(async () => expect(await snapshot()).toEqual(before));

    it('answers malformed JSON with 400 and the reason', async () => {
      const res = await send('{"kind": "patch.installed",');
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^body: malformed JSON/);
    });

    it.each([
      ['an unknown kind', { ...event, eventId: 'x1', kind: 'patch.exploded' }, 'body.kind'],
      ['a missing device', { ...event, eventId: 'x2', device: undefined }, 'body.device'],
      ['a bad date', { ...event, eventId: 'x3', occurredAt: 'yesterday' }, 'body.occurredAt'],
    ])('answers %s with 400 naming the field', async (_name, body, field) => {
      const res = await send(body);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
    });

    it('rejects the whole array when one event is bad', async () => {
      const res = await send([
        { ...event, eventId: 'ok-but-not-alone' },
        { ...event, kind: 'nope' },
      ]);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('[1].kind');
    });

    it('answers a wrong or missing secret with 401', async () => {
      expect((await send(event, { 'x-switchboard-token': 'whsec_wrong' })).status).toBe(401);
      expect((await send(event, {})).status).toBe(401);
    });

    it('accepts the secret as the token query parameter', async () => {
      const res = await t.post(
        `/webhooks/${id}?token=${encodeURIComponent(secret)}`,
        JSON.stringify(event),
      );
      expect(res.body).toEqual({ accepted: 1, stored: 0, duplicates: 1 });
    });

    it('answers an unknown instance with 404', async () => {
      expect((await send(event)).status).toBe(202);
      expect(
        (
          await t.post('/webhooks/00000000-0000-4000-8000-00000000abcd', JSON.stringify(event), {
            'x-switchboard-token': secret,
          })
        ).status,
      ).toBe(404);
      expect((await t.post('/webhooks/not-a-uuid', JSON.stringify(event))).status).toBe(404);
    });

    it('answers a body over 1 MiB with 413', async () => {
      const big = JSON.stringify({ ...event, message: 'x'.repeat(1024 * 1024) });
      const res = await send(big);
      expect(res.status).toBe(413);
      expect(res.body.message).toContain('limit');
      expect((await t.api('GET', '/health', undefined, null)).status).toBe(200);
    });
  });

  it('answers a disabled instance with 404 and accepts again once enabled', async () => {
    expect((await t.api('POST', `/api/v1/connectors/${id}/disable`)).status).toBe(200);
    expect((await send({ ...event, eventId: 'while-disabled' })).status).toBe(404);
    expect((await t.api('POST', `/api/v1/connectors/${id}/enable`)).status).toBe(200);
    expect((await send({ ...event, eventId: 'after-enable' })).status).toBe(202);
  });

  it('counts accepted and rejected webhooks in /metrics', async () => {
    const res = await fetch(`${t.baseUrl}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/switchboard_webhooks_accepted_total\{kind="generic"\} [1-9]/);
    expect(text).toMatch(/switchboard_webhooks_rejected_total\{reason="unauthorized"\} [1-9]/);
    expect(text).toMatch(/switchboard_webhooks_rejected_total\{reason="malformed"\} [1-9]/);
  });
});
