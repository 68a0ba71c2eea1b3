import type { Browser, Page } from 'playwright-core';
import { csrfFor } from '../../src/console/console-session';
import { eventually, type TestApp } from '../support/app';
import { newPage, openBrowser, screenshot, signIn } from '../support/browser';
import { startFakeToolsApp, type FakeToolsApp } from '../support/fake-tools-app';
import type { FakeVendor } from '../support/fake-vendor';

jest.setTimeout(180_000);

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

interface Message {
  id: string;
  status: string;
  incidentId: string | null;
  action: string;
}

/**
 * The Outbox page in Chromium: the helpdesk's address is wrong, so opening the tickets of two
 * incidents fails for good (HTTP 404). The dead letters are listed with their error; once the
 * address is fixed an operator retries one (the ticket is opened) and discards the other.
 */
describe('outbox console in a real browser', () => {
  let app: FakeToolsApp;
  let t: TestApp;
  let vendor: FakeVendor;
  let browser: Browser;
  let helpdesk: string;
  const dead: Record<string, { message: string; incident: string; title: string }> = {};

  beforeAll(async () => {
    [app, browser] = await Promise.all([startFakeToolsApp(), openBrowser()]);
    ({ t, vendor } = app);
    helpdesk = app.ids['fake-helpdesk'].id;
    await setHelpdeskUrl(`${vendor.url}/gone`);
    for (const host of ['OBX-RETRY', 'OBX-DISCARD']) dead[host] = await deadTicketFor(host);
    await setHelpdeskUrl(vendor.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function setHelpdeskUrl(baseUrl: string) {
    const res = await t.api('PATCH', `/api/v1/connectors/${helpdesk}`, { settings: { baseUrl } });
    expect(res.status).toBe(200);
  }

  /** A server patched, then SQL Server down: an incident whose ticket cannot be opened. */
  async function deadTicketFor(host: string) {
    const device = { id: host, hostname: host };
    const base = { client: `${host} Co`, device };
    await app.rmm({
      ...base,
      eventId: `${host}-p`,
      kind: 'patch.installed',
      occurredAt: ago(30),
      patch: { id: 'KB5070707', title: 'Cumulative Update' },
    });
    await app.rmm({
      ...base,
      eventId: `${host}-d`,
      kind: 'service.down',
      occurredAt: ago(2),
      service: { name: 'MSSQLSERVER' },
    });
    const incident = await eventually(async () => {
      const res = await t.api<{ items: { id: string; title: string }[] }>(
        'GET',
        '/api/v1/incidents',
      );
      return res.body.items.find((i) => i.title.includes(host));
    });
    const message = await eventually(async () => {
      const res = await t.api<{ items: Message[] }>(
        'GET',
        `/api/v1/outbox?status=dead&instanceId=${helpdesk}`,
      );
      return res.body.items.find((m) => m.incidentId === incident.id);
    });
    return { message: String(message.id), incident: incident.id, title: incident.title };
  }

  const statusOf = async (id: string) =>
    (await t.api<Message>('GET', `/api/v1/outbox/${id}`)).body.status;
  const rowOf = (page: Page, id: string) => page.locator(`table#dead-letters tr#message-${id}`);

  it('shows a viewer the dead letters with their error, without Retry or Discard', async () => {
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, await t.token('viewer'), '/console/outbox');
    expect(await page.locator('h1').innerText()).toBe('Outbox');
    expect(await page.locator('nav a[aria-current="page"]').innerText()).toBe('Outbox');
    expect(await page.locator('table#dead-letters tbody tr.message').count()).toBe(2);
    expect(await page.getByRole('button', { name: /Retry|Discard/ }).count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain(
      'Retrying and discarding need the operator role; your token is viewer.',
    );
  });

  it('lists each dead letter with tool, incident, attempts and error; retries one and discards another', async () => {
    const operator = await t.token('operator');
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, operator, '/console/outbox');
    expect(await page.locator('#counts-h + p').innerText()).toContain('Dead: 2');

    const { message: retryId, incident, title } = dead['OBX-RETRY'];
    const row = rowOf(page, retryId);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toContain(`#${retryId} Open the ticket`);
    expect(cells[1]).toContain('fake-helpdesk');
    expect(cells[2]).toContain(title);
    expect(await row.locator('td').nth(2).locator('a').getAttribute('href')).toBe(
      `/console/incidents/${incident}`,
    );
    expect(cells[3]).toBe('1 of 8');
    expect(cells[4]).toContain('/gone/psa/tickets: HTTP 404 (not found)');
    // What it would have sent, behind a disclosure the keyboard opens.
    const details = page.locator(`#payload-${retryId} details`);
    await details.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await details.locator('pre').innerText()).toContain('"summary"');
    await screenshot(page, 'outbox-dead-letters');

    // Retry: queued again, delivered to the (now reachable) helpdesk, gone from the list.
    expect(vendor.tickets.find((x) => x.host === 'OBX-RETRY')).toBeUndefined();
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('retried') === retryId),
      page.getByRole('button', { name: `Retry message ${retryId}` }).click(),
    ]);
    expect(await page.locator('p.notice').innerText()).toBe(
      `Message ${retryId} is queued for delivery again, from its first attempt.`,
    );
    await eventually(async () => (await statusOf(retryId)) === 'delivered');
    expect(vendor.tickets.find((x) => x.host === 'OBX-RETRY')).toBeDefined();
    await page.reload();
    expect(await rowOf(page, retryId).count()).toBe(0);

    // Discard: never delivered, kept for the record.
    const discardId = dead['OBX-DISCARD'].message;
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('discarded') === discardId),
      page.getByRole('button', { name: `Discard message ${discardId}` }).click(),
    ]);
    expect(await page.locator('p.notice').innerText()).toContain(
      `Message ${discardId} is discarded`,
    );
    expect(await statusOf(discardId)).toBe('discarded');
    expect(await rowOf(page, discardId).count()).toBe(0);
    expect(await page.locator(`#payload-${discardId}`).count()).toBe(0);
    expect(await page.locator('h2#dead-h').innerText()).toBe('No dead letters');
    expect(await page.locator('#counts-h + p').innerText()).toContain('Discarded: 1');
    await screenshot(page, 'outbox-after');
    expect(vendor.tickets.find((x) => x.host === 'OBX-DISCARD')).toBeUndefined();

    const audit = await t.api<{ items: { action: string; targetId: string; actor: string }[] }>(
      'GET',
      '/api/v1/audit',
    );
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'outbox.retry',
          targetId: retryId,
          actor: 'test-operator',
        }),
        expect.objectContaining({
          action: 'outbox.discard',
          targetId: discardId,
          actor: 'test-operator',
        }),
      ]),
    );

    // Discarding it again is refused with the reason, as the API refuses it.
    const again = await page.request.post(`${t.baseUrl}/console/outbox/${discardId}/discard`, {
      form: { csrf: csrfFor(operator) },
    });
    expect(again.status()).toBe(400);
    expect(await again.text()).toContain(`message ${discardId} is discarded`);
  });

  it('reads on a phone: the table scrolls in its box, the page keeps to the screen', async () => {
    await setHelpdeskUrl(`${vendor.url}/gone`);
    const { message } = await deadTicketFor('OBX-PHONE');
    await setHelpdeskUrl(vendor.url);
    const page = await newPage(browser);
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, t.baseUrl, await t.token('operator'), '/console/outbox');
    expect(await rowOf(page, message).count()).toBe(1);
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(page, 'outbox-phone');
  });

  it('refuses a client-scoped token: a 403 page, no Outbox link, and the API agrees', async () => {
    const [{ clientId }] = (
      await t.api<{ items: { clientId: string }[] }>('GET', '/api/v1/devices?q=OBX-RETRY')
    ).body.items;
    const token = await t.token('operator', clientId);
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, token, '/console/devices');
    expect(await page.locator('header nav a', { hasText: 'Outbox' }).count()).toBe(0);
    const response = await page.goto(`${t.baseUrl}/console/outbox`);
    expect(response?.status()).toBe(403);
    const text = await page.locator('main').innerText();
    expect(text).toContain('needs a token for every client');
    expect(text).not.toContain('fake-helpdesk');
    await screenshot(page, 'outbox-scoped');

    // A well-formed form of an operator's session: refused for the scope alone.
    const posted = await page.request.post(
      `${t.baseUrl}/console/outbox/${dead['OBX-DISCARD'].message}/retry`,
      {
        form: { csrf: csrfFor(token) },
      },
    );
    expect(posted.status()).toBe(403);
    expect(await posted.text()).toContain('needs a token for every client');
    expect(await statusOf(dead['OBX-DISCARD'].message)).toBe('discarded');
    expect((await t.api('GET', '/api/v1/outbox', undefined, token)).status).toBe(403);
  });
});
