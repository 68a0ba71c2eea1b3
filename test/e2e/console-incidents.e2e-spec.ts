import { eventually, type TestApp } from '../support/app';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const HOSTILE_CLIENT = '<img src=x onerror=alert(1)> & Co';
const HOSTILE_TITLE = '</pre><script>alert(2)</script>';

/**
 * The incident pages over plain HTTP: who may open them, what a hostile name or query turns
 * into (text, never markup), and the odd requests a browser never sends.
 */
describe('the incident pages of the console', () => {
  let app: FakeToolsApp;
  let t: TestApp;
  let cookie: string;
  let incidentId: string;

  beforeAll(async () => {
    app = await startFakeToolsApp();
    t = app.t;
    const device = { id: 'ESC-1', hostname: 'ESC-1' };
    await app.rmm({
      eventId: 'esc-p',
      kind: 'patch.installed',
      occurredAt: ago(30),
      client: HOSTILE_CLIENT,
      device,
      patch: { id: 'KB5080808', title: HOSTILE_TITLE },
    });
    await app.rmm({
      eventId: 'esc-d',
      kind: 'service.down',
      occurredAt: ago(2),
      client: HOSTILE_CLIENT,
      device,
      service: { name: 'MSSQLSERVER' },
    });
    await eventually(async () => app.vendor.tickets.find((x) => x.host === 'ESC-1'));
    const list = await t.api<{ items: { id: string }[] }>('GET', '/api/v1/incidents');
    incidentId = list.body.items[0].id;
    const signedIn = await fetch(`${t.baseUrl}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: await t.token('viewer'), next: '/console' }).toString(),
    });
    cookie = signedIn.headers.get('set-cookie')!.split(';')[0];
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}${path}`, { redirect: 'manual', headers: { cookie, ...headers } });

  it('sends a person without a session to sign in, then back', async () => {
    for (const path of ['/console/incidents', `/console/incidents/${incidentId}`]) {
      const res = await fetch(`${t.baseUrl}${path}`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/console/sign-in?next=${encodeURIComponent(path)}`);
    }
  });

  it('shows hostile names and queries as text, with the headers of every console page', async () => {
    const list = await get(`/console/incidents?q=${encodeURIComponent('"><script>x</script>')}`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(list.headers.get('cache-control')).toBe('no-store');
    const listHtml = await list.text();
    expect(listHtml).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(listHtml).not.toContain('<script>x');

    const all = await (await get('/console/incidents')).text();
    expect(all).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; Co');
    expect(all).not.toContain('<img');

    const page = await get(`/console/incidents/${incidentId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    // The only script is the console's own file: no inline code, no handlers.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script src="/console/assets/console.js" defer>',
    ]);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('takes % and _ in the search as characters, not wildcards', async () => {
    const html = await (await get('/console/incidents?q=%25')).text();
    expect(html).toContain('No incident matches these filters.');
    const found = await (await get('/console/incidents?q=esc-')).text();
    expect(found).toContain(`/console/incidents/${incidentId}`);
  });

  it('answers odd requests with a page, never an error of the service', async () => {
    expect((await get('/console/incidents/not-an-id')).status).toBe(400);
    const unknown = await get('/console/incidents/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('not found');
    // Repeated and nonsense filters count as absent.
    const odd = await get('/console/incidents?state=open&state=all&client=nope&q=%00');
    expect(odd.status).toBe(200);
    expect(await odd.text()).toContain(`/console/incidents/${incidentId}`);
    // What console.js asks every few seconds: the same page, with the live region.
    const live = await get('/console/incidents/' + incidentId, { 'x-console-partial': '1' });
    expect(live.status).toBe(200);
    expect(await live.text()).toContain('id="incident-live" data-live="5"');
  });
});
