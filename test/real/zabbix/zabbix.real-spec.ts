/**
 * The Zabbix connector against a real Zabbix 6.0 (test/real/zabbix/setup.sh). Needs ZABBIX_URL;
 * reads ZABBIX_SERVER_CONF and ZABBIX_TRAPPER (host:port) when set. Every object it creates is
 * named after this run and deleted at the end.
 */
import type { AxiosInstance } from 'axios';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  Connector,
  ConnectorContext,
  InboundRequest,
  RawRecord,
} from '../../../connectors/contract/connector';
import type {
  CanonicalEvent,
  ClientSeen,
  DeviceSeen,
  HealthSeen,
} from '../../../connectors/contract/canonical';
import { parseSettings } from '../../../connectors/contract/settings';
import { createHttp } from '../../../connectors/shared/http';
import { zabbixConnector } from '../../../connectors/zabbix';
import type { ZabbixSettings } from '../../../connectors/zabbix/zabbix.settings';
import { eventually, realZabbix, reloadConfigCache, ZabbixAdmin } from './zabbix-admin';
import { sendUntilProcessed } from './zabbix-sender';
import { WebhookListener } from './webhook-listener';
import {
  createApiToken,
  createServiceHost,
  dropObjects,
  notifyThroughMedia,
  SERVICE_ITEM_KEY,
  type ZabbixObjects,
} from './zabbix-objects';

jest.setTimeout(120_000);

const { url, serverConf, trapper } = realZabbix();

const run = `sb${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const groupName = `Customers/Acme Dental ${run}`;
const hostName = `${run}-sql01`;
const itemKey = SERVICE_ITEM_KEY;
const webhookSecret = `whsec-${run}-0123456789`;
const mediaExport = join(
  __dirname,
  '../../../connectors/zabbix/media-type/switchboard.media-type.json',
);

/** ZABBIX_RECORD_DIR: keep every JSON-RPC exchange and webhook body, to refresh fixtures. */
const recordDir = process.env.ZABBIX_RECORD_DIR;

function recorded(http: AxiosInstance): AxiosInstance {
  if (!recordDir) return http;
  http.interceptors.response.use((response) => {
    const line = { request: response.config.data, response: response.data };
    appendFileSync(join(recordDir, 'exchanges.jsonl'), `${JSON.stringify(line)}\n`);
    return response;
  });
  return http;
}

function connectorWith(settings: Record<string, unknown>): Connector {
  const ctx: ConnectorContext<ZabbixSettings> = {
    instanceId: `real-${run}`,
    settings: parseSettings(zabbixConnector.settings, {
      url,
      clientGroupPattern: '^Customers/(?<client>.+)$',
      ...settings,
    }),
    http: recorded(createHttp({ timeoutMs: 15_000 })),
    clock: () => new Date(),
    webhookSecret,
  };
  return zabbixConnector.create(ctx);
}

/** Walks a pull to its last page, as the poller would, returning the records and the cursor. */
async function walk(
  pull: (
    cursor: string | null,
  ) => Promise<{ records: RawRecord[]; cursor: string | null; more: boolean }>,
  start: string | null,
): Promise<{ records: RawRecord[]; cursor: string | null; pages: number }> {
  let cursor = start;
  const records: RawRecord[] = [];
  for (let pages = 1; pages <= 1000; pages++) {
    const page = await pull(cursor);
    records.push(...page.records);
    cursor = page.cursor ?? cursor;
    if (!page.more) return { records, cursor, pages };
  }
  throw new Error('pull did not stop within 1000 pages');
}

function health(events: CanonicalEvent[]): HealthSeen[] {
  return events.filter((e): e is HealthSeen => e.type === 'health');
}

describe('zabbix connector against a real Zabbix 6.0', () => {
  const admin = new ZabbixAdmin(url);
  const listener = new WebhookListener();
  const created: ZabbixObjects = {};
  let apiToken = '';
  let listenerUrl = '';
  let healthCursor: string | null = null;
  let problemEventId = '';
  let problemDedupeKey = '';
  const note = `Switchboard note ${run}: post-patch reboot suspected (KB5034441)`;

  beforeAll(async () => {
    if (!url) throw new Error('ZABBIX_URL is not set: run test/real/zabbix/setup.sh first');
    await admin.login('Admin', 'zabbix');
    listenerUrl = await listener.start();
  });

  afterAll(async () => {
    await listener.stop();
    if (recordDir) {
      const bodies = listener.received.map((r) => r.body);
      writeFileSync(join(recordDir, 'webhooks.json'), JSON.stringify(bodies, null, 2));
    }
    await dropObjects(admin, created);
    await admin.logout().catch(() => undefined);
  });

  it('logs in with Admin/zabbix and reports every capability ok', async () => {
    const report = await connectorWith({ username: 'Admin', password: 'zabbix' }).check();
    expect(report).toMatchObject({
      devices: { status: 'ok' },
      health: { status: 'ok' },
      'alerts.note': { status: 'ok' },
      webhooks: { status: 'ok' },
    });
  });

  it('works with an API token made by token.create + token.generate', async () => {
    apiToken = await createApiToken(admin, created, `switchboard-${run}`);
    expect(apiToken).toMatch(/^[0-9a-f]{64}$/);
    const report = await connectorWith({ apiToken }).check();
    expect(report.devices).toEqual({ status: 'ok' });
    const wrong = await connectorWith({ apiToken: 'f'.repeat(64) }).check();
    // Wrong credentials are an error of the instance (like every connector's), not a right
    // the token lacks ('denied').
    expect(wrong.devices?.status).toBe('error');
    expect(wrong.devices?.detail).toContain('Not authorized');
  });

  it('maps the host group and host through pullDevices + normalize, page by page', async () => {
    await createServiceHost(admin, created, {
      group: groupName,
      host: hostName,
      visible: `SQL 01 (${run})`,
    });
    expect(created.triggerid).toMatch(/^\d+$/);
    await reloadConfigCache(serverConf);

    const connector = connectorWith({ apiToken, pageSize: 1 });
    const { records, pages } = await walk((c) => connector.pullDevices!(c), null);
    expect(pages).toBeGreaterThanOrEqual(2);
    const events = records.flatMap((r) => connector.normalize(r));
    const client = events.find(
      (e): e is ClientSeen => e.type === 'client' && e.client.externalId === created.groupid,
    );
    expect(client?.client.name).toBe(`Acme Dental ${run}`);
    // Stock groups ("Zabbix servers", "Templates/…") do not match the pattern: no client.
    const names = events.flatMap((e) => (e.type === 'client' ? [e.client.name] : []));
    expect(names.filter((n) => n === 'Zabbix servers' || n.startsWith('Templates'))).toEqual([]);
    const device = events.find(
      (e): e is DeviceSeen => e.type === 'device' && e.device.externalId === created.hostid,
    );
    expect(device).toMatchObject({
      client: { name: `Acme Dental ${run}`, externalId: created.groupid },
      device: {
        hostname: hostName,
        ip: '10.20.4.31',
        fqdn: 'sql01.acme.example',
        serial: 'CZ1234X9',
      },
      displayName: `SQL 01 (${run})`,
      os: 'Windows Server 2019',
    });
  });

  it('imports the shipped media type and wires a user and an action to the listener', async () => {
    const source = readFileSync(mediaExport, 'utf8');
    await admin.call('configuration.import', {
      format: 'json',
      source,
      rules: { mediaTypes: { createMissing: true, updateExisting: true } },
    });
    const [media] = await admin.call<
      { mediatypeid: string; parameters: { name: string; value: string }[] }[]
    >('mediatype.get', {
      // 6.0 returns webhook parameters as an output field (no selectParameters).
      output: ['mediatypeid', 'parameters'],
      filter: { name: 'Switchboard' },
    });
    created.mediatypeid = media.mediatypeid;
    const parameters = media.parameters.map((p) =>
      p.name === 'token'
        ? { name: 'token', value: webhookSecret }
        : { name: p.name, value: p.value },
    );
    await admin.call('mediatype.update', { mediatypeid: media.mediatypeid, parameters });

    await notifyThroughMedia(admin, created, { run, sendTo: listenerUrl });
    await reloadConfigCache(serverConf);
    // Actions are matched when an event is created. A forced reload asked for while another is
    // still running is dropped (seen under CI load: one reload in the log, no webhook ever), so
    // also wait out one CacheUpdateFrequency (5 s) before any problem is raised.
    await new Promise((resolve) => setTimeout(resolve, 6000));

    // Start the health cursor after everything already in the database.
    const start = await walk((c) => connectorWith({ apiToken }).pullHealth!(c), null);
    healthCursor = start.cursor;
  });

  it('sees a raised problem via pullHealth + normalize as service.down MSSQLSERVER', async () => {
    await sendUntilProcessed(trapper, { host: hostName, key: itemKey, value: 0 });
    const connector = connectorWith({ apiToken });
    const found = await eventually('the problem event in pullHealth', async () => {
      const page = await walk((c) => connector.pullHealth!(c), healthCursor);
      const events = page.records.flatMap((r) =>
        health(connector.normalize(r)).map((h) => ({ r, h })),
      );
      return events.find(
        ({ h }) => h.device.externalId === created.hostid && h.kind === 'service.down',
      );
    });
    expect(found.h).toMatchObject({
      kind: 'service.down',
      subject: 'MSSQLSERVER',
      severity: 'important',
      device: { externalId: created.hostid, hostname: hostName },
      message: `MSSQLSERVER is not running on SQL 01 (${run})`,
    });
    problemEventId = found.h.problemId!;
    problemDedupeKey = found.r.dedupeKey;
    expect(problemEventId).toMatch(/^\d+$/);
    expect(problemDedupeKey).toBe(`event:${problemEventId}`);
  });

  it('receives the problem as a webhook that handleWebhook accepts and normalizes', async () => {
    const request = await eventually('the problem webhook', async () =>
      listener.find(
        (b) =>
          b.event_id === problemEventId && b.event_value === '1' && b.event_update_status === '0',
      ),
    );
    expect(request.headers['x-switchboard-token']).toBe(webhookSecret);
    const connector = connectorWith({ apiToken });
    const verdict = connector.handleWebhook!(request);
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.records.map((r) => r.dedupeKey)).toEqual([problemDedupeKey]);
    const [event] = health(connector.normalize(verdict.records[0]));
    expect(event).toMatchObject({
      kind: 'service.down',
      subject: 'MSSQLSERVER',
      problemId: problemEventId,
      severity: 'important',
      device: { externalId: created.hostid, hostname: hostName, ip: '10.20.4.31' },
    });
    // The script turned the server-local date/time into UTC: within minutes of now.
    expect(Math.abs(event.occurredAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
    const forged: InboundRequest = {
      ...request,
      headers: { ...request.headers, 'x-switchboard-token': 'wrong' },
    };
    expect(connector.handleWebhook!(forged)).toMatchObject({ ok: false, status: 401 });
  });

  it('writes a note that acknowledges the problem, and the update webhook normalizes to nothing', async () => {
    await connectorWith({ apiToken, acknowledgeOnNote: true }).pushAlertNote!(
      { id: problemEventId },
      note,
    );
    const [problem] = await admin.call<
      { acknowledged: string; acknowledges: { message: string; action: string }[] }[]
    >('problem.get', {
      eventids: [problemEventId],
      output: ['eventid', 'acknowledged'],
      selectAcknowledges: 'extend',
    });
    expect(problem.acknowledged).toBe('1');
    expect(problem.acknowledges.map((a) => [a.message, a.action])).toContainEqual([note, '6']);

    const update = await eventually('the update webhook', async () =>
      listener.find((b) => b.event_id === problemEventId && b.event_update_status === '1'),
    );
    const connector = connectorWith({ apiToken });
    const verdict = connector.handleWebhook!(update);
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.records[0].dedupeKey).toMatch(
      new RegExp(`^update:${problemEventId}:[0-9a-f]{32}$`),
    );
    expect((update.body as Record<string, unknown>).event_update_message).toBe(note);
    expect(connector.normalize(verdict.records[0])).toEqual([]);
  });

  it('writes a marked note once: the retry after a lost answer finds it on the problem', async () => {
    const connector = connectorWith({ apiToken });
    const delivery = { marker: 'SB-REALZABBIX01' };
    const marked = `Ticket opened ${run}`;
    await connector.pushAlertNote!({ id: problemEventId }, marked, delivery);
    await connector.pushAlertNote!({ id: problemEventId }, marked, delivery);
    const [problem] = await admin.call<{ acknowledges: { message: string }[] }[]>('problem.get', {
      eventids: [problemEventId],
      output: ['eventid'],
      selectAcknowledges: ['message'],
    });
    expect(problem.acknowledges.map((a) => a.message)).toEqual(
      expect.arrayContaining([`${marked}\n[SB-REALZABBIX01]`]),
    );
    expect(
      problem.acknowledges.filter((a) => a.message.includes('[SB-REALZABBIX01]')),
    ).toHaveLength(1);
  });

  it('sees the recovery as service.up both by polling and by webhook', async () => {
    await sendUntilProcessed(trapper, { host: hostName, key: itemKey, value: 1 });
    const connector = connectorWith({ apiToken });
    const polled = await eventually('the recovery event in pullHealth', async () => {
      const page = await walk((c) => connector.pullHealth!(c), healthCursor);
      const events = page.records.flatMap((r) =>
        health(connector.normalize(r)).map((h) => ({ r, h })),
      );
      return events.find(
        ({ h }) => h.device.externalId === created.hostid && h.kind === 'service.up',
      );
    });
    expect(polled.h).toMatchObject({
      kind: 'service.up',
      subject: 'MSSQLSERVER',
      problemId: problemEventId,
    });

    const request = await eventually('the recovery webhook', async () =>
      listener.find(
        (b) =>
          b.event_id === problemEventId && b.event_value === '0' && b.event_update_status === '0',
      ),
    );
    const verdict = connector.handleWebhook!(request);
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.records.map((r) => r.dedupeKey)).toEqual([polled.r.dedupeKey]);
    const [event] = health(connector.normalize(verdict.records[0]));
    expect(event).toMatchObject({
      kind: 'service.up',
      subject: 'MSSQLSERVER',
      problemId: problemEventId,
      sourceId: polled.h.sourceId,
    });
  });
});
