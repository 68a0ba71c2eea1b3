import { csrfFor } from '../../src/console/console-session';
import { eventually, type TestApp } from '../support/app';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface DeviceView {
  id: string;
  clientId: string;
  links: { id: string; deviceId: string }[];
}

/**
 * Moving a device record from the console is a write: it needs this session's CSRF value, the
 * operator role and a token for every client, and names a record of the device it is posted
 * to. Each refusal leaves the record where it was.
 */
describe('the device pages refuse what the API refuses', () => {
  let app: FakeToolsApp;
  let t: TestApp;
  let alias: DeviceView;
  let target: DeviceView;

  beforeAll(async () => {
    app = await startFakeToolsApp();
    t = app.t;
    await app.rmm({
      eventId: 'e2e-app',
      kind: 'patch.installed',
      occurredAt: ago(30),
      client: 'Form Co',
      device: { id: 'rmm-web-01', hostname: 'WEB-01' },
      patch: { id: 'KB5080808' },
    });
    await app.monitor({
      problemId: 'e2e-p',
      status: 'problem',
      at: ago(5),
      client: 'Form Co',
      host: 'web01-alias',
      service: 'W3SVC',
    });
    const byName = async (q: string) => {
      const res = await t.api<{ items: { id: string; displayName: string }[] }>(
        'GET',
        `/api/v1/devices?q=${q}`,
      );
      const found = res.body.items.find((d) => d.displayName === q);
      return found ? (await t.api<DeviceView>('GET', `/api/v1/devices/${found.id}`)).body : null;
    };
    [alias, target] = await eventually(async () => {
      const both = await Promise.all([byName('web01-alias'), byName('WEB-01')]);
      return both.every(Boolean) ? (both as DeviceView[]) : null;
    });
  });
  afterAll(async () => {
    await app.close();
  });

  /** A console form post, signed in with the token's cookie. */
  const post = (token: string, path: string, fields: Record<string, string>) =>
    fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `sb_console=${encodeURIComponent(token)}`,
      },
      body: new URLSearchParams(fields).toString(),
    });
  const move = (token: string, fields: Record<string, string>) =>
    post(token, `/console/devices/${alias.id}/move-link`, {
      linkId: alias.links[0].id,
      deviceId: target.id,
      ...fields,
    });
  const stillOnAlias = async () =>
    (await t.api<DeviceView>('GET', `/api/v1/devices/${alias.id}`)).body.links.map((l) => l.id);

  it('refuses a form without this session’s CSRF value, a viewer and a client-scoped operator', async () => {
    const operator = await t.token('operator');
    const viewer = await t.token('viewer');
    const scoped = await t.token('operator', alias.clientId);

    const forged = await move(operator, { csrf: csrfFor(viewer) });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('the form expired');

    const byViewer = await move(viewer, { csrf: csrfFor(viewer) });
    expect(byViewer.status).toBe(403);
    expect(await byViewer.text()).toContain('this needs the operator role');

    const byScoped = await move(scoped, { csrf: csrfFor(scoped) });
    expect(byScoped.status).toBe(403);
    expect(await byScoped.text()).toContain('needs a token for every client');

    expect(await stillOnAlias()).toEqual([alias.links[0].id]);
  });

  it('refuses a record of another device and a device that does not exist', async () => {
    const operator = await t.token('operator');
    const csrf = csrfFor(operator);
    const foreign = await move(operator, { csrf, linkId: target.links[0].id });
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('this device has no record');

    const nowhere = await move(operator, {
      csrf,
      deviceId: '00000000-0000-4000-8000-000000000000',
    });
    expect(nowhere.status).toBe(400);
    expect(await nowhere.text()).toContain('not found');

    expect(await stillOnAlias()).toEqual([alias.links[0].id]);
  });

  it('moves it for an operator with the form of this session, then shows the target device', async () => {
    const operator = await t.token('operator');
    const moved = await move(operator, { csrf: csrfFor(operator) });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toBe(`/console/devices/${target.id}?moved=1`);
    const after = (await t.api<DeviceView>('GET', `/api/v1/devices/${target.id}`)).body;
    expect(after.links.map((l) => l.id).sort()).toEqual(
      [target.links[0].id, alias.links[0].id].sort(),
    );
  });

  it('answers the outbox page and its forms only for tokens of every client', async () => {
    const scoped = await t.token('admin', alias.clientId);
    const page = await fetch(`${t.baseUrl}/console/outbox`, {
      headers: { cookie: `sb_console=${encodeURIComponent(scoped)}` },
    });
    expect(page.status).toBe(403);
    const viewer = await t.token('viewer');
    const retry = await post(viewer, '/console/outbox/1/retry', { csrf: csrfFor(viewer) });
    expect(retry.status).toBe(403);
    expect(await retry.text()).toContain('this needs the operator role');
  });
});
