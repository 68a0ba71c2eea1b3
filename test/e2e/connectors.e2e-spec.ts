import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { probeConnector } from '../support/probe-connector';
import { startTestApp, type TestApp } from '../support/app';
import { StubVendor } from '../support/stub-vendor';

const API_KEY = 'probe-api-key-do-not-leak-7f3a9';

describe('connector instances API', () => {
  let t: TestApp;
  let vendor: StubVendor;

  beforeAll(async () => {
    vendor = await new StubVendor((req) =>
      req.headers['x-api-key'] === API_KEY
        ? { status: 200, body: { ok: true } }
        : { status: 401, body: { error: 'bad key' } },
    ).start();
    t = await startTestApp({
      definitions: [...CONNECTOR_DEFINITIONS, probeConnector],
      workers: false,
    });
  });
  afterAll(async () => {
    await t.close();
    await vendor.stop();
  });

  const create = (settings: Record<string, unknown>) =>
    t.api<Record<string, unknown>>('POST', '/api/v1/connectors', {
      kind: 'probe',
      name: 'Probe',
      settings,
    });

  it('lists the registered kinds with their capabilities and secret fields', async () => {
    const res = await t.api<{ items: { kind: string; secretFields: string[] }[] }>(
      'GET',
      '/api/v1/connector-kinds',
    );
    expect(res.body.items.find((k) => k.kind === 'probe')).toMatchObject({
      secretFields: ['apiKey'],
    });
    expect(res.body.items.map((k) => k.kind)).toContain('generic');
  });

  it('creates an instance, keeps its credentials encrypted and never shows them again', async () => {
    const res = await create({ baseUrl: vendor.url, apiKey: API_KEY });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'probe',
      enabled: true,
      settings: { baseUrl: vendor.url },
      secretsSet: ['apiKey'],
    });
    expect(JSON.stringify(res.body)).not.toContain(API_KEY);
    const id = res.body.id as string;

    const stored = JSON.stringify(
      await t.db.dataSource.query('SELECT * FROM connector_instance WHERE id = $1', [id]),
    );
    expect(stored).not.toContain(API_KEY);
    expect(JSON.stringify((await t.api('GET', `/api/v1/connectors/${id}`)).body)).not.toContain(
      API_KEY,
    );
    expect(JSON.stringify((await t.api('GET', '/api/v1/connectors')).body)).not.toContain(API_KEY);
    expect(JSON.stringify(await t.db.dataSource.query('SELECT * FROM audit_entry'))).not.toContain(
      API_KEY,
    );
  });

  it('checks each capability against the vendor with the decrypted credentials', async () => {
    const { body } = await create({ baseUrl: vendor.url, apiKey: API_KEY });
    const res = await t.api('POST', `/api/v1/connectors/${body.id}/check`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ capabilities: { devices: { status: 'ok' } } });
    expect(vendor.requests.at(-1)?.headers['x-api-key']).toBe(API_KEY);
  });

  it('keeps the stored secret when an update leaves it out, and replaces it when given', async () => {
    const { body } = await create({ baseUrl: vendor.url, apiKey: 'old-key' });
    const renamed = await t.api('PATCH', `/api/v1/connectors/${body.id}`, {
      name: 'Renamed',
      settings: { baseUrl: vendor.url },
    });
    expect(renamed.body).toMatchObject({ name: 'Renamed', secretsSet: ['apiKey'] });
    const failing = await t.api('POST', `/api/v1/connectors/${body.id}/check`);
    expect(failing.status).toBe(200);
    expect(failing.body).toMatchObject({
      capabilities: {
        devices: { status: 'error', detail: expect.stringContaining('auth: probe GET') },
      },
    });
    expect(JSON.stringify(failing.body)).not.toContain('old-key');
    await t.api('PATCH', `/api/v1/connectors/${body.id}`, { settings: { apiKey: API_KEY } });
    const passing = await t.api('POST', `/api/v1/connectors/${body.id}/check`);
    expect(passing.body).toMatchObject({ capabilities: { devices: { status: 'ok' } } });
  });

  it.each([
    ['an unknown kind', { kind: 'nope', name: 'x' }, 'kind: unknown connector kind'],
    [
      'a missing required setting',
      { kind: 'probe', name: 'x', settings: { baseUrl: 'http://127.0.0.1:1' } },
      'settings.apiKey',
    ],
    [
      'an unknown setting',
      {
        kind: 'probe',
        name: 'x',
        settings: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k', extra: 1 },
      },
      'settings.extra',
    ],
    ['a missing name', { kind: 'probe' }, 'name'],
  ])('rejects %s with 400 naming the field', async (_name, body, field) => {
    const before = await t.count('connector_instance');
    const res = await t.api('POST', '/api/v1/connectors', body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain(field);
    expect(await t.count('connector_instance')).toBe(before);
  });

  it('deletes an instance, which then answers 404', async () => {
    const { body } = await create({ baseUrl: vendor.url, apiKey: API_KEY });
    expect((await t.api('DELETE', `/api/v1/connectors/${body.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/v1/connectors/${body.id}`)).status).toBe(404);
  });

  it('rotates a webhook secret: the old one stops working', async () => {
    const created = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'g' },
    );
    const ev = JSON.stringify({
      kind: 'device.up',
      occurredAt: '2026-11-24T03:00:00Z',
      device: { hostname: 'a' },
    });
    const rotated = await t.api<{ secret: string }>(
      'POST',
      `/api/v1/connectors/${created.body.id}/webhook-secret`,
    );
    expect(rotated.body.secret).not.toBe(created.body.webhook.secret);
    expect(
      (
        await t.post(`/webhooks/${created.body.id}`, ev, {
          'x-switchboard-token': created.body.webhook.secret,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await t.post(`/webhooks/${created.body.id}`, ev, {
          'x-switchboard-token': rotated.body.secret,
        })
      ).status,
    ).toBe(202);
  });
});
