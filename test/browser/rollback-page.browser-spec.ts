import type { Browser, Page } from 'playwright-core';
import type { RollbackResult } from '../../connectors/contract/connector';
import { eventually, type TestApp } from '../support/app';
import { newPage, openBrowser, screenshot, signIn } from '../support/browser';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';
import type { FakeVendor } from '../support/fake-vendor';

// A real browser, a real service and a page that refreshes itself every 5 s: generous time.
jest.setTimeout(180_000);

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const removed = (kb: string): RollbackResult => ({
  state: 'succeeded',
  exitCode: 0,
  detail: 'script finished with SUCCESS',
  report: { kb, outcome: 'removed', exitCode: 0 },
});

/**
 * The rollback link from a ticket, opened in Chromium: sign in, read the plan, confirm with one
 * click, watch the page follow the rollback to its end, sign out. And what a viewer and a token
 * of another client see.
 */
describe('rollback console in a real browser', () => {
  let app: FakeToolsApp;
  let t: TestApp;
  let vendor: FakeVendor;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startFakeToolsApp({ ROLLBACK_POLL_SECONDS: '1' }),
      openBrowser(),
    ]);
    ({ t, vendor } = app);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A browser page with its own cookies; closed with the browser. */
  const freshPage = () => newPage(browser);

  /** A server patched 30 min ago whose SQL Server then stopped; the link in its ticket. */
  async function incidentFor(host: string, client: string, kb: string) {
    const device = { id: host, hostname: host };
    await app.rmm({
      eventId: `${host}-p`,
      kind: 'patch.installed',
      occurredAt: ago(30),
      client,
      device,
      patch: { id: kb, title: '2026-11 Cumulative Update' },
    });
    await app.rmm({
      eventId: `${host}-d`,
      kind: 'service.down',
      occurredAt: ago(2),
      client,
      device,
      service: { name: 'MSSQLSERVER' },
    });
    const ticket = await eventually(async () => vendor.tickets.find((x) => x.host === host));
    const link = /Rollback: (\S+)/.exec(ticket.description);
    if (!link) throw new Error(`no rollback link in the ticket for ${host}`);
    const path = new URL(link[1]).pathname;
    expect(path).toMatch(new RegExp(`^/console/incidents/${UUID}/rollback$`));
    const id = path.split('/')[3];
    const incident = await t.api<{ clientId: string }>('GET', `/api/v1/incidents/${id}`);
    return { path, id, clientId: incident.body.clientId };
  }

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const mainText = (page: Page) => page.locator('main').innerText();
  const stateBadge = (page: Page) => page.locator('main section').first().locator('.state');

  it('signs in from the ticket link, confirms with one click and follows the rollback to its end', async () => {
    const host = 'BRW-1';
    const kb = 'KB5060606';
    const { path } = await incidentFor(host, 'Browser Co', kb);
    const page = await freshPage();

    // The link without a session: the sign-in page, which remembers where to go back to.
    await page.goto(t.baseUrl + path);
    expect(pathOf(page)).toBe('/console/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe(path);
    await expect(page.title()).resolves.toBe('Sign in · Switchboard');
    expect(await page.locator('input[name="token"]').count()).toBe(1);
    await screenshot(page, 'rollback-1-sign-in');

    // A wrong token: the form again, with the reason, still headed for the plan.
    await page.locator('input[name="token"]').fill('sb_nope');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('p.error').waitFor();
    expect(await page.locator('p.error').innerText()).toContain('unknown or revoked');
    expect(await page.locator('input[name="next"]').inputValue()).toBe(path);
    await screenshot(page, 'rollback-2-wrong-token');

    await signIn(page, t.baseUrl, await t.token('operator'));
    expect(pathOf(page)).toBe(path);

    // The plan: the device, every pre-flight check, the button naming the patch.
    expect(await page.locator('h1').innerText()).toBe(`Roll back ${kb}`);
    expect(await page.locator('header').innerText()).toContain('test-operator · operator');
    const plan = page.locator('main section').first();
    expect(await plan.locator('h2').first().innerText()).toBe(`${host} through fake-rmm`);
    expect(await plan.locator('.state').innerText()).toBe('Ready to run');
    const checks = await plan.locator('table tr').allInnerTexts();
    expect(checks.slice(1).map((row) => row.split('\t')[0])).toEqual([
      'rmm',
      'removable',
      'installed',
      'no-other-rollback',
      'online',
      'approval',
    ]);
    expect(await plan.innerText()).toContain(`${kb} is installed on ${host}`);
    expect(await plan.locator('span.bad').count()).toBe(0);
    const confirm = page.getByRole('button', { name: `Confirm rollback of ${kb}` });
    expect(await confirm.isVisible()).toBe(true);
    expect(vendor.rollbacks.filter((r) => r.deviceId === host)).toHaveLength(0);
    await screenshot(page, 'rollback-3-plan');

    // One click: the rollback page, running, refreshing itself while it runs.
    await confirm.click();
    await page.waitForURL(new RegExp(`/console/rollbacks/${UUID}$`));
    const rollbackPath = pathOf(page);
    expect(await page.locator('h1').innerText()).toBe(`Rollback of ${kb}`);
    expect(await stateBadge(page).innerText()).toBe('running');
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('5');
    expect(await mainText(page)).toContain(`${host} (through fake-rmm)`);
    await screenshot(page, 'rollback-4-running');

    // The RMM reports the patch removed and the service back: the page shows it by itself.
    const n = await eventually(async () => {
      const at = vendor.rollbacks.findIndex((r) => r.deviceId === host);
      return at >= 0 ? at + 1 : undefined;
    });
    vendor.services.set(host, [{ name: 'MSSQLSERVER', state: 'running', startType: 'auto' }]);
    vendor.finishRollback(n, removed(kb));
    await stateBadge(page)
      .filter({ hasText: /^succeeded$/ })
      .waitFor({ timeout: 60_000 });
    expect(pathOf(page)).toBe(rollbackPath);
    const result = await mainText(page);
    expect(result).toContain('script finished with SUCCESS');
    expect(result).toContain(`Remove-Patch removed ${kb} (exit 0)`);
    expect(result).toContain('MSSQLSERVER: running');
    // Finished: no more refreshing.
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    const steps = await page.locator('table.steps .state').allInnerTexts();
    expect(steps[0]).toBe('requested');
    expect(steps.at(-1)).toBe('succeeded');
    await screenshot(page, 'rollback-5-succeeded');

    // Back to the plan: the rollback is over, the patch is gone.
    await page.getByRole('link', { name: 'Back to the plan' }).click();
    await page.waitForURL((url) => url.pathname === path);
    expect(await plan.locator('.state').innerText()).toBe('Would be refused');
    expect(await plan.innerText()).toContain(`${kb} is no longer installed on ${host}`);
    await screenshot(page, 'rollback-6-plan-after');

    // Signing out ends the session: the plan asks for a sign-in again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/console/sign-in');
    expect((await page.context().cookies()).filter((c) => c.name === 'sb_console')).toEqual([]);
    await screenshot(page, 'rollback-7-signed-out');
    await page.goto(t.baseUrl + path);
    expect(pathOf(page)).toBe('/console/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe(path);
    await page.goto(t.baseUrl + rollbackPath);
    expect(pathOf(page)).toBe('/console/sign-in');
  });

  it('shows a viewer the plan without the confirm button', async () => {
    const { path } = await incidentFor('BRW-VIEW', 'Viewer Co', 'KB5060707');
    const page = await freshPage();
    await signIn(page, t.baseUrl, await t.token('viewer'), path);
    expect(pathOf(page)).toBe(path);
    expect(await page.locator('h1').innerText()).toBe('Roll back KB5060707');
    expect(await mainText(page)).toContain('KB5060707 is installed on BRW-VIEW');
    expect(await mainText(page)).toContain(
      'Rolling back needs the operator role; your token is viewer.',
    );
    expect(await page.getByRole('button', { name: /Confirm rollback/ }).count()).toBe(0);
    expect(await page.locator('form[action$="/rollback"]').count()).toBe(0);
    await screenshot(page, 'viewer-plan');
  });

  it("tells a token of one client that another client's incident is not found", async () => {
    const own = await incidentFor('BRW-OWN', 'Scoped Co', 'KB5060808');
    const other = await incidentFor('BRW-OTHER', 'Not Yours Co', 'KB5060909');
    expect(other.clientId).not.toBe(own.clientId);
    const page = await freshPage();
    await signIn(page, t.baseUrl, await t.token('operator', own.clientId), other.path);

    const response = await page.goto(t.baseUrl + other.path);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Not found');
    expect(await mainText(page)).toContain(`incident ${other.id} not found`);
    expect(await mainText(page)).not.toContain('KB5060909');
    expect(await page.getByRole('button', { name: /Confirm rollback/ }).count()).toBe(0);
    await screenshot(page, 'scoped-other-client');

    // Its own client's incident opens as usual.
    await page.goto(t.baseUrl + own.path);
    expect(await page.locator('h1').innerText()).toBe('Roll back KB5060808');
    expect(
      await page.getByRole('button', { name: 'Confirm rollback of KB5060808' }).isVisible(),
    ).toBe(true);
  });
});
