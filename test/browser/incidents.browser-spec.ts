import type { Browser, Page } from 'playwright-core';
import type { RollbackResult } from '../../connectors/contract/connector';
import { eventually, type TestApp } from '../support/app';
import { newPage, openBrowser, screenshot, signIn } from '../support/browser';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';
import type { FakeVendor } from '../support/fake-vendor';

// A real browser, a real service and pages that refresh themselves every 5 s: generous time.
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
 * The incident pages in Chromium: the list that shows the 2 AM incident while it is open, the
 * incident's page with its timeline picture, suspects, texts sent and tickets, the Roll back
 * button through the confirmation to the rollback's end, and what a viewer and a token of
 * another client see.
 */
describe('incident pages in a real browser', () => {
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

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const rowOf = (page: Page, host: string) =>
    page.locator('#incident-list tbody tr[data-incident]').filter({ hasText: host });
  const stage = (page: Page, key: string) => page.locator(`ol.stages li[data-stage="${key}"]`);
  const incidentIdOf = async (host: string) =>
    eventually(async () => {
      const list = await t.api<{ items: { id: string; title: string; clientId: string }[] }>(
        'GET',
        '/api/v1/incidents',
      );
      return list.body.items.find((i) => i.title.startsWith(host));
    });

  /** A server patched 30 min ago whose SQL Server then stopped; resolves to its incident. */
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
    await eventually(async () => vendor.tickets.find((x) => x.host === host));
    return incidentIdOf(host);
  }

  it('shows the 2 AM incident in the open list without a reload, then its whole story', async () => {
    const host = 'Server-01';
    const kb = 'KB5034441';
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, await t.token('operator'), '/console/incidents');
    expect(pathOf(page)).toBe('/console/incidents');
    expect(await page.locator('h1').innerText()).toBe('Incidents');
    expect(await page.locator('header nav a[aria-current="page"]').innerText()).toBe('Incidents');
    expect(await page.locator('#incident-list').getAttribute('data-live')).toBe('5');
    expect(await page.locator('#incident-list tbody').innerText()).toContain('No incidents yet');
    // Every filter has a real label.
    expect(await page.getByLabel('State').count()).toBe(1);
    expect(await page.getByLabel('Client').count()).toBe(1);
    expect(await page.getByLabel('Device or title').count()).toBe(1);
    // Only open incidents: the list the technician keeps open at 2 AM.
    await page.getByLabel('State').selectOption('open');
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('state') === 'open'),
      page.getByRole('button', { name: 'Show' }).click(),
    ]);
    // A reload would lose this mark: it proves the row arrives by the live refresh alone.
    await page.evaluate(`document.body.setAttribute('data-loaded-once', 'yes')`);

    // The night: the patch, the reboot, post-patch verification finds SQL Server stopped,
    // monitoring sees the server offline.
    vendor.services.set(host, [
      { name: 'MSSQLSERVER', state: 'stopped', startType: 'auto' },
      { name: 'Spooler', state: 'running', startType: 'auto' },
    ]);
    const device = { id: host, hostname: host };
    await app.rmm({
      eventId: 'two-am-p',
      kind: 'patch.installed',
      occurredAt: ago(30),
      client: 'Acme Dental',
      device,
      patch: { id: kb, title: '2024-01 Security Update (WinRE)', severity: 'critical' },
    });
    await app.rmm({
      eventId: 'two-am-r',
      kind: 'device.rebooted',
      occurredAt: ago(25),
      client: 'Acme Dental',
      device,
    });
    const { id } = await incidentIdOf(host);
    await app.monitor({
      problemId: 'P-77',
      status: 'problem',
      at: ago(2),
      client: 'Acme Dental',
      host,
    });
    const ticket = await eventually(async () => vendor.tickets.find((x) => x.host === host));
    const note = await eventually(async () => vendor.notes.find((n) => n.problemId === 'P-77'));

    const row = rowOf(page, host);
    await row.waitFor({ timeout: 30_000 });
    // The ticket's id comes with a later refresh once the helpdesk answered.
    await row.filter({ hasText: ticket.id }).waitFor({ timeout: 30_000 });
    expect(await page.locator('body').getAttribute('data-loaded-once')).toBe('yes');
    expect(await page.locator('#incident-list').getAttribute('data-refreshed')).toBeTruthy();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe('open');
    expect(cells[1]).toContain(host);
    expect(cells[2]).toBe('Patch and reboot');
    expect(cells[3]).toBe('Acme Dental');
    expect(cells[4]).toBe(host);
    expect(cells[5]).toBe(kb);
    expect(cells[6]).toMatch(/^(just now|\d+ min)/);
    expect(cells[7]).toContain(`${ticket.id} on fake-helpdesk`);
    await screenshot(page, 'incidents-list');

    // The same list on a phone: nothing wider than the screen but the table, which scrolls.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      390,
    );
    await screenshot(page, 'incidents-list-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // By keyboard: the search field, Enter, the list of that device only.
    await page.getByLabel('Device or title').focus();
    await page.keyboard.type('server-0');
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('q') === 'server-0'),
      page.keyboard.press('Enter'),
    ]);
    expect(await rowOf(page, host).count()).toBe(1);
    await page.getByLabel('Device or title').fill('no-such-host');
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('q') === 'no-such-host'),
      page.keyboard.press('Enter'),
    ]);
    expect(await page.locator('#incident-list tbody').innerText()).toContain(
      'No incident matches these filters.',
    );

    // The incident's page, from the list.
    await page.goto(`${t.baseUrl}/console/incidents?state=open`);
    await rowOf(page, host).getByRole('link').click();
    await page.waitForURL((url) => url.pathname === `/console/incidents/${id}`);
    expect(await page.locator('h1').innerText()).toContain(host);
    const summary = await page.locator('#incident-live section').first().innerText();
    expect(summary).toContain('open');
    expect(summary).toContain('Patch and reboot');
    expect(summary).toContain('Acme Dental');

    // The picture: each stage with its word; what did not happen yet is "not reached".
    const reached = async (key: string) =>
      (await stage(page, key).getAttribute('data-reached')) === 'yes';
    expect(await reached('patch')).toBe(true);
    expect(await stage(page, 'patch').innerText()).toContain(`${kb} installed on ${host}`);
    expect(await reached('reboot')).toBe(true);
    expect(await reached('verification')).toBe(true);
    expect(await stage(page, 'verification').innerText()).toContain('failed');
    expect(await stage(page, 'verification').innerText()).toContain('MSSQLSERVER failed');
    expect(await reached('alert')).toBe(true);
    expect(await stage(page, 'alert').innerText()).toContain('problem P-77 on fake-monitor');
    expect(await reached('ticket')).toBe(true);
    expect(await stage(page, 'ticket').innerText()).toContain(`${ticket.id} on fake-helpdesk`);
    expect(await reached('rollback')).toBe(false);
    expect(await stage(page, 'rollback').innerText()).toContain('not reached');
    expect(await reached('recovery')).toBe(false);
    for (const key of ['patch', 'reboot', 'verification', 'alert', 'ticket'])
      expect(await stage(page, key).locator('.stage-time').innerText()).toMatch(/ UTC$/);

    // The suspects, ranked, with why.
    const suspects = page.locator('tr[data-suspect]');
    expect(await suspects.first().getAttribute('data-suspect')).toBe(kb);
    expect(await suspects.first().innerText()).toContain('a reboot followed the install');
    expect(await suspects.nth(1).getAttribute('data-suspect')).toBe('reboot');

    // The exact texts the tools received: the ticket's description and the alert note.
    const texts = page.locator('article.sent');
    const ticketText = texts.filter({ has: page.locator('h3', { hasText: 'Ticket created' }) });
    expect(await ticketText.locator('pre').innerText()).toBe(ticket.description);
    expect(await ticketText.innerText()).toContain(ticket.summary);
    const noteText = texts.filter({
      has: page.locator('h3', { hasText: 'Note on the monitoring problem' }),
    });
    // The tool's copy ends with the delivery marker the connector adds (a retry looks for it).
    expect(note.text).toMatch(/\n+\[SB-[0-9A-F]{12}\]$/);
    expect(await noteText.locator('pre').innerText()).toBe(
      note.text.replace(/\n+\[SB-[0-9A-F]{12}\]$/, ''),
    );
    expect(await noteText.locator('h3 .state').innerText()).toBe('delivered');

    // The linked ticket and alert.
    const links = await page.locator('section[aria-labelledby="links-title"]').innerText();
    expect(links).toContain(ticket.id);
    expect(links).toContain("the incident's ticket");
    expect(links).toContain('P-77');
    await screenshot(page, 'incident-detail');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      390,
    );
    await screenshot(page, 'incident-detail-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Roll back: the confirmation page names the patch and the device; one click runs it.
    const rollBack = page.getByRole('button', { name: `Roll back ${kb}` });
    expect(await rollBack.isVisible()).toBe(true);
    await rollBack.click();
    await page.waitForURL((url) => url.pathname === `/console/incidents/${id}/rollback`);
    expect(await page.locator('h1').innerText()).toBe(`Roll back ${kb}`);
    expect(await page.locator('main section h2').first().innerText()).toBe(
      `${host} through fake-rmm`,
    );
    await page.getByRole('button', { name: `Confirm rollback of ${kb}` }).click();
    await page.waitForURL(new RegExp(`/console/rollbacks/${UUID}$`));
    const rollbackId = pathOf(page).split('/')[3];

    // Back on the incident: the rollback under way, then its result, without a reload.
    await page.goto(`${t.baseUrl}/console/incidents/${id}`);
    const rollbackRow = page.locator(`tr[data-rollback="${rollbackId}"]`);
    expect(await rollbackRow.locator('.state').innerText()).toMatch(
      /^(requested|running|verifying)$/,
    );
    expect(await stage(page, 'rollback').getAttribute('data-reached')).toBe('yes');
    expect(await page.getByRole('button', { name: /^Roll back/ }).count()).toBe(0);
    expect(await page.locator('.rollback-action').innerText()).toContain('Follow it');
    await page.evaluate(`document.body.setAttribute('data-loaded-once', 'yes')`);
    await screenshot(page, 'incident-rollback-running');

    const n = await eventually(async () => {
      const at = vendor.rollbacks.findIndex((r) => r.deviceId === host);
      return at >= 0 ? at + 1 : undefined;
    });
    vendor.services.set(host, [{ name: 'MSSQLSERVER', state: 'running', startType: 'auto' }]);
    vendor.finishRollback(n, removed(kb));
    await rollbackRow
      .locator('.state')
      .filter({ hasText: /^succeeded$/ })
      .waitFor({ timeout: 60_000 });
    await page.locator('ol.stages li[data-stage="recovery"][data-reached="yes"]').waitFor();
    expect(await page.locator('body').getAttribute('data-loaded-once')).toBe('yes');
    expect(await rollbackRow.innerText()).toContain('MSSQLSERVER: running');
    expect(await stage(page, 'rollback').innerText()).toContain('succeeded');
    expect(await stage(page, 'recovery').innerText()).toContain(`Rolled back ${kb}`);
    expect(await page.locator('#incident-live .state').first().innerText()).toBe('resolved');
    expect(await page.locator('.rollback-action').innerText()).toContain(
      'The incident is resolved',
    );
    // The history below refreshes too: the script run sent to the RMM, the resolution.
    await page
      .locator('#incident-history article.sent[data-action="runRollback"]')
      .filter({ hasText: `Remove ${kb}` })
      .waitFor({ timeout: 30_000 });
    await page
      .locator('#incident-history tr')
      .filter({ hasText: `Rolled back ${kb}` })
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('tr[data-suspect]').first().innerText()).toContain('confirmed');
    expect(await page.locator('body').getAttribute('data-loaded-once')).toBe('yes');
    await screenshot(page, 'incident-rolled-back');

    // Resolved now: gone from the open list, under the open ones in the full list.
    await page.goto(`${t.baseUrl}/console/incidents?state=open`);
    expect(await rowOf(page, host).count()).toBe(0);
    await page.goto(`${t.baseUrl}/console/incidents?state=resolved`);
    expect(await rowOf(page, host).locator('.state').innerText()).toBe('resolved');
  });

  it('shows a viewer the incident without the Roll back button, and says why', async () => {
    const { id } = await incidentFor('INC-VIEW', 'Viewer Co', 'KB5070707');
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, await t.token('viewer'), `/console/incidents/${id}`);
    expect(pathOf(page)).toBe(`/console/incidents/${id}`);
    expect(await stage(page, 'patch').innerText()).toContain('KB5070707');
    expect(await page.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    expect(await page.locator('form[action$="/rollback"]').count()).toBe(0);
    expect(await page.locator('.rollback-action').innerText()).toContain(
      'Rolling back needs the operator role; your token is viewer.',
    );
    await screenshot(page, 'incident-viewer');
  });

  it("keeps a client's token to its own incidents: the list, the page, another's id is not found", async () => {
    const own = await incidentFor('INC-OWN', 'Scoped Co', 'KB5070808');
    const other = await incidentFor('INC-OTHER', 'Not Yours Co', 'KB5070909');
    expect(other.clientId).not.toBe(own.clientId);
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, await t.token('operator', own.clientId), '/console/incidents');

    const hosts = await page.locator('#incident-list tbody tr[data-incident]').allInnerTexts();
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.every((row) => row.includes('Scoped Co'))).toBe(true);
    expect(await rowOf(page, 'INC-OWN').count()).toBe(1);
    expect(await page.locator('main').innerText()).not.toContain('INC-OTHER');
    // No choice of client for a token of one client; a foreign one in the address shows nothing.
    expect(await page.getByLabel('Client').count()).toBe(0);
    await page.goto(`${t.baseUrl}/console/incidents?client=${other.clientId}`);
    expect(await rowOf(page, 'INC-OTHER').count()).toBe(0);
    await screenshot(page, 'incidents-scoped');

    const response = await page.goto(`${t.baseUrl}/console/incidents/${other.id}`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('main').innerText()).toContain(`incident ${other.id} not found`);
    expect(await page.locator('main').innerText()).not.toContain('KB5070909');
    await screenshot(page, 'incident-scoped-other-client');

    await page.goto(`${t.baseUrl}/console/incidents/${own.id}`);
    expect(await page.locator('h1').innerText()).toContain('INC-OWN');
    expect(await page.getByRole('button', { name: 'Roll back KB5070808' }).isVisible()).toBe(true);

    // The unscoped list puts every open incident above every resolved one.
    await t.api('POST', `/api/v1/incidents/${other.id}/resolve`, { note: 'fixed by hand' });
    const admin = await newPage(browser);
    await signIn(admin, t.baseUrl, await t.token('viewer'), '/console/incidents');
    const states = await admin
      .locator('#incident-list tbody tr[data-incident] .state')
      .allInnerTexts();
    expect(states).toContain('resolved');
    expect(states).toContain('open');
    expect(states.indexOf('resolved')).toBeGreaterThan(states.lastIndexOf('open'));
    expect(await rowOf(admin, 'INC-OTHER').locator('.state').innerText()).toBe('resolved');
  });
});
