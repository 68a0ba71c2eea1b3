import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertmanagerWebhookMessage } from '../../connectors/alertmanager/alertmanager.types';
import { eventually, startTestApp, type TestApp } from '../support/app';

const FIXTURES = join(__dirname, '../../connectors/alertmanager/fixtures');
const firingFixture = JSON.parse(
  readFileSync(join(FIXTURES, 'webhook.firing.json'), 'utf8'),
) as AlertmanagerWebhookMessage;

interface Unmatched {
  id: string;
  instanceId: string;
  instanceName: string;
  subject: string | null;
  kind: string;
  severity: string | null;
  message: string | null;
  reason: string;
  occurrences: number;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}

/** One Alertmanager notification carrying one alert with these labels. */
function notification(
  status: 'firing' | 'resolved',
  labels: Record<string, string>,
  fingerprint: string,
  startsAt: string,
  endsAt = '0001-01-01T00:00:00Z',
): AlertmanagerWebhookMessage {
  const alert = {
    ...firingFixture.alerts[0],
    status,
    labels,
    annotations: { summary: `${labels.alertname} summary` },
    fingerprint,
    startsAt,
    endsAt,
  };
  return {
    ...firingFixture,
    status,
    alerts: [alert],
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    groupKey: `{}:{alertname="${labels.alertname}"}`,
  };
}

/**
 * An Alertmanager alert that carries none of the device labels is kept as an unmatched alert
 * (API and connector page), never dropped, never an inbox failure, and its resolve closes it.
 */
describe('alerts that name no device', () => {
  let t: TestApp;
  let instanceId = '';
  let secret = '';

  beforeAll(async () => {
    t = await startTestApp();
    const created = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      {
        kind: 'alertmanager',
        name: 'Prometheus',
        // Nothing listens there: the poll fails quietly; the webhooks are what this is about.
        settings: { url: 'http://127.0.0.1:9' },
        pollIntervalSeconds: 3600,
      },
    );
    expect(created.status).toBe(201);
    instanceId = created.body.id;
    secret = created.body.webhook.secret;
  });
  afterAll(() => t.close());

  const send = async (body: AlertmanagerWebhookMessage) => {
    const res = await t.post(`/webhooks/${instanceId}`, JSON.stringify(body), {
      'content-type': 'application/json',
      authorization: `Bearer ${secret}`,
    });
    expect(res.status).toBe(202);
  };
  const list = async (query: string) =>
    t.api<{ items: Unmatched[]; total: number }>('GET', `/api/v1/alerts/unmatched${query}`);
  const inboxSettled = () =>
    eventually(async () => {
      const rows = (await t.db.dataSource.query(
        `SELECT count(*)::int AS n FROM inbox_event WHERE status IN ('pending', 'processing')`,
      )) as { n: number }[];
      return rows[0].n === 0;
    });

  it('lists a firing alert with no device label, with the labels it carries, and makes no device', async () => {
    const devicesBefore = await t.count('device');
    await send(
      notification(
        'firing',
        { alertname: 'Watchdog', job: 'prometheus', severity: 'none' },
        'aaaa000000000001',
        '2026-12-05T02:00:00Z',
      ),
    );
    await inboxSettled();
    const open = await list(`?instanceId=${instanceId}`);
    expect(open.status).toBe(200);
    expect(open.body.total).toBe(1);
    expect(open.body.items[0]).toMatchObject({
      instanceId,
      instanceName: 'Prometheus',
      subject: 'Watchdog',
      kind: 'check.failed',
      severity: 'info',
      message: 'Watchdog: Watchdog summary',
      occurrences: 1,
      firstSeenAt: '2026-12-05T02:00:00.000Z',
      resolvedAt: null,
    });
    expect(open.body.items[0].reason).toContain(
      'carries none of the device labels instance, host, hostname, nodename, node',
    );
    expect(open.body.items[0].reason).toContain('its labels: alertname, job, severity');
    expect(await t.count('device')).toBe(devicesBefore);
    expect(await t.count('health_event')).toBe(0);
    const failed = (await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM inbox_event WHERE status = 'failed'`,
    )) as { n: number }[];
    expect(failed[0].n).toBe(0);
  });

  it('counts a later firing of the same problem, and the resolve closes it', async () => {
    const labels = { alertname: 'Watchdog', job: 'prometheus', severity: 'none' };
    await send(notification('firing', labels, 'aaaa000000000001', '2026-12-05T03:00:00Z'));
    await inboxSettled();
    const again = await list(`?instanceId=${instanceId}`);
    expect(again.body.items[0]).toMatchObject({
      occurrences: 2,
      firstSeenAt: '2026-12-05T02:00:00.000Z',
      lastSeenAt: '2026-12-05T03:00:00.000Z',
    });
    await send(
      notification(
        'resolved',
        labels,
        'aaaa000000000001',
        '2026-12-05T03:00:00Z',
        '2026-12-05T03:10:00Z',
      ),
    );
    await inboxSettled();
    expect((await list(`?instanceId=${instanceId}`)).body.total).toBe(0);
    const resolved = await list(`?state=resolved&instanceId=${instanceId}`);
    expect(resolved.body.items).toHaveLength(1);
    expect(resolved.body.items[0].resolvedAt).toBe('2026-12-05T03:10:00.000Z');
    expect((await list('?state=all')).body.total).toBe(1);
  });

  it('keeps an alert that names its device out of the list: it reaches the device', async () => {
    await send(
      notification(
        'firing',
        { alertname: 'DiskFull', instance: 'srv-file-01:9182', severity: 'warning' },
        'bbbb000000000002',
        '2026-12-05T04:00:00Z',
      ),
    );
    await inboxSettled();
    expect((await list('?state=all')).body.items.map((a) => a.subject)).toEqual(['Watchdog']);
    expect(await t.count('health_event')).toBe(1);
  });

  it('shows the open ones on the connector page', async () => {
    await send(
      notification(
        'firing',
        { alertname: 'ClusterQuorumLost', cluster: 'prod', severity: 'critical' },
        'cccc000000000003',
        '2026-12-05T05:00:00Z',
      ),
    );
    await inboxSettled();
    const page = await fetch(`${t.baseUrl}/console/connectors/${instanceId}`, {
      headers: { cookie: `sb_console=${encodeURIComponent(t.adminToken)}` },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Alerts on no device');
    expect(html).toContain('1 open');
    expect(html).toContain('ClusterQuorumLost');
    expect(html).toContain('its labels: alertname, cluster, severity');
    // The resolved Watchdog is history, not on the page.
    expect(html).not.toContain('Watchdog summary');
  });

  it('refuses a bad filter, naming it', async () => {
    const state = await list('?state=firing');
    expect(state.status).toBe(400);
    expect(JSON.stringify(state.body)).toContain('state: must be one of open, resolved, all');
    const instance = await list('?instanceId=nope');
    expect(instance.status).toBe(400);
    expect((await list('?limit=-1')).status).toBe(400);
  });

  it('shows a client-scoped token only its own client’s alerts', async () => {
    await send(
      notification(
        'firing',
        { alertname: 'BackupMissed', client: 'acme', severity: 'warning' },
        'dddd000000000004',
        '2026-12-05T06:00:00Z',
      ),
    );
    await inboxSettled();
    const [acme] = (await t.db.dataSource.query(`SELECT id FROM client WHERE name = 'acme'`)) as {
      id: string;
    }[];
    const [other] = (await t.db.dataSource.query(
      `INSERT INTO client (id, name, name_key) VALUES (gen_random_uuid(), 'Other Co', 'other co') RETURNING id`,
    )) as { id: string }[];
    const seenBy = async (clientId: string) =>
      (
        await t.api<{ items: Unmatched[] }>(
          'GET',
          '/api/v1/alerts/unmatched?state=all',
          undefined,
          await t.token('viewer', clientId),
        )
      ).body.items.map((a) => a.subject);
    expect(await seenBy(acme.id)).toEqual(['BackupMissed']);
    expect(await seenBy(other.id)).toEqual([]);
    expect((await list('?state=all')).body.total).toBe(3);
  });
});
