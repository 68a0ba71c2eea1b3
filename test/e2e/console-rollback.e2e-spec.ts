import { eventually, type TestApp } from '../support/app';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';
import type { FakeVendor } from '../support/fake-vendor';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * The rollback link in an alert or a ticket opens a page a person can use: sign in with a
 * token, read the plan and every pre-flight check, confirm with one click, follow the result.
 */
describe('the rollback page behind the link in alerts and tickets', () => {
  let app: FakeToolsApp;
  let t: TestApp;
  let vendor: FakeVendor;

  beforeAll(async () => {
    app = await startFakeToolsApp({ ROLLBACK_POLL_SECONDS: '1' });
    ({ t, vendor } = app);
  });
  afterAll(async () => {
    await app.close();
  });

  const page = (path: string, init: RequestInit = {}) =>
    fetch(`${t.baseUrl}${path}`, { redirect: 'manual', ...init });
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  it('signs in, shows the plan, confirms with one click and shows the rollback running', async () => {
    const device = { id: 'CON-1', hostname: 'CON-1' };
    await app.rmm({
      eventId: 'con-p',
      kind: 'patch.installed',
      occurredAt: ago(30),
      client: 'Console Co',
      device,
      patch: { id: 'KB5050505', title: '2026-11 Cumulative Update' },
    });
    await app.rmm({
      eventId: 'con-d',
      kind: 'service.down',
      occurredAt: ago(2),
      client: 'Console Co',
      device,
      service: { name: 'MSSQLSERVER' },
    });
    const ticket = await eventually(async () => vendor.tickets.find((x) => x.host === 'CON-1'));
    // The ticket carries the page's address, not an API path that only answers POST.
    const link = /Rollback: (\S+)/.exec(ticket.description)![1];
    const path = new URL(link).pathname;
    expect(path).toMatch(/^\/console\/incidents\/[0-9a-f-]{36}\/rollback$/);

    const anonymous = await page(path);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(
      `/console/sign-in?next=${encodeURIComponent(path)}`,
    );
    const signInPage = await page('/console/sign-in?next=' + encodeURIComponent(path));
    expect(signInPage.status).toBe(200);
    expect(await signInPage.text()).toContain('name="token"');

    const wrong = await page('/console/sign-in', form({ token: 'sb_nope', next: path }));
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('unknown or revoked');

    const operator = await t.token('operator');
    const signedIn = await page('/console/sign-in', form({ token: operator, next: path }));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(path);
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = { cookie: cookie.split(';')[0] };

    const plan = await page(path, { headers: session });
    expect(plan.status).toBe(200);
    const html = await plan.text();
    expect(html).toContain('Roll back KB5050505');
    expect(html).toContain('CON-1 through fake-rmm');
    expect(html).toContain('KB5050505 is installed on CON-1');
    expect(html).toContain('Confirm rollback of KB5050505');
    // Names from the tools are escaped: a page never runs what a vendor sent, only its own script.
    expect(html.match(/<script[^>]*>/gi)).toEqual([
      '<script src="/console/assets/console.js" defer>',
    ]);
    const csrf = /name="csrf" value="([0-9a-f]{32})"/.exec(html)![1];
    expect(vendor.rollbacks.filter((r) => r.deviceId === 'CON-1')).toHaveLength(0);

    const forged = await page(path, {
      ...form({ csrf: '0'.repeat(32) }),
      headers: { ...session, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.status).toBe(403);
    expect(vendor.rollbacks.filter((r) => r.deviceId === 'CON-1')).toHaveLength(0);

    const confirmed = await page(path, {
      ...form({ csrf, patchId: 'KB5050505' }),
      headers: { ...session, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(confirmed.status).toBe(303);
    const rollbackPath = confirmed.headers.get('location')!;
    expect(rollbackPath).toMatch(/^\/console\/rollbacks\/[0-9a-f-]{36}$/);
    await eventually(async () => vendor.rollbacks.some((r) => r.deviceId === 'CON-1'));
    const status = await page(rollbackPath, { headers: session });
    expect(status.status).toBe(200);
    const statusHtml = await status.text();
    expect(statusHtml).toContain('Rollback of KB5050505');
    expect(statusHtml).toMatch(/class="state running">running</);
    // While it runs the page refreshes itself.
    expect(statusHtml).toContain('http-equiv="refresh"');

    const viewer = await t.token('viewer');
    const viewerIn = await page('/console/sign-in', form({ token: viewer, next: path }));
    const viewerSession = { cookie: viewerIn.headers.get('set-cookie')!.split(';')[0] };
    const viewerPlan = await (await page(path, { headers: viewerSession })).text();
    // The rollback under way is what a viewer reads now; there is nothing to confirm.
    expect(viewerPlan).toContain('A rollback of KB5050505 is already running');
    expect(viewerPlan).toContain(`href="${rollbackPath}"`);
    expect(viewerPlan).not.toContain('Confirm rollback');
  });
});
