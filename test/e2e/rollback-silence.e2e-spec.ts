import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import type { ConnectorDefinition } from '../../connectors/contract/connector';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { fakeSilencer } from '../support/fake-silencer';
import { FAKE_TOOLS } from '../support/fake-tools';
import { FakeVendor } from '../support/fake-vendor';
import { StubVendor } from '../support/stub-vendor';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const HOST = 'SRV-QUIET';

/**
 * While a rollback removes a patch, a monitoring tool that can silence (Alertmanager) keeps the
 * device quiet, and the silence is lifted when the rollback ends: both through the outbox, once.
 */
describe('silencing the monitoring while a rollback runs', () => {
  let t: TestApp;
  let rmmVendor: FakeVendor;
  let silences: StubVendor;
  const ids: Record<string, { id: string; secret: string }> = {};

  beforeAll(async () => {
    rmmVendor = await new FakeVendor().start();
    silences = await new StubVendor((req) =>
      req.method === 'POST'
        ? { status: 200, body: { id: 'silence-1' } }
        : { status: 200, body: {} },
    ).start();
    t = await startTestApp({
      definitions: [
        ...CONNECTOR_DEFINITIONS,
        ...FAKE_TOOLS,
        fakeSilencer as ConnectorDefinition<object>,
      ],
      env: { ROLLBACK_POLL_SECONDS: '1' },
    });
    for (const [kind, url] of [
      ['fake-rmm', rmmVendor.url],
      ['fake-silencer', silences.url],
    ]) {
      const res = await t.api<{ id: string; webhook: { secret: string } }>(
        'POST',
        '/api/v1/connectors',
        { kind, name: kind, settings: { baseUrl: url } },
      );
      ids[kind] = { id: res.body.id, secret: res.body.webhook.secret };
    }
  });
  afterAll(async () => {
    await t.close();
    await rmmVendor.stop();
    await silences.stop();
  });

  const send = (kind: string, event: Record<string, unknown>) =>
    t.post(`/webhooks/${ids[kind].id}`, JSON.stringify(event), {
      'x-switchboard-token': ids[kind].secret,
    });

  it('silences the device when the rollback starts and lifts it when it succeeded', async () => {
    const device = { id: HOST, hostname: HOST };
    // The monitoring tool knows the server too: that link is where the silence goes.
    await send('fake-silencer', {
      eventId: 'mon-1',
      kind: 'check.ok',
      occurredAt: ago(40),
      client: 'Quiet Co',
      device: { id: `instance=${HOST}`, hostname: HOST },
      check: { name: 'node_exporter' },
    });
    await send('fake-rmm', {
      eventId: 'p-1',
      kind: 'patch.installed',
      occurredAt: ago(30),
      client: 'Quiet Co',
      device,
      patch: { id: 'KB5039999' },
    });
    await send('fake-rmm', {
      eventId: 'd-1',
      kind: 'service.down',
      occurredAt: ago(2),
      client: 'Quiet Co',
      device,
      service: { name: 'MSSQLSERVER' },
    });
    const incident = await eventually(async () => {
      const list = await t.api<{ items: { id: string; title: string }[] }>(
        'GET',
        '/api/v1/incidents?state=open',
      );
      return list.body.items.find((i) => i.title.startsWith(HOST));
    });
    const asked = await t.api<{ id: string; state: string }>(
      'POST',
      `/api/v1/incidents/${incident.id}/rollback`,
    );
    expect(asked.body.state).toBe('running');

    const made = await eventually(async () =>
      silences.requests.find((r) => r.method === 'POST' && r.path === '/silences'),
    );
    const body = JSON.parse(made.body) as Record<string, string>;
    expect(body).toMatchObject({
      device: { id: `instance=${HOST}` },
      reason: expect.stringMatching(
        /^Switchboard: rollback of KB5039999 on SRV-QUIET requested by /,
      ),
      link: expect.stringMatching(new RegExp(`/console/incidents/${incident.id}$`)),
      marker: expect.stringMatching(/^SB-[0-9A-F]{12}$/),
    });
    // It ends by itself after the rollback's limits, should the lifting never come.
    const minutes = (Date.parse(body.endsAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(60);
    expect(minutes).toBeLessThan(70);
    expect(silences.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);

    rmmVendor.services.set(HOST, [{ name: 'MSSQLSERVER', state: 'running', startType: 'auto' }]);
    const n = await eventually(async () => {
      const at = rmmVendor.rollbacks.findIndex((r) => r.deviceId === HOST);
      return at >= 0 ? at + 1 : undefined;
    });
    rmmVendor.finishRollback(n, {
      state: 'succeeded',
      exitCode: 0,
      detail: 'script finished with SUCCESS',
      report: { kb: 'KB5039999', outcome: 'removed', exitCode: 0 },
    });
    await eventually(async () => {
      const r = await t.api<{ state: string }>('GET', `/api/v1/rollbacks/${asked.body.id}`);
      return r.body.state === 'succeeded';
    }, 30_000);
    await eventually(async () =>
      silences.requests.some((r) => r.method === 'DELETE' && r.path === '/silences/silence-1'),
    );
    expect(silences.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /silences',
      'DELETE /silences/silence-1',
    ]);
  });
});
