import type { Browser, Page } from 'playwright-core';
import { ComplianceSnapshotJob } from '../../src/compliance/compliance-snapshot.job';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { newPage, openBrowser, screenshot, signIn } from '../support/browser';

// A real browser, a real service and a region that refreshes itself every 15 s.
jest.setTimeout(180_000);

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

interface ClientRow {
  clientId: string;
  name: string;
  devices: number;
}

/** The CSV's rows as lists of cells (the seeded names hold no quotes or commas). */
function csvRows(text: string): string[][] {
  return text
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => line.split(','));
}

/**
 * The compliance pages in Chromium, against the real service: seeded devices give the counts,
 * colours and words the rule says; a filter and its CSV agree row for row; a client-scoped
 * sign-in sees only its client; counts change on an open page as events arrive; sign-out ends
 * the session.
 */
describe('compliance console in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let send: (events: object[]) => Promise<void>;
  let northwind: ClientRow;
  let contoso: ClientRow;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), openBrowser()]);
    const created = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      { kind: 'generic', name: 'Patch scripts' },
    );
    send = async (events) => {
      const res = await t.post(`/webhooks/${created.body.id}`, JSON.stringify(events), {
        'x-switchboard-token': created.body.webhook.secret,
      });
      expect(res.status).toBe(202);
    };
    const nw = (hostname: string, extra: object = {}) => ({
      client: 'Northwind Dental',
      device: { hostname, ...extra },
    });
    await send([
      // A server missing a critical patch for 20 days: high, and one level up as a server.
      {
        eventId: 'sql',
        kind: 'patch.pending',
        occurredAt: daysAgo(20),
        ...nw('NW-SQL-01', { os: 'Windows Server 2022', role: 'server' }),
        patch: { id: 'KB5040001', title: '2026-11 Cumulative Update', severity: 'critical' },
      },
      {
        eventId: 'ws1',
        kind: 'patch.failed',
        occurredAt: daysAgo(1),
        ...nw('NW-WS-01'),
        patch: { id: 'KB5040002', severity: 'moderate' },
      },
      {
        eventId: 'ws2',
        kind: 'patch.pending',
        occurredAt: daysAgo(2),
        ...nw('NW-WS-02'),
        patch: { id: 'KB5040003', severity: 'important' },
      },
      { eventId: 'ws3', kind: 'reboot.pending', occurredAt: daysAgo(0.1), ...nw('NW-WS-03') },
      {
        eventId: 'ws4',
        kind: 'patch.installed',
        occurredAt: daysAgo(3),
        ...nw('NW-WS-04'),
        patch: { id: 'KB5040003', severity: 'important' },
      },
      // Definition updates never count.
      {
        eventId: 'ws5',
        kind: 'patch.pending',
        occurredAt: daysAgo(30),
        ...nw('NW-WS-05'),
        patch: { id: 'KB2267602', severity: 'critical', category: 'definition' },
      },
      {
        eventId: 'ct1',
        kind: 'patch.installed',
        occurredAt: daysAgo(4),
        client: 'Contoso Legal',
        device: { hostname: 'CT-WS-01' },
        patch: { id: 'KB5040003' },
      },
      // A reboot pending for 5 days: medium.
      {
        eventId: 'ct2',
        kind: 'reboot.pending',
        occurredAt: daysAgo(5),
        client: 'Contoso Legal',
        device: { hostname: 'CT-WS-02' },
      },
    ]);
    const clients = await eventually(async () => {
      const res = await t.api<{ items: ClientRow[] }>('GET', '/api/v1/compliance');
      const devices = res.body.items.reduce((n, c) => n + c.devices, 0);
      return devices === 8 ? res.body.items : null;
    });
    northwind = clients.find((c) => c.name === 'Northwind Dental')!;
    contoso = clients.find((c) => c.name === 'Contoso Legal')!;
    // The day's snapshot, as the scheduled job takes it, for the trend chart.
    await t.app.get(ComplianceSnapshotJob).take(true);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const rowOf = (page: Page, name: string) =>
    page.locator('table#clients tbody tr', { has: page.getByRole('link', { name }) });

  it('shows each client with its counts, a coloured risk bar and the same in words', async () => {
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, t.adminToken, '/console');
    expect(new URL(page.url()).pathname).toBe('/console');
    await expect(page.locator('h1').innerText()).resolves.toBe('Patch compliance');

    const nw = rowOf(page, 'Northwind Dental');
    await expect(nw.locator('.risk').innerText()).resolves.toBe('critical');
    await expect(nw.locator('.bar-label').innerText()).resolves.toBe(
      '1 critical, 1 high, 1 medium, 1 low, 2 compliant of 6',
    );
    const cells = await nw.locator('td.num').allInnerTexts();
    // devices, compliant %, missing, failed, reboot pending
    expect(cells).toEqual(['6', '33%', '2', '1', '1']);
    const colour = (level: string) =>
      page.evaluate(
        `getComputedStyle(document.querySelector('tr[data-client-id="${northwind.clientId}"] .bar-${level}')).backgroundColor`,
      );
    await expect(colour('critical')).resolves.toBe('rgb(122, 16, 16)');
    await expect(colour('compliant')).resolves.toBe('rgb(50, 168, 82)');
    await expect(nw.locator('.bar-compliant').getAttribute('style')).resolves.toBe('width: 33.3%');

    const ct = rowOf(page, 'Contoso Legal');
    await expect(ct.locator('.risk').innerText()).resolves.toBe('medium');
    await expect(ct.locator('.bar-label').innerText()).resolves.toBe('1 medium, 1 compliant of 2');
    // The most at risk first.
    const names = await page.locator('table#clients tbody tr td:first-child').allInnerTexts();
    expect(names).toEqual(['Northwind Dental', 'Contoso Legal']);
    // Today's snapshot is a bar of the 30-day chart, and its words.
    await expect(page.locator('svg.chart g g').count()).resolves.toBe(1);
    await expect(page.locator('#trend-summary').innerText()).resolves.toMatch(
      /^Compliant devices: 37% on \d{4}-\d\d-\d\d, the first daily snapshot\.$/,
    );
    await screenshot(page, 'compliance-landing');

    await page.getByRole('link', { name: 'Northwind Dental' }).click();
    await page.waitForURL(`**/console/compliance/clients/${northwind.clientId}`);
    const sql = page.locator('tr', { has: page.getByRole('link', { name: 'NW-SQL-01' }) });
    await expect(sql.locator('.risk').innerText()).resolves.toBe('critical');
    await expect(sql.innerText()).resolves.toMatch(
      /server[\s\S]*Windows Server 2022[\s\S]*1 critical[\s\S]*20 days/,
    );
    await screenshot(page, 'compliance-client');

    // The device's own page says the same, patch by patch.
    await page.getByRole('link', { name: 'NW-SQL-01' }).click();
    await page.waitForURL(/\/console\/devices\//);
    await expect(page.locator('#compliance-h').innerText()).resolves.toBe(
      'Patch compliance: critical',
    );
    await expect(page.locator('#missing-patches tbody tr').innerText()).resolves.toMatch(
      /^KB5040001\s+2026-11 Cumulative Update\s+missing \(pending\)\s+critical\s+20 days\s+yes$/,
    );
    await screenshot(page, 'compliance-device');
    await page.goBack();
    await page.getByRole('link', { name: 'NW-WS-05' }).click();
    await page.waitForURL(/\/console\/devices\//);
    await expect(page.locator('#compliance-h').innerText()).resolves.toBe(
      'Patch compliance: compliant',
    );
    await expect(page.locator('#missing-patches tbody tr').innerText()).resolves.toContain(
      'no: category definition is excluded',
    );
  });

  it('exports exactly the rows a filter selects, in the same order', async () => {
    const page = await newPage(browser);
    await signIn(
      page,
      t.baseUrl,
      t.adminToken,
      `/console/compliance/clients/${northwind.clientId}`,
    );
    await page.getByLabel('Risk', { exact: true }).selectOption('critical,high,medium,low');
    await page.getByLabel('Sort by').selectOption('name');
    await page.getByLabel('Order').selectOption('asc');
    await Promise.all([
      page.waitForURL(/risk=/),
      page.getByRole('button', { name: 'Apply' }).click(),
    ]);
    const shown = await page.locator('table#devices tbody tr td:first-child a').allInnerTexts();
    expect(shown).toEqual(['NW-SQL-01', 'NW-WS-01', 'NW-WS-02', 'NW-WS-03']);

    const link = page.getByRole('link', { name: /Download CSV of these 4 devices/ });
    const href = await link.getAttribute('href');
    expect(href).toContain('risk=critical%2Chigh%2Cmedium%2Clow');
    const csv = await page.request.get(new URL(href!, t.baseUrl).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const rows = csvRows(await csv.text());
    expect(rows.map((r) => r[1])).toEqual(shown);
    expect(rows.map((r) => r[2])).toEqual(['critical', 'high', 'medium', 'low']);
    await screenshot(page, 'compliance-filtered');

    // The landing page: the medium clients only, and their CSV.
    await page.goto(`${t.baseUrl}/console?risk=medium`);
    const clients = await page.locator('table#clients tbody tr td:first-child').allInnerTexts();
    expect(clients).toEqual(['Contoso Legal']);
    const clientsHref = await page
      .getByRole('link', { name: /Download CSV of these 1 clients/ })
      .getAttribute('href');
    const clientsCsv = csvRows(
      await (await page.request.get(new URL(clientsHref!, t.baseUrl).toString())).text(),
    );
    expect(clientsCsv.map((r) => r[0])).toEqual(clients);
  });

  it('shows a client-scoped sign-in only its own client, by page and by API', async () => {
    const token = await t.token('viewer', contoso.clientId);
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, token, '/console');
    const names = await page.locator('table#clients tbody tr td:first-child').allInnerTexts();
    expect(names).toEqual(['Contoso Legal']);
    await expect(page.locator('.tiles li').first().innerText()).resolves.toMatch(/^2\s+devices$/);

    const other = await page.goto(`${t.baseUrl}/console/compliance/clients/${northwind.clientId}`);
    expect(other?.status()).toBe(404);
    await expect(page.locator('main').innerText()).resolves.toContain(
      `client ${northwind.clientId} not found`,
    );
    await expect(page.locator('main').innerText()).resolves.not.toContain('NW-SQL-01');
    await screenshot(page, 'compliance-scoped-404');
    const csv = await page.request.get(
      `${t.baseUrl}/console/compliance/clients/${northwind.clientId}/devices.csv`,
    );
    expect(csv.status()).toBe(404);
    const api = await t.api(
      'GET',
      `/api/v1/compliance/clients/${northwind.clientId}`,
      undefined,
      token,
    );
    expect(api.status).toBe(404);
    const own = await t.api<{ items: unknown[] }>(
      'GET',
      `/api/v1/compliance/clients/${contoso.clientId}`,
      undefined,
      token,
    );
    expect(own.status).toBe(200);
    expect(own.body.items).toHaveLength(2);
  });

  it('changes the counts on an open page when an event arrives, without a reload', async () => {
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, t.adminToken, '/console');
    const ct = rowOf(page, 'Contoso Legal');
    await expect(ct.locator('.risk').innerText()).resolves.toBe('medium');
    await page.evaluate('window.__notReloaded = true');
    await send([
      {
        eventId: 'ct1-failed',
        kind: 'patch.failed',
        occurredAt: daysAgo(0.01),
        client: 'Contoso Legal',
        device: { hostname: 'CT-WS-01' },
        patch: { id: 'KB5040009', severity: 'critical' },
      },
    ]);
    await page
      .locator(`tr[data-client-id="${contoso.clientId}"] .bar-label`, {
        hasText: /^1 high, 1 medium of 2$/,
      })
      .waitFor({ timeout: 60_000 });
    await expect(page.evaluate('window.__notReloaded')).resolves.toBe(true);
    await screenshot(page, 'compliance-live');
  });

  it('ends the session on sign-out', async () => {
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, t.adminToken, '/console');
    await Promise.all([
      page.waitForURL(/\/console\/sign-in\?signedOut=1$/),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    await page.goto(`${t.baseUrl}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    const csv = await page.request.get(`${t.baseUrl}/console/compliance.csv`, {
      maxRedirects: 0,
    });
    expect(csv.status()).toBe(303);
  });
});
