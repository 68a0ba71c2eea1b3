/**
 * Switchboard with a real Prometheus Alertmanager 0.25 (test/real/alertmanager/setup.sh):
 * alerts posted to Alertmanager's own API reach Switchboard through its webhook receiver (via
 * the relay on the fixed receiver port, see README.md), open incidents and resolve them; a
 * firing notification that never arrives, and a resolve a restarted Alertmanager never sends,
 * are caught by the poll (GET /api/v2/alerts); silences are created and expired for real.
 * The database is the default one (test/support/database.ts).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { alertmanagerConnector } from '../../../connectors/alertmanager';
import { AlertmanagerConnector } from '../../../connectors/alertmanager/alertmanager.connector';
import { parseSettings } from '../../../connectors/contract/settings';
import { createHttp } from '../../../connectors/shared/http';
import { eventually, startTestApp, type TestApp } from '../../support/app';
import { AlertmanagerApi, realAlertmanager, type PostableAlert } from './alertmanager-api';
import { WebhookRelay } from './webhook-relay';

jest.setTimeout(120_000);

const { url, receiverPort, tokenFile } = realAlertmanager();
const run = `sbam${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const client = `Acme Dental ${run}`;
const now = () => new Date().toISOString();

interface Incident {
  id: string;
  deviceId: string | null;
  state: string;
  title: string;
}

/** A named step of a story: a failure says which step broke. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    (err as Error).message = `step "${name}": ${(err as Error).message}`;
    throw err;
  }
}

describe('Switchboard with a real Alertmanager 0.25: webhook, poll and silences', () => {
  const api = new AlertmanagerApi(url);
  const relay = new WebhookRelay(receiverPort);
  let t: TestApp;
  let instanceId = '';
  let secret = '';

  /** The open-or-resolved incident of the device this instance knows by `label=value`. */
  async function incidentOf(externalId: string): Promise<Incident | undefined> {
    const rows = (await t.db.dataSource.query(
      `SELECT device_id FROM device_link WHERE instance_id = $1 AND external_id = $2`,
      [instanceId, externalId],
    )) as { device_id: string }[];
    if (rows.length === 0) return undefined;
    const list = await t.api<{ items: Incident[] }>('GET', '/api/v1/incidents?limit=100');
    return list.body.items.find((i) => i.deviceId === rows[0].device_id);
  }

  async function incidentIn(externalId: string, state: string, what: string): Promise<Incident> {
    return eventually(async () => {
      const found = await incidentOf(externalId);
      return found?.state === state ? found : undefined;
    }, 30_000).catch((err: Error) => {
      err.message = `${what}: ${err.message}`;
      throw err;
    });
  }

  /** POST /api/v1/connectors/:id/poll and wait for that poll to finish. */
  async function pollNow(): Promise<string> {
    const state = async () =>
      (
        (await t.db.dataSource.query(
          `SELECT cursor, last_success_at, last_error FROM poll_state WHERE instance_id = $1 AND stream = 'health'`,
          [instanceId],
        )) as { cursor: string | null; last_success_at: Date | null; last_error: string | null }[]
      )[0];
    const before = (await state())?.last_success_at?.getTime() ?? 0;
    const asked = await t.api('POST', `/api/v1/connectors/${instanceId}/poll`);
    expect(asked.status).toBe(202);
    const done = await eventually(async () => {
      const s = await state();
      return s?.last_success_at && s.last_success_at.getTime() > before ? s : undefined;
    }, 20_000);
    return done.cursor ?? '';
  }

  /** What the inbox holds for one alert: its dedupe keys and how each came. */
  async function inboxOf(fingerprint: string): Promise<{ key: string; via: string }[]> {
    return (await t.db.dataSource.query(
      `SELECT dedupe_key AS key, payload->>'via' AS via FROM inbox_event
        WHERE instance_id = $1 AND dedupe_key LIKE $2 ORDER BY id`,
      [instanceId, `alert:${fingerprint}:%`],
    )) as { key: string; via: string }[];
  }

  async function fingerprintOf(instance: string): Promise<string> {
    const [alert] = await eventually(async () => {
      const listed = await api.alerts(`instance="${instance}"`);
      return listed.length > 0 ? listed : undefined;
    });
    return alert.fingerprint;
  }

  beforeAll(async () => {
    if (!url) throw new Error('ALERTMANAGER_URL is not set: run test/real/alertmanager/setup.sh');
    if (!tokenFile) throw new Error('ALERTMANAGER_TOKEN_FILE is not set: run setup.sh');
    await relay.start();
    t = await startTestApp();
    const created = await t.api<{ id: string; webhook: { secret: string } }>(
      'POST',
      '/api/v1/connectors',
      {
        kind: 'alertmanager',
        name: 'Alertmanager (real)',
        // No grace: the restart below is not followed by a Prometheus filling it again.
        settings: { url, missingGraceSeconds: 0 },
        pollIntervalSeconds: 3600,
      },
    );
    expect(created.status).toBe(201);
    instanceId = created.body.id;
    secret = created.body.webhook.secret;
    // What the admin puts into alertmanager.yml as http_config.authorization credentials.
    writeFileSync(tokenFile, secret, { mode: 0o600 });
    relay.target = `${t.baseUrl}/webhooks/${instanceId}`;
    // The poll the new instance runs at once, so later polls start from its cursor.
    await eventually(async () => {
      const rows = (await t.db.dataSource.query(
        `SELECT 1 FROM poll_state WHERE instance_id = $1 AND last_success_at IS NOT NULL`,
        [instanceId],
      )) as unknown[];
      return rows.length > 0;
    }, 20_000);
  });

  afterAll(async () => {
    await relay.stop();
    await t?.close();
  });

  it('opens an incident from the firing notification and resolves it from the resolve notification', async () => {
    const host = `${run}-web01`;
    const alert: PostableAlert = {
      labels: {
        alertname: 'WindowsServiceDown',
        instance: `${host}:9182`,
        service: 'W3SVC',
        severity: 'critical',
        client,
      },
      annotations: { summary: `W3SVC stopped on ${host}` },
      startsAt: now(),
    };
    let fingerprint = '';
    await step('Alertmanager notifies the firing alert with the bearer token', async () => {
      await api.postAlerts([alert]);
      fingerprint = await fingerprintOf(`${host}:9182`);
      const [first] = await eventually(async () => {
        const sent = relay.about(fingerprint, 'firing');
        return sent.length > 0 ? sent : undefined;
      });
      expect(first).toMatchObject({
        authorization: `Bearer ${secret}`,
        userAgent: expect.stringMatching(/^Alertmanager\/0\./),
        forwarded: true,
        status: 202,
      });
    });
    await step('the incident opens on the device the instance label names', async () => {
      const opened = await incidentIn(`instance=${host}`, 'open', 'the open incident');
      expect(opened.title).toContain(host);
      const [device] = (await t.db.dataSource.query(
        `SELECT d.display_name, c.name AS client FROM device d LEFT JOIN client c ON c.id = d.client_id WHERE d.id = $1`,
        [opened.deviceId],
      )) as { display_name: string; client: string | null }[];
      expect(device).toEqual({ display_name: host, client });
    });
    await step('the resolve notification resolves it', async () => {
      await api.postAlerts([{ ...alert, endsAt: now() }]);
      await eventually(async () => relay.about(fingerprint, 'resolved').length > 0, 20_000);
      await incidentIn(`instance=${host}`, 'resolved', 'the resolved incident');
      const keys = await inboxOf(fingerprint);
      expect(keys.map((k) => k.key)).toEqual([
        expect.stringMatching(new RegExp(`^alert:${fingerprint}:.*:firing$`)),
        expect.stringMatching(new RegExp(`^alert:${fingerprint}:.*:resolved$`)),
      ]);
      expect(keys.every((k) => k.via === 'webhook')).toBe(true);
    });
  });

  it('keeps an alert that names no device as unmatched, and its resolve closes it', async () => {
    const name = `${run}Watchdog`;
    const alert: PostableAlert = {
      labels: { alertname: name, job: 'prometheus', severity: 'none' },
      annotations: { summary: 'the alerting pipeline is alive' },
      startsAt: now(),
    };
    type Listed = {
      items: { subject: string; reason: string; resolvedAt: string | null; kind: string }[];
    };
    const listed = async (state: string) =>
      (
        await t.api<Listed>(
          'GET',
          `/api/v1/alerts/unmatched?state=${state}&instanceId=${instanceId}`,
        )
      ).body.items.find((a) => a.subject === name);
    await step('the firing reaches Switchboard and is listed as unmatched', async () => {
      await api.postAlerts([alert]);
      const open = await eventually(() => listed('open'), 30_000);
      expect(open).toMatchObject({ kind: 'check.failed', resolvedAt: null });
      expect(open.reason).toContain('its labels: alertname, job, severity');
      const failed = (await t.db.dataSource.query(
        `SELECT count(*)::int AS n FROM inbox_event WHERE instance_id = $1 AND status = 'failed'`,
        [instanceId],
      )) as { n: number }[];
      expect(failed[0].n).toBe(0);
    });
    await step('its resolve closes it', async () => {
      await api.postAlerts([{ ...alert, endsAt: now() }]);
      const closed = await eventually(() => listed('resolved'), 30_000);
      expect(closed.resolvedAt).not.toBeNull();
      expect(await listed('open')).toBeUndefined();
    });
  });

  it('catches a firing notification that failed and a resolve a restarted Alertmanager never sends, by the poll', async () => {
    const host = `${run}-sql01`;
    const alert: PostableAlert = {
      labels: { alertname: 'InstanceDown', instance: `${host}:9100`, job: 'node', client },
      annotations: { summary: `${host} is down` },
      startsAt: now(),
    };
    let fingerprint = '';
    await step('the webhook delivery fails (400: Alertmanager gives up on it)', async () => {
      relay.drop = true;
      await api.postAlerts([alert]);
      fingerprint = await fingerprintOf(`${host}:9100`);
      await eventually(async () => relay.about(fingerprint, 'firing').length > 0, 20_000);
      expect(await incidentOf(`instance=${host}`)).toBeUndefined();
    });
    await step('the poll finds the alert firing and the incident opens', async () => {
      const cursor = await pollNow();
      expect(Object.keys(JSON.parse(cursor).firing)).toContain(fingerprint);
      await incidentIn(`instance=${host}`, 'open', 'the incident opened by the poll');
      expect(await inboxOf(fingerprint)).toEqual([
        { key: expect.stringMatching(/:firing$/), via: 'poll' },
      ]);
    });
    await step('Alertmanager restarts and forgets the alert, sending no resolve', async () => {
      await promisify(execFile)('bash', [join(__dirname, 'setup.sh')], {
        env: { ...process.env, ALERTMANAGER_WEBHOOK_TOKEN: secret },
      });
      expect(await api.alerts(`instance="${host}:9100"`)).toEqual([]);
      // Deliveries pass again only now, so nothing sent before the restart slips through.
      relay.drop = false;
      const before = relay.seen.length;
      // Longer than group_wait + group_interval: a resolve would have come by now.
      await new Promise((resolve) => setTimeout(resolve, 7000));
      expect(relay.about(fingerprint, 'resolved')).toEqual([]);
      expect(
        relay.seen
          .slice(before)
          .filter((n) => n.body.alerts?.some((a) => a.fingerprint === fingerprint)),
      ).toEqual([]);
      expect((await incidentOf(`instance=${host}`))?.state).toBe('open');
    });
    await step('the next poll misses it and resolves the incident', async () => {
      const cursor = await pollNow();
      expect(Object.keys(JSON.parse(cursor).firing)).not.toContain(fingerprint);
      await incidentIn(`instance=${host}`, 'resolved', 'the incident resolved by the poll');
      expect(await inboxOf(fingerprint)).toEqual([
        { key: expect.stringMatching(/:firing$/), via: 'poll' },
        { key: expect.stringMatching(/:resolved$/), via: 'poll' },
      ]);
    });
  });

  it('silences the device while a rollback runs, finds the silence again by its marker, and expires it', async () => {
    const host = `${run}-app01`;
    // As the outbox calls it when a rollback starts on an instance set to silence.
    const connector = new AlertmanagerConnector({
      instanceId,
      settings: parseSettings(alertmanagerConnector.settings, { url, silenceDuringRollback: true }),
      http: createHttp({ timeoutMs: 5000 }),
      clock: () => new Date(),
    });
    const delivery = { marker: `SB-${Date.now().toString(16).slice(-12).padStart(12, '0')}` };
    const request = {
      device: { id: `instance=${host}` },
      endsAt: new Date(Date.now() + 30 * 60_000),
      reason: `Rollback of KB5034441 on ${host}`,
      link: `${t.baseUrl}/console/incidents/${run}`,
    };
    const made = await connector.silenceDevice(request, delivery);
    if (!made) throw new Error('no silence made although the instance is set to silence');
    const silence = made;
    expect(await connector.silenceDevice(request, delivery)).toEqual(silence);
    expect(await api.silence(silence.id)).toMatchObject({
      status: { state: 'active' },
      createdBy: 'Switchboard',
      comment: `Rollback of KB5034441 on ${host} — ${request.link} [${delivery.marker}]`,
    });

    const alert: PostableAlert = {
      labels: { alertname: 'InstanceDown', instance: `${host}:9100`, client },
      startsAt: now(),
    };
    await api.postAlerts([alert]);
    const [listed] = await eventually(async () => {
      const found = await api.alerts(`instance="${host}:9100"`);
      return found[0]?.status.state === 'suppressed' ? found : undefined;
    });
    expect(listed.status.silencedBy).toEqual([silence.id]);

    await connector.expireSilence(silence, delivery);
    await connector.expireSilence(silence, delivery);
    expect((await api.silence(silence.id)).status.state).toBe('expired');
    await eventually(async () => {
      const found = await api.alerts(`instance="${host}:9100"`);
      return found[0]?.status.state === 'active';
    });
    await api.postAlerts([{ ...alert, endsAt: now() }]);
  });
});
