import type { Browser, Page } from 'playwright-core';
import { eventually, type TestApp } from '../support/app';
import { newPage, openBrowser, screenshot, signIn } from '../support/browser';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';

jest.setTimeout(180_000);

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

interface DeviceRow {
  id: string;
  displayName: string;
  clientId: string | null;
}

/**
 * The Devices pages in Chromium: searching the list, one device's links, patches, services,
 * readiness and incidents, an operator linking a record the monitoring knows under another
 * name, and a client-scoped token that sees its own client only.
 */
describe('devices console in a real browser', () => {
  let app: FakeToolsApp;
  let t: TestApp;
  let browser: Browser;
  let byName: (name: string) => Promise<DeviceRow>;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startFakeToolsApp(), openBrowser()]);
    ({ t } = app);
    byName = async (name) => {
      const res = await t.api<{ items: DeviceRow[] }>(
        'GET',
        `/api/v1/devices?q=${encodeURIComponent(name)}`,
      );
      const found = res.body.items.find((d) => d.displayName === name);
      if (!found) throw new Error(`no device ${name}`);
      return found;
    };
    await seed();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /**
   * Acme Dental: SRV-DB-01, known to the RMM and the monitor (matched by hostname), patched,
   * one failed install, waiting for a reboot, SQL Server down; APP-02 known to the RMM, and
   * the monitor's record of the same machine under the name app02-alias. Other Co: OTHER-01.
   */
  async function seed() {
    const acme = 'Acme Dental';
    const srv = { id: 'rmm-srv-01', hostname: 'SRV-DB-01', ip: '10.0.0.5' };
    const events = [
      { kind: 'patch.installed', at: 40, patch: { id: 'KB5034441', title: 'WinRE update' } },
      { kind: 'patch.failed', at: 35, patch: { id: 'KB5035555', title: '2026-11 .NET update' } },
      { kind: 'reboot.pending', at: 30, message: 'Windows Update' },
      { kind: 'service.down', at: 5, service: { name: 'MSSQLSERVER' } },
    ];
    for (const [n, e] of events.entries()) {
      const { at, ...rest } = e;
      const res = await app.rmm({
        eventId: `srv-${n}`,
        occurredAt: ago(at),
        client: acme,
        device: srv,
        ...rest,
      });
      expect(res.status).toBe(202);
    }
    await app.rmm({
      kind: 'agent.status',
      id: srv.id,
      hostname: srv.hostname,
      online: true,
      at: ago(1),
    });
    await app.monitor({
      problemId: 'w1',
      status: 'problem',
      at: ago(20),
      client: acme,
      host: 'SRV-DB-01',
      service: 'W32Time',
    });
    await app.monitor({
      problemId: 'w1',
      status: 'ok',
      at: ago(10),
      client: acme,
      host: 'SRV-DB-01',
      service: 'W32Time',
    });
    await app.rmm({
      eventId: 'app-1',
      kind: 'patch.installed',
      occurredAt: ago(50),
      client: acme,
      device: { id: 'rmm-app-02', hostname: 'APP-02', ip: '10.0.0.8' },
      patch: { id: 'KB5036666', title: 'Servicing stack update' },
    });
    await app.monitor({
      problemId: 'iis1',
      status: 'problem',
      at: ago(15),
      client: acme,
      host: 'app02-alias',
      service: 'W3SVC',
    });
    await app.rmm({
      eventId: 'other-1',
      kind: 'patch.installed',
      occurredAt: ago(45),
      client: 'Other Co',
      device: { id: 'rmm-other-01', hostname: 'OTHER-01', ip: '10.9.0.1' },
      patch: { id: 'KB5037777', title: 'Other update' },
    });
    // Normalizing is asynchronous: wait until every device and the incident are there.
    await eventually(async () => {
      const names = await Promise.all(
        ['SRV-DB-01', 'APP-02', 'app02-alias', 'OTHER-01'].map((n) => byName(n).catch(() => null)),
      );
      const services = await t.count(
        `health_event WHERE subject IN ('MSSQLSERVER', 'W32Time', 'W3SVC')`,
      );
      const incidents = await t.count(
        `incident i JOIN device d ON d.id = i.device_id WHERE d.display_name = 'SRV-DB-01'`,
      );
      return names.every(Boolean) && services >= 4 && incidents > 0;
    }, 30_000);
  }

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const rowsOf = async (page: Page, table: string) =>
    page.locator(`table#${table} tbody tr`).allInnerTexts();
  const listedNames = async (page: Page) =>
    page.locator('table#devices tbody tr td:first-child').allInnerTexts();

  it('finds a device by name and by IP, filters by client and lists the unmatched', async () => {
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, await t.token('viewer'), '/console/devices');
    expect(pathOf(page)).toBe('/console/devices');
    expect(await page.locator('nav a[aria-current="page"]').innerText()).toBe('Devices');
    // Sorted here: how upper and lower case sort is the database's collation.
    expect((await listedNames(page)).sort()).toEqual(
      ['APP-02', 'app02-alias', 'OTHER-01', 'SRV-DB-01'].sort(),
    );

    // The search box is a real, labelled field: found by its label, submitted with Enter.
    await page.getByLabel('Name, hostname or IP').fill('srv-db');
    await Promise.all([page.waitForURL(/q=srv-db/), page.keyboard.press('Enter')]);
    expect(await listedNames(page)).toEqual(['SRV-DB-01']);
    const [row] = await rowsOf(page, 'devices');
    expect(row).toContain('Acme Dental');
    expect(row).toContain('10.0.0.5');
    expect(row).toContain('fake-monitor');
    expect(row).toContain('fake-rmm');
    expect(row).toContain('Online');
    expect(row).toContain('Reboot pending');
    expect(row).not.toContain('one tool only');
    await screenshot(page, 'devices-list');

    await page.getByLabel('Name, hostname or IP').fill('10.9.0.1');
    await Promise.all([
      page.waitForURL(/q=10\.9\.0\.1/),
      page.getByRole('button', { name: 'Search' }).click(),
    ]);
    expect(await listedNames(page)).toEqual(['OTHER-01']);

    // Unmatched only, for one client: the monitor's record under another name.
    await page.getByLabel('Name, hostname or IP').fill('');
    await page.getByLabel('Client').selectOption({ label: 'Acme Dental' });
    await page.getByLabel('Unmatched only (known to one tool)').check();
    await Promise.all([
      page.waitForURL(/unmatched=1/),
      page.getByRole('button', { name: 'Search' }).click(),
    ]);
    expect(await page.locator('h1').innerText()).toBe('Unmatched devices');
    expect((await listedNames(page)).sort()).toEqual(['APP-02', 'app02-alias'].sort());
    expect((await rowsOf(page, 'devices')).every((r) => r.includes('one tool only'))).toBe(true);
    expect(await page.getByLabel('Unmatched only (known to one tool)').isChecked()).toBe(true);
    await screenshot(page, 'devices-unmatched');

    await page.getByLabel('Name, hostname or IP').fill('no-such-host');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No device matches these filters.').waitFor();
  });

  it("shows a device's links in every tool, patch history, services, readiness and incidents", async () => {
    const srv = await byName('SRV-DB-01');
    const [incident] = (
      await t.api<{ items: { id: string; title: string }[] }>(
        'GET',
        `/api/v1/incidents?deviceId=${srv.id}`,
      )
    ).body.items;
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, await t.token('viewer'), '/console/devices');
    await page.goto(`${t.baseUrl}/console/devices?q=SRV-DB-01`);
    await Promise.all([
      page.waitForURL(new RegExp(`/console/devices/${UUID}$`)),
      page.getByRole('link', { name: 'SRV-DB-01' }).click(),
    ]);
    expect(pathOf(page)).toBe(`/console/devices/${srv.id}`);
    expect(await page.locator('h1').innerText()).toBe('SRV-DB-01');
    expect(await page.locator('p.sub').innerText()).toContain('Acme Dental');

    const links = await rowsOf(page, 'links');
    expect(links).toHaveLength(2);
    const rmm = links.find((l) => l.startsWith('fake-rmm'))!;
    expect(rmm.split('\t').slice(0, 3)).toEqual(['fake-rmm', 'fake-rmm', 'rmm-srv-01']);
    expect(links.find((l) => l.startsWith('fake-monitor'))).toContain('hostname');

    const patches = await rowsOf(page, 'patches');
    const installed = patches.find((p) => p.includes('KB5034441'))!;
    expect(installed).toContain('WinRE update');
    expect(installed).toContain('installed');
    expect(patches.find((p) => p.includes('KB5035555'))).toContain('failed');
    // Newest first: the failed install came after the installed one.
    expect(patches.findIndex((p) => p.includes('KB5035555'))).toBeLessThan(
      patches.findIndex((p) => p.includes('KB5034441')),
    );

    const services = await rowsOf(page, 'services');
    expect(services.map((s) => s.split('\t').slice(0, 2))).toEqual([
      ['MSSQLSERVER', 'Stopped'],
      ['W32Time', 'Running'],
    ]);

    const readiness = await page.locator('#readiness').innerText();
    expect(readiness).toContain('Not safe to patch');
    expect(readiness).toContain('critical service MSSQLSERVER is down');
    expect(readiness).toContain('KB5035555 failed to install');
    expect(readiness).toContain('waits for a reboot (Windows Update)');

    const state = await page.locator('table.facts').innerText();
    expect(state).toMatch(/Online\s+Online/);
    expect(state).toMatch(/Pending reboot\s+Yes, since/);

    const incidentLink = page.locator('table#incidents a').first();
    expect(await incidentLink.innerText()).toBe(incident.title);
    expect(await incidentLink.getAttribute('href')).toBe(`/console/incidents/${incident.id}`);
    // A viewer reads; moving records is not offered.
    expect(await page.locator('#move').count()).toBe(0);
    await screenshot(page, 'device-page');

    // On a phone the page keeps to the screen's width: wide tables scroll in their box.
    await page.setViewportSize({ width: 390, height: 844 });
    // A string, evaluated in the page: the tests compile without the DOM's types.
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(page, 'device-page-phone');
  });

  it("links the monitor's record of a host under another name to the RMM's device", async () => {
    const alias = await byName('app02-alias');
    const target = await byName('APP-02');
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, await t.token('operator'), `/console/devices/${alias.id}`);
    expect(await page.locator('h1').innerText()).toBe('app02-alias');
    expect(await page.locator('.callout').innerText()).toContain('Known to one tool only');
    expect(await rowsOf(page, 'links')).toHaveLength(1);

    // The list offers the client's devices; a search by IP narrows it to the one.
    const move = page.locator('#move');
    await page.getByLabel('Find the device (name, hostname or IP)').fill('10.0.0.8');
    await Promise.all([
      page.waitForURL(/find=10\.0\.0\.8/),
      move.getByRole('button', { name: 'Find' }).click(),
    ]);
    const offered = await page
      .getByLabel('Move to', { exact: true })
      .locator('option')
      .allInnerTexts();
    expect(offered).toEqual(['Choose a device', 'APP-02 (10.0.0.8)']);
    expect(
      await page.getByLabel('Record', { exact: true }).locator('option').allInnerTexts(),
    ).toEqual([expect.stringMatching(/^fake-monitor \(fake-monitor\): /)]);
    await page.getByLabel('Move to', { exact: true }).selectOption({ label: 'APP-02 (10.0.0.8)' });
    await screenshot(page, 'device-move-form');
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/console/devices/${target.id}`),
      page.getByRole('button', { name: 'Move record' }).click(),
    ]);

    // APP-02 now shows both tools, with the monitor's service history.
    expect(await page.locator('h1').innerText()).toBe('APP-02');
    expect(await page.locator('p.notice').innerText()).toContain('now belongs to this device');
    const links = await rowsOf(page, 'links');
    expect(links.map((l) => l.split('\t')[0]).sort()).toEqual(['fake-monitor', 'fake-rmm']);
    expect(links.find((l) => l.startsWith('fake-monitor'))).toContain('manual');
    expect((await rowsOf(page, 'services')).map((s) => s.split('\t').slice(0, 2))).toEqual([
      ['W3SVC', 'Stopped'],
    ]);
    expect(await page.locator('.callout').count()).toBe(0);
    await screenshot(page, 'device-after-move');

    // The alias had no other record: it is gone, and the move is audited with who did it.
    const gone = await page.goto(`${t.baseUrl}/console/devices/${alias.id}`);
    expect(gone?.status()).toBe(404);
    expect((await t.api('GET', `/api/v1/devices/${alias.id}`)).status).toBe(404);
    const audit = await t.api<{ items: { action: string; actor: string }[] }>(
      'GET',
      '/api/v1/audit',
    );
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ action: 'device-link.move', actor: 'test-operator' }),
    );
  });

  it("keeps a client-scoped token to its own client's devices, by page and by API", async () => {
    const own = await byName('SRV-DB-01');
    const other = await byName('OTHER-01');
    const token = await t.token('operator', own.clientId);
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, token, '/console/devices');
    const names = await listedNames(page);
    expect(names).toContain('SRV-DB-01');
    expect(names).not.toContain('OTHER-01');
    // No client filter to choose another client from.
    expect(await page.getByLabel('Client').count()).toBe(0);
    await page.goto(`${t.baseUrl}/console/devices?q=OTHER&clientId=${other.clientId}`);
    expect(await page.locator('table#devices').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('No device matches these filters.');
    await screenshot(page, 'devices-scoped');

    const response = await page.goto(`${t.baseUrl}/console/devices/${other.id}`);
    expect(response?.status()).toBe(404);
    const text = await page.locator('main').innerText();
    expect(text).toContain(`device ${other.id} not found`);
    expect(text).not.toContain('OTHER-01');
    expect(text).not.toContain('KB5037777');
    await screenshot(page, 'device-scoped-other-client');

    // Its own device opens, without the move form (records move only with an unscoped token).
    await page.goto(`${t.baseUrl}/console/devices/${own.id}`);
    expect(await page.locator('h1').innerText()).toBe('SRV-DB-01');
    expect(await page.locator('#move').count()).toBe(0);

    const api = await t.api<{ items: DeviceRow[]; total: number }>(
      'GET',
      '/api/v1/devices',
      undefined,
      token,
    );
    expect(api.status).toBe(200);
    expect(api.body.items.length).toBeGreaterThan(0);
    expect(api.body.items.every((d) => d.clientId === own.clientId)).toBe(true);
    const foreign = await t.api('GET', `/api/v1/devices/${other.id}`, undefined, token);
    expect(foreign.status).toBe(404);
  });
});
