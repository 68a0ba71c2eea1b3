import type { Browser, Page } from 'playwright-core';
import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { ConnectorHost } from '../../src/connector-instances/connector-host.service';
import { ConnectorInstancesService } from '../../src/connector-instances/connector-instances.service';
import { csrfFor } from '../../src/console/console-session';
import { startTestApp, type TestApp } from '../support/app';
import { newPage, openBrowser, screenshot, signIn } from '../support/browser';
import { probeConnector } from '../support/probe-connector';
import { StubVendor } from '../support/stub-vendor';

// A real browser, a real service, polls and a page that refreshes itself: generous time.
jest.setTimeout(180_000);

const PUBLIC_URL = 'https://switchboard.msp.example';
const NINJA_SECRET = 'ninja-client-secret-7f3a9c';
const NINJA_REFRESH = 'ninja-refresh-token-19be44';

interface ConnectorJson {
  id: string;
  name: string;
  kind: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  secretsSet: string[];
  webhook: { url: string; secret?: string } | null;
}

/**
 * The Connectors pages in Chromium: the list with health and webhook URLs, "Test connection"
 * against a stub vendor, an instance created and edited through the form generated from the
 * NinjaOne settings class, and what a viewer and a client-scoped token may do there.
 */
describe('connector console pages in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let vendor: StubVendor;
  /** What the stub vendor answers to the probe connector's check (GET /ping). */
  let pingStatus = 200;
  let generic: ConnectorJson;
  let probe: ConnectorJson;

  beforeAll(async () => {
    vendor = await new StubVendor((req) => {
      if (req.path.startsWith('/ping'))
        return pingStatus === 200
          ? { status: 200, body: { ok: true } }
          : { status: pingStatus, body: { error: 'invalid api key' } };
      if (req.path.startsWith('/devices'))
        return {
          status: 200,
          body: { devices: [{ id: 'd1', name: 'PC-1', client: 'Acme' }], next: null },
        };
      return { status: 404 };
    }).start();
    [t, browser] = await Promise.all([
      startTestApp({
        definitions: [...CONNECTOR_DEFINITIONS, probeConnector],
        env: { SWITCHBOARD_PUBLIC_URL: PUBLIC_URL },
      }),
      openBrowser(),
    ]);
    const g = await t.api<ConnectorJson>('POST', '/api/v1/connectors', {
      kind: 'generic',
      name: 'Patch scripts',
    });
    expect(g.status).toBe(201);
    generic = g.body;
    const p = await t.api<ConnectorJson>('POST', '/api/v1/connectors', {
      kind: 'probe',
      name: 'Probe RMM',
      settings: { baseUrl: vendor.url, apiKey: 'probe-key' },
    });
    expect(p.status).toBe(201);
    probe = p.body;
    for (const n of [1, 2]) expect((await sendEvent(n)).status).toBe(202);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await vendor?.stop();
  });

  /** One canonical event to the generic instance's webhook, with the secret of its 201. */
  function sendEvent(n: number) {
    return t.post(
      `/webhooks/${generic.id}`,
      JSON.stringify({
        eventId: `evt-${n}`,
        kind: 'patch.installed',
        occurredAt: new Date().toISOString(),
        client: 'Acme',
        device: { hostname: `PC-${n}` },
        patch: { id: 'KB5034441' },
      }),
      { 'x-switchboard-token': generic.webhook!.secret! },
    );
  }

  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const mainText = (page: Page) => page.locator('main').innerText();
  const row = (page: Page, id: string) => page.locator(`tr[data-connector="${id}"]`);
  const signedIn = async (role: 'admin' | 'operator' | 'viewer', path = '/console/connectors') => {
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, await t.token(role), path);
    expect(pathOf(page)).toBe(path);
    return page;
  };
  const instances = async () =>
    (await t.api<{ items: ConnectorJson[] }>('GET', '/api/v1/connectors')).body.items;
  /** Every form control has a label pointing at it (keyboard and screen-reader use). */
  async function expectLabelled(page: Page) {
    const ids = await page
      .locator('main form input:not([type=hidden]), main form select, main form textarea')
      .evaluateAll((els) => els.map((e) => e.id));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(id).not.toBe('');
      expect(await page.locator(`label[for="${id}"]`).count()).toBe(1);
    }
  }
  /** Nothing wider than the screen: no sideways scrolling on a phone. */
  async function expectNoSidewaysScroll(page: Page) {
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(page.viewportSize()!.width);
  }

  it('lists each instance with its health and webhook URL, live, and tests a connection', async () => {
    const page = await signedIn('operator');
    expect(await page.locator('h1').innerText()).toBe('Connectors');
    expect(await page.locator('nav a[aria-current=page]').innerText()).toBe('Connectors');

    const g = row(page, generic.id);
    expect(await g.locator('td').first().innerText()).toContain('Patch scripts');
    expect(await g.locator('code.url').innerText()).toBe(`${PUBLIC_URL}/webhooks/${generic.id}`);
    expect(await g.innerText()).toContain('2 received');
    expect(await g.innerText()).toContain('does not poll');
    expect(await row(page, probe.id).innerText()).toContain('receives none');
    expect(await mainText(page)).toContain('shown once, when the instance is created');
    expect(await mainText(page)).not.toContain(generic.webhook!.secret!);

    // The probe instance is polled by the workers; the list shows it without a reload, and a
    // webhook that arrives while the page is open is counted the same way.
    await row(page, probe.id)
      .locator('td[data-label="Last polls"]', { hasText: /devices: ok, \d+ s ago/ })
      .waitFor({ timeout: 30_000 });
    expect(await row(page, probe.id).locator('.state').innerText()).toBe('Healthy');
    expect((await sendEvent(3)).status).toBe(202);
    await g.locator('td', { hasText: '3 received' }).waitFor({ timeout: 30_000 });
    expect(pathOf(page)).toBe('/console/connectors');
    await screenshot(page, 'connectors-list');

    // Test connection from the list: the instance's page with the outcome.
    await row(page, probe.id).getByRole('button', { name: 'Test connection' }).click();
    await page.waitForURL(new RegExp(`/console/connectors/${probe.id}$`));
    const check = page.locator('#check');
    expect(await check.locator('p').first().innerText()).toBe(
      'Connection works: 2 of 2 checks passed.',
    );
    expect(await check.locator('.state').allInnerTexts()).toEqual(['ok', 'ok']);
    expect(vendor.requests.some((r) => r.path === '/ping')).toBe(true);
    await screenshot(page, 'connector-test-ok');

    // The vendor now refuses the key: the same button on the detail page says so.
    pingStatus = 401;
    await page.locator('#settings').getByRole('button', { name: 'Test connection' }).click();
    await page.locator('#check p.bad').waitFor();
    expect(await check.locator('p').first().innerText()).toBe(
      '2 of 2 checks failed: devices, alerts.note.',
    );
    expect(await check.locator('.state').allInnerTexts()).toEqual(['error', 'error']);
    expect(await check.innerText()).toMatch(/auth/);
    expect(await check.innerText()).not.toContain('probe-key');
    await screenshot(page, 'connector-test-failed');
    pingStatus = 200;

    // The detail page: health with the poll streams, the webhook section, the setup section.
    const health = page.locator('#health');
    expect(await health.getAttribute('data-live')).toBe('5');
    expect(await health.locator('tbody tr').first().innerText()).toContain('devices');
    expect(await page.locator('#webhook').innerText()).toContain('receives no webhooks');
    expect(await page.locator('#settings').innerText()).toContain('API key');
    expect(await page.locator('#settings').innerText()).toContain('set (not shown)');
    expect(await page.locator('#edit').count()).toBe(0);
  });

  it('creates a NinjaOne instance through the generated form and shows its secret once', async () => {
    const page = await signedIn('admin');
    await page.getByLabel('Tool').selectOption('ninjaone');
    await page.getByRole('button', { name: 'New connector' }).click();
    await page.waitForURL((u) => u.pathname === '/console/connectors/new');
    expect(new URL(page.url()).searchParams.get('kind')).toBe('ninjaone');
    expect(await page.locator('h1').innerText()).toBe('New NinjaOne RMM connector');
    await expectLabelled(page);

    // Generated from NinjaOneSettings: a select for the region, secrets as password inputs,
    // numbers as numbers, required fields marked.
    expect(await page.getByLabel('Region').evaluate((e) => e.tagName)).toBe('SELECT');
    expect(await page.getByLabel('Region').inputValue()).toBe('us');
    expect(await page.getByLabel('Client secret').getAttribute('type')).toBe('password');
    expect(await page.getByLabel('Refresh token').getAttribute('type')).toBe('password');
    expect(await page.getByLabel('Page size').getAttribute('type')).toBe('number');
    expect(await page.getByLabel('Page size').inputValue()).toBe('200');
    expect(await page.getByLabel('Client ID').getAttribute('required')).toBe('');
    expect(await page.getByLabel('Base URL').getAttribute('required')).toBeNull();
    const clientIdField = page.locator('.field', { has: page.locator('#f-setting-clientId') });
    expect(await clientIdField.innerText()).toContain('(required)');
    // The vendor-side steps from connectors/ninjaone/README.md, rendered as HTML.
    const setup = page.locator('#setup');
    expect(await setup.locator('h3').allInnerTexts()).toEqual([
      'Authentication',
      'Webhook',
      'Setup (once per NinjaOne tenant)',
    ]);
    expect(await setup.locator('ol > li').first().innerText()).toContain(
      'Add the removal script to the library.',
    );
    expect(await setup.locator('ol > li strong').first().innerText()).toBe(
      'Add the removal script to the library.',
    );
    await screenshot(page, 'connector-new-ninjaone');

    // The keyboard reaches the form in order: Name follows the page's links and buttons.
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type('NinjaOne EU');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('f-enabled');

    await page.getByLabel('Client ID').fill('ninja-client-1');
    await page.getByLabel('Client secret').fill(NINJA_SECRET);
    await page.getByLabel('Refresh token').fill(NINJA_REFRESH);
    // Polls go nowhere: a local port that refuses at once.
    await page.getByLabel('Base URL').fill('https://127.0.0.1:9');
    await page.getByLabel('Scope', { exact: true }).fill('everything');
    await page.getByRole('button', { name: 'Create connector' }).click();

    // Refused by the settings class: the field is named, above the form and beside the input.
    const summary = page.locator('#form-errors');
    await summary.waitFor();
    expect(await summary.innerText()).toContain(
      'Scope: must be monitoring, management and/or control, space-separated',
    );
    expect(await summary.getByRole('link', { name: 'Scope' }).getAttribute('href')).toBe(
      '#f-setting-scope',
    );
    expect(await page.locator('#f-setting-scope-error').innerText()).toContain(
      'must be monitoring',
    );
    expect(await page.getByLabel('Scope', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(await page.getByLabel('Scope', { exact: true }).inputValue()).toBe('everything');
    expect(await page.getByLabel('Client ID').inputValue()).toBe('ninja-client-1');
    // Secrets are never echoed back, not even the ones just typed.
    expect(await page.getByLabel('Client secret').inputValue()).toBe('');
    expect(await page.content()).not.toContain(NINJA_SECRET);
    expect(await summary.innerText()).toContain('type them again');
    expect((await instances()).some((i) => i.name === 'NinjaOne EU')).toBe(false);
    await screenshot(page, 'connector-new-invalid');

    await page.getByLabel('Scope', { exact: true }).fill('monitoring management');
    await page.getByLabel('Client secret').fill(NINJA_SECRET);
    await page.getByLabel('Refresh token').fill(NINJA_REFRESH);
    await page.getByRole('button', { name: 'Create connector' }).click();
    await page.locator('#created-secret').waitFor();
    const created = (await instances()).find((i) => i.name === 'NinjaOne EU')!;
    expect(created).toBeDefined();
    expect(await page.locator('h1').innerText()).toBe('NinjaOne EU');
    expect(await page.locator('#created-url').innerText()).toBe(
      `${PUBLIC_URL}/webhooks/${created.id}`,
    );
    const secret = await page.locator('#created-secret').innerText();
    expect(secret).toMatch(/^whsec_/);
    expect(await page.content()).not.toContain(NINJA_SECRET);
    await screenshot(page, 'connector-created');

    // The API lists it with the settings typed; secrets only as "set".
    expect(created).toMatchObject({
      kind: 'ninjaone',
      enabled: true,
      settings: {
        clientId: 'ninja-client-1',
        baseUrl: 'https://127.0.0.1:9',
        scope: 'monitoring management',
      },
    });
    expect(created.secretsSet.sort()).toEqual(['clientSecret', 'refreshToken']);
    const apiText = JSON.stringify(await instances());
    expect(apiText).not.toContain(NINJA_SECRET);
    expect(apiText).not.toContain(NINJA_REFRESH);
    expect(apiText).not.toContain(secret);
    // The secret shown is the real one: the webhook takes it and refuses another.
    const hook = (token: string) =>
      t.post(`/webhooks/${created.id}`, JSON.stringify({ not: 'an activity' }), {
        'x-switchboard-token': token,
      });
    expect((await hook('whsec_wrong')).status).toBe(401);
    expect((await hook(secret)).status).toBe(400);

    // Shown once: the instance's page opened again has no secret.
    await page.goto(`${t.baseUrl}/console/connectors/${created.id}`);
    expect(await page.locator('#created-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    expect(await page.locator('#webhook').innerText()).toContain('Shown once');
  });

  it('edits an instance: an empty secret field keeps the stored secret', async () => {
    const made = await t.api<ConnectorJson>('POST', '/api/v1/connectors', {
      kind: 'ninjaone',
      name: 'NinjaOne US',
      settings: {
        baseUrl: 'https://127.0.0.1:9',
        clientId: 'c-us',
        clientSecret: NINJA_SECRET,
        refreshToken: NINJA_REFRESH,
      },
    });
    expect(made.status).toBe(201);
    const id = made.body.id;
    const stored = async () =>
      t.app.get(ConnectorHost).secrets(await t.app.get(ConnectorInstancesService).get(id));
    const path = `/console/connectors/${id}`;
    const page = await signedIn('admin', path);
    const edit = page.locator('#edit');
    await expectLabelled(page);
    expect(await edit.getByLabel('Client ID').inputValue()).toBe('c-us');
    expect(await edit.getByLabel('Client secret').inputValue()).toBe('');
    expect(await edit.getByLabel('Client secret').getAttribute('required')).toBeNull();
    expect(
      await edit.locator('.field', { has: page.locator('#f-setting-clientSecret') }).innerText(),
    ).toContain('Leave this empty to keep it');
    expect(await page.content()).not.toContain(NINJA_SECRET);
    await screenshot(page, 'connector-detail');

    // A bad value: named, nothing stored.
    await edit.getByLabel('Rollback parameters').fill('-Reboot');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#form-errors').waitFor();
    expect(await page.locator('#form-errors').innerText()).toContain(
      'Rollback parameters: must contain the {kb} placeholder',
    );
    expect(pathOf(page)).toBe(path);
    expect(
      (await t.api<ConnectorJson>('GET', `/api/v1/connectors/${id}`)).body.settings,
    ).not.toHaveProperty('rollbackParameters', '-Reboot');
    await screenshot(page, 'connector-edit-invalid');

    // Renamed, a setting changed, secrets left empty: the stored ones are kept.
    await edit.getByLabel('Rollback parameters').fill('-KB {kb} -Reboot');
    await edit.getByLabel('Name', { exact: true }).fill('NinjaOne US (main)');
    await edit.getByLabel('Page size').fill('150');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((u) => u.pathname === path && u.searchParams.get('saved') === '1');
    expect(await page.locator('p.notice').innerText()).toBe('Saved.');
    const after = (await t.api<ConnectorJson>('GET', `/api/v1/connectors/${id}`)).body;
    expect(after.name).toBe('NinjaOne US (main)');
    expect(after.settings).toMatchObject({
      pageSize: 150,
      rollbackParameters: '-KB {kb} -Reboot',
      clientId: 'c-us',
    });
    expect(await stored()).toEqual({ clientSecret: NINJA_SECRET, refreshToken: NINJA_REFRESH });

    // A new secret replaces the old; an optional one can be removed.
    await edit.getByLabel('Client secret').fill('ninja-client-secret-rotated');
    await edit.getByLabel('Remove the stored Refresh token').check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL((u) => u.searchParams.get('saved') === '1');
    expect(await stored()).toEqual({ clientSecret: 'ninja-client-secret-rotated' });
    expect((await t.api<ConnectorJson>('GET', `/api/v1/connectors/${id}`)).body.secretsSet).toEqual(
      ['clientSecret'],
    );
    expect(await page.content()).not.toContain('ninja-client-secret-rotated');
  });

  it('shows a viewer the pages without create, edit or test, and refuses their posts', async () => {
    const markup = '<img src=x onerror="document.title=1">Acme';
    const hostile = await t.api<ConnectorJson>('POST', '/api/v1/connectors', {
      kind: 'generic',
      name: markup,
      settings: { defaultClient: '<b>bold</b>' },
    });
    expect(hostile.status).toBe(201);
    const token = await t.token('viewer');
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, token, '/console/connectors');
    // Names and settings are text, never markup.
    expect(await row(page, hostile.body.id).locator('a').innerText()).toBe(markup);
    expect(await page.locator('main img, main b').count()).toBe(0);
    expect(await row(page, generic.id).locator('code.url').innerText()).toContain(generic.id);
    expect(await page.getByRole('button', { name: 'New connector' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Test connection/ }).count()).toBe(0);
    await page.goto(`${t.baseUrl}/console/connectors/${hostile.body.id}`);
    expect(await page.locator('h1').innerText()).toBe(markup);
    expect(await page.locator('#settings').innerText()).toContain('<b>bold</b>');
    expect(await page.locator('main img, main b').count()).toBe(0);
    await page.goto(`${t.baseUrl}/console/connectors/${probe.id}`);
    expect(await page.locator('#health').count()).toBe(1);
    expect(await page.locator('#setup').count()).toBe(1);
    expect(await page.locator('main form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Test connection|Save/ }).count()).toBe(0);
    await screenshot(page, 'connector-viewer');

    // Posting anyway (a valid form value for this session): refused by role.
    const before = await t.count('audit_entry');
    const csrf = csrfFor(token);
    const test = await page.request.post(`${t.baseUrl}/console/connectors/${probe.id}`, {
      form: { csrf, action: 'check' },
      maxRedirects: 0,
    });
    expect(test.status()).toBe(403);
    expect(await test.text()).toContain('this needs the operator role');
    const save = await page.request.post(`${t.baseUrl}/console/connectors/${probe.id}`, {
      form: { csrf, action: 'save', name: 'taken over' },
      maxRedirects: 0,
    });
    expect(save.status()).toBe(403);
    const create = await page.request.post(`${t.baseUrl}/console/connectors/new`, {
      form: { csrf, kind: 'generic', name: 'sneaky' },
      maxRedirects: 0,
    });
    expect(create.status()).toBe(403);
    expect(await test.text()).not.toContain('Connection works');
    expect(await t.count('audit_entry')).toBe(before);
    expect((await instances()).map((i) => i.name)).not.toContain('sneaky');
    expect((await instances()).find((i) => i.id === probe.id)!.name).toBe('Probe RMM');
    const newForm = await page.goto(`${t.baseUrl}/console/connectors/new?kind=generic`);
    expect(newForm?.status()).toBe(403);

    // An admin's post without the form's CSRF value is refused too.
    const admin = await signedIn('admin');
    const forged = await admin.request.post(`${t.baseUrl}/console/connectors/new`, {
      form: { kind: 'generic', name: 'forged' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect((await instances()).map((i) => i.name)).not.toContain('forged');
  });

  it('tells a client-scoped token that connectors are not for it', async () => {
    const clients = await t.db.dataSource.query(
      `INSERT INTO client (id, name, name_key) VALUES (gen_random_uuid(), 'Scoped Co', 'scoped co') RETURNING id`,
    );
    const page = await newPage(browser);
    await signIn(page, t.baseUrl, await t.token('admin', clients[0].id), '/console/connectors');
    const res = await page.goto(`${t.baseUrl}/console/connectors`);
    expect(res?.status()).toBe(403);
    expect(await mainText(page)).toContain('a token scoped to one client cannot see them');
    expect(await mainText(page)).not.toContain('Patch scripts');
    expect(await page.locator('nav a', { hasText: 'Connectors' }).count()).toBe(0);
    for (const path of [
      `/console/connectors/${generic.id}`,
      '/console/connectors/new?kind=generic',
    ]) {
      const other = await page.goto(t.baseUrl + path);
      expect(other?.status()).toBe(403);
    }
    await screenshot(page, 'connector-scoped');
  });

  it('reads on a 390 px phone without sideways scrolling', async () => {
    const page = await signedIn('admin');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expectNoSidewaysScroll(page);
    expect(await row(page, generic.id).locator('td[data-label="Webhook URL"]').isVisible()).toBe(
      true,
    );
    await screenshot(page, 'connectors-list-phone');
    await page.goto(`${t.baseUrl}/console/connectors/${probe.id}`);
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'connector-detail-phone');
    await page.goto(`${t.baseUrl}/console/connectors/new?kind=zabbix`);
    await expectNoSidewaysScroll(page);
    await expectLabelled(page);
    expect(await page.getByLabel('Ignore groups').evaluate((e) => e.tagName)).toBe('TEXTAREA');
    expect(await page.getByLabel('Ignore groups').inputValue()).toContain('Templates/*');
    await screenshot(page, 'connector-new-zabbix-phone');
  });
  it('lists the alerts that named no device, with the labels to map, at desktop and phone width', async () => {
    const am = await t.api<ConnectorJson>('POST', '/api/v1/connectors', {
      kind: 'alertmanager',
      name: 'Prometheus',
      settings: { url: 'http://127.0.0.1:9' },
      pollIntervalSeconds: 3600,
    });
    expect(am.status).toBe(201);
    const labels = {
      alertname: 'KubernetesClusterQuorumLost',
      cluster: 'prod-eu-west-1',
      namespace: 'kube-system',
      severity: 'critical',
    };
    const sent = await t.post(
      `/webhooks/${am.body.id}`,
      JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="KubernetesClusterQuorumLost"}',
        truncatedAlerts: 0,
        status: 'firing',
        receiver: 'switchboard',
        groupLabels: { alertname: labels.alertname },
        commonLabels: labels,
        commonAnnotations: {},
        externalURL: 'http://alertmanager.example.test:9093',
        alerts: [
          {
            status: 'firing',
            labels,
            annotations: { summary: 'etcd has lost quorum on prod-eu-west-1' },
            startsAt: new Date().toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.example.test:9090/graph',
            fingerprint: '5e0c1a2b3c4d5e6f',
          },
        ],
      }),
      { authorization: `Bearer ${am.body.webhook!.secret!}` },
    );
    expect(sent.status).toBe(202);
    const page = await signedIn('admin', `/console/connectors/${am.body.id}`);
    const table = page.locator('table[aria-labelledby="unmatched-h"]');
    await table.waitFor({ timeout: 10_000 }).catch(async () => {
      // Normalization runs after the 202: the next refresh shows it.
      await page.reload();
      await table.waitFor({ timeout: 10_000 });
    });
    expect(await page.locator('#unmatched-h').innerText()).toContain('1 open');
    expect(await table.innerText()).toContain('KubernetesClusterQuorumLost');
    expect(await table.innerText()).toContain(
      'its labels: alertname, cluster, namespace, severity',
    );
    await screenshot(page, 'connector-unmatched-alerts');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await table.waitFor();
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'connector-unmatched-alerts-phone');
  });
});
