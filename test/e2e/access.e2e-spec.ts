import { startTestApp, type TestApp } from '../support/app';

describe('access: tokens, roles, client scope and audit', () => {
  let t: TestApp;
  let acmeDevice: string;
  let globexDevice: string;
  let acmeClient: string;

  beforeAll(async () => {
    t = await startTestApp({ workers: false });
    const gen = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'g' },
    );
    for (const [client, host] of [
      ['Acme Dental', 'ACME-DC1'],
      ['Globex', 'GLOBEX-SQL'],
    ]) {
      const ev = {
        kind: 'device.up',
        occurredAt: '2026-11-24T03:00:00Z',
        client,
        device: { hostname: host },
      };
      expect(
        (
          await t.post(`/webhooks/${gen.body.id}`, JSON.stringify(ev), {
            'x-switchboard-token': gen.body.webhook.secret,
          })
        ).status,
      ).toBe(202);
    }
    await t.app.get((await import('../../src/ingest/inbox-processor')).InboxProcessor).loop.drain();
    const devices: { id: string; display_name: string; client_id: string }[] =
      await t.db.dataSource.query('SELECT id, display_name, client_id FROM device');
    acmeDevice = devices.find((d) => d.display_name === 'ACME-DC1')!.id;
    globexDevice = devices.find((d) => d.display_name === 'GLOBEX-SQL')!.id;
    acmeClient = devices.find((d) => d.display_name === 'ACME-DC1')!.client_id;
  });
  afterAll(() => t.close());

  it('refuses /api/v1 without a token, or with an unknown one', async () => {
    expect((await t.api('GET', '/api/v1/devices', undefined, null)).status).toBe(401);
    expect((await t.api('GET', '/api/v1/devices', undefined, 'sb_not-a-token')).status).toBe(401);
  });

  it('lets a viewer read but not write', async () => {
    const viewer = await t.token('viewer');
    expect((await t.api('GET', '/api/v1/devices', undefined, viewer)).status).toBe(200);
    const res = await t.api('POST', '/api/v1/connectors', { kind: 'generic', name: 'x' }, viewer);
    expect(res.status).toBe(403);
  });

  it('lets an operator act but not manage connectors', async () => {
    const operator = await t.token('operator');
    expect(
      (await t.api('POST', '/api/v1/connectors', { kind: 'generic', name: 'x' }, operator)).status,
    ).toBe(403);
  });

  it('shows a client-scoped token only its client: another client’s device is 404', async () => {
    const scoped = await t.token('viewer', acmeClient);
    expect((await t.api('GET', `/api/v1/devices/${acmeDevice}`, undefined, scoped)).status).toBe(
      200,
    );
    expect((await t.api('GET', `/api/v1/devices/${globexDevice}`, undefined, scoped)).status).toBe(
      404,
    );
    const list = await t.api<{ items: { id: string }[] }>(
      'GET',
      '/api/v1/devices',
      undefined,
      scoped,
    );
    expect(list.body.items.map((d) => d.id)).toEqual([acmeDevice]);
    const clients = await t.api<{ items: { id: string }[] }>(
      'GET',
      '/api/v1/clients',
      undefined,
      scoped,
    );
    expect(clients.body.items.map((c) => c.id)).toEqual([acmeClient]);
    expect((await t.api('GET', '/api/v1/connectors', undefined, scoped)).status).toBe(403);
  });

  it('creates and revokes tokens through the API, and audits who did it', async () => {
    const made = await t.api<{ id: string; token: string }>('POST', '/api/v1/tokens', {
      name: 'rmm-script',
      role: 'operator',
    });
    expect(made.status).toBe(201);
    expect((await t.api('GET', '/api/v1/devices', undefined, made.body.token)).status).toBe(200);
    expect((await t.api('DELETE', `/api/v1/tokens/${made.body.id}`)).status).toBe(204);
    // Revocation takes effect after the short resolve cache (5 s) on other replicas; here at once.
    expect((await t.api('GET', '/api/v1/devices', undefined, made.body.token)).status).toBe(401);
    const audit = await t.api<{ items: { actor: string; action: string; targetId: string }[] }>(
      'GET',
      '/api/v1/audit',
    );
    expect(
      audit.body.items.filter((a) => a.targetId === made.body.id).map((a) => [a.actor, a.action]),
    ).toEqual([
      ['test-admin', 'token.revoke'],
      ['test-admin', 'token.create'],
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(made.body.token);
  });

  it('rejects a token request with a bad role, naming the field', async () => {
    const res = await t.api('POST', '/api/v1/tokens', { name: 'x', role: 'root' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('role');
  });

  it('serves the OpenAPI document without a token', async () => {
    const res = await fetch(`${t.baseUrl}/api/docs-json`);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/connectors', '/api/v1/devices/{id}', '/api/v1/outbox']),
    );
  });

  it('reports ready with migrations applied', async () => {
    const res = await t.api('GET', '/ready', undefined, null);
    expect(res.body).toEqual({ status: 'ready', database: 'ok', pendingMigrations: 0 });
  });
});
