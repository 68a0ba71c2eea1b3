import nock from 'nock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InboundRequest, RawRecord } from '../contract/connector';
import type { HealthSeen } from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { parseSettings, SettingsError } from '../contract/settings';
import { AlertmanagerConnector } from './alertmanager.connector';
import { machineName } from './alertmanager.labels';
import { alertDedupeKey } from './alertmanager.records';
import type { AlertmanagerSettings } from './alertmanager.settings';
import { deviceMatcher } from './alertmanager.silences';
import type {
  AlertmanagerGettableAlert,
  AlertmanagerWebhookAlert,
  AlertmanagerWebhookMessage,
} from './alertmanager.types';
import { alertmanagerConnector } from './index';

const BASE = 'https://alertmanager.example.net';
const API_TOKEN = 'am-api-token-5b0e1f9c2d7a';
const SECRET = 'whsec-alertmanager-0123456789';
const NOW = new Date('2026-11-24T02:30:00Z');
const LIST_QUERY = { active: 'true', silenced: 'true', inhibited: 'true', unprocessed: 'true' };
const W3SVC = 'e3ab3b616c1ae23a';
const SQL = '91d9f5a03ca6cfb1';

// ---------------------------------------------------------------- fixtures and builders

function load<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

const ALERTS = load<AlertmanagerGettableAlert[]>('alerts.json');

/** The firing or resolved notification, its first alert changed by `alert`. */
function message(
  name: 'firing' | 'resolved',
  alert: Partial<AlertmanagerWebhookAlert> = {},
  changes: Partial<AlertmanagerWebhookMessage> = {},
): AlertmanagerWebhookMessage {
  const body = load<AlertmanagerWebhookMessage>(`webhook.${name}.json`);
  return { ...body, alerts: [{ ...body.alerts[0], ...alert }], ...changes };
}

function request(
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${SECRET}` },
  query: Record<string, string> = {},
): InboundRequest {
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Alertmanager/0.25.0',
      ...headers,
    },
    query,
    rawBody: Buffer.from(JSON.stringify(body)),
    body,
  };
}

const settings = { url: BASE, bearerToken: API_TOKEN };

function connector(
  overrides: Record<string, unknown> = {},
  base: Record<string, unknown> = settings,
): AlertmanagerConnector {
  return alertmanagerConnector.create(
    makeContext({ ...fixture, validSettings: { ...base, ...overrides } }),
  ) as AlertmanagerConnector;
}

function records(body: unknown, c = connector()): RawRecord[] {
  const verdict = c.handleWebhook(request(body));
  if (!verdict.ok) throw new Error(`rejected: ${verdict.message}`);
  return verdict.records;
}

const health = (record: RawRecord, c = connector()) => c.normalize(record) as HealthSeen[];

/** A cursor as an earlier poll left it. */
function cursorWith(
  firing: Record<string, { s: string; e?: string; l: Record<string, string>; g?: string }>,
) {
  return JSON.stringify({ v: 1, at: '2026-11-24T02:29:00.000Z', firing });
}

const OLD_DISK = {
  s: '2026-11-24T01:00:00.000Z',
  e: '2026-11-24T02:26:00.000Z',
  l: { alertname: 'DiskFull', instance: 'srv-file-01:9100', mountpoint: '/srv', client: 'acme' },
};
const OLD_DISK_FP = 'aa00bb11cc22dd33';

// ---------------------------------------------------------------- nock replays

type Auth = { bearer: string } | { basic: [string, string] } | 'none';

/** GET /api/v2/alerts, pinning the path, the whole query and where the credential goes. */
function listAlerts(
  reply: unknown,
  options: {
    status?: number;
    headers?: Record<string, string>;
    query?: Record<string, string | string[]>;
    auth?: Auth;
    base?: string;
    path?: string;
  } = {},
) {
  const auth = options.auth ?? { bearer: API_TOKEN };
  const scope = nock(
    options.base ?? BASE,
    auth === 'none' ? { badheaders: ['authorization'] } : {},
  );
  let interceptor = scope
    .get(options.path ?? '/api/v2/alerts')
    .query(options.query ?? LIST_QUERY)
    .matchHeader('accept', /application\/json/);
  if (auth !== 'none')
    interceptor = interceptor.matchHeader(
      'authorization',
      'bearer' in auth
        ? `Bearer ${auth.bearer}`
        : `Basic ${Buffer.from(auth.basic.join(':')).toString('base64')}`,
    );
  return interceptor.reply(
    options.status ?? 200,
    typeof reply === 'string' ? reply : JSON.stringify(reply),
    { 'Content-Type': 'application/json', ...options.headers },
  );
}

function getSilences(reply: unknown = load('silences.json')) {
  return nock(BASE)
    .get('/api/v2/silences')
    .matchHeader('authorization', `Bearer ${API_TOKEN}`)
    .reply(200, JSON.stringify(reply), { 'Content-Type': 'application/json' });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

// ---------------------------------------------------------------- contract

const fixture: ContractFixture<AlertmanagerSettings> = {
  definition: alertmanagerConnector,
  validSettings: settings,
  requiredFields: ['url'],
  webhookSecret: SECRET,
  webhook: {
    valid: () => request(message('firing')),
    badSignature: () => request(message('firing'), { authorization: 'Bearer wrong-secret' }),
  },
  failingCall: {
    arrange: (status, headers, body) => listAlerts(body, { status, headers }),
    act: (c) => c.pullHealth!(null),
  },
  pulls: {
    health: {
      // One call lists everything (Alertmanager has no paging); the earlier poll's DiskFull is gone.
      arrange: () => listAlerts(ALERTS),
      from: cursorWith({ [OLD_DISK_FP]: OLD_DISK }),
      keys: [
        `alert:${W3SVC}:2026-11-24T02:25:35.123Z:firing`,
        `alert:${SQL}:2026-11-24T02:28:12.000Z:firing`,
        `alert:${OLD_DISK_FP}:2026-11-24T01:00:00.000Z:resolved`,
      ],
      settings: { missingGraceSeconds: 0 },
    },
  },
};

runContractSuite(fixture);

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

// ---------------------------------------------------------------- settings

describe('alertmanager settings', () => {
  const problems = (plain: Record<string, unknown>) => {
    try {
      parseSettings(alertmanagerConnector.settings, plain);
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      return (err as Error).message;
    }
    throw new Error('settings were accepted');
  };

  it('needs only the URL, and maps devices by instance, host, hostname, nodename, node', () => {
    expect(parseSettings(alertmanagerConnector.settings, { url: BASE })).toMatchObject({
      deviceLabels: ['instance', 'host', 'hostname', 'nodename', 'node'],
      clientLabel: 'client',
      serviceLabels: ['service'],
      deviceDownAlerts: ['InstanceDown', 'HostDown', 'NodeDown'],
      severityLabel: 'severity',
      filters: [],
      missingGraceSeconds: 90,
    });
  });

  it('refuses a bearer token together with basic auth, and a user without a password', () => {
    expect(problems({ ...settings, username: 'sb', password: 'pw' })).toContain(
      'settings.bearerToken: use either bearerToken or username + password',
    );
    expect(problems({ url: BASE, username: 'sb' })).toContain('settings.password');
  });

  it('refuses label names Prometheus would not accept, a bad severity and credentials in the URL', () => {
    expect(problems({ ...settings, deviceLabels: ['host-name'] })).toContain(
      'settings.deviceLabels',
    );
    expect(problems({ ...settings, deviceLabels: [] })).toContain('settings.deviceLabels');
    expect(problems({ ...settings, severityMap: { p1: 'urgent' } })).toContain(
      'settings.severityMap',
    );
    expect(problems({ ...settings, url: 'https://u:p@am.example.net' })).toContain('settings.url');
    expect(problems({ ...settings, receiver: '(' })).toContain('settings.receiver');
  });
});

// ---------------------------------------------------------------- webhook

describe('alertmanager webhook', () => {
  it('makes one record per alert of the group, keyed by fingerprint, startsAt and status', () => {
    const second = {
      ...message('firing').alerts[0],
      labels: { alertname: 'WindowsServiceDown', instance: 'srv-web-02:9182', service: 'W3SVC' },
      fingerprint: '0123456789abcdef',
      startsAt: '2026-11-24T02:26:00Z',
    };
    const body = { ...message('firing'), alerts: [message('firing').alerts[0], second] };
    expect(records(body).map((r) => [r.type, r.dedupeKey])).toEqual([
      ['alert', `alert:${W3SVC}:2026-11-24T02:25:35.123Z:firing`],
      ['alert', 'alert:0123456789abcdef:2026-11-24T02:26:00.000Z:firing'],
    ]);
  });

  it('gives the resolve its own key, and the poll the webhook key for the same firing alert', () => {
    const [firing] = records(message('firing'));
    const [resolved] = records(message('resolved'));
    expect(resolved.dedupeKey).toBe(`alert:${W3SVC}:2026-11-24T02:25:35.123Z:resolved`);
    // Nanoseconds in the webhook, milliseconds in API v2: one key.
    expect(firing.dedupeKey).toBe(alertDedupeKey(W3SVC, ALERTS[0].startsAt, 'firing'));
  });

  it('accepts the secret as a bearer token, as basic-auth password, in the URL or as X-Switchboard-Token', () => {
    const c = connector();
    const body = message('firing');
    const basic = `Basic ${Buffer.from(`alertmanager:${SECRET}`).toString('base64')}`;
    expect(c.handleWebhook(request(body, { authorization: `bearer  ${SECRET}` })).ok).toBe(true);
    expect(c.handleWebhook(request(body, { authorization: basic })).ok).toBe(true);
    expect(c.handleWebhook(request(body, {}, { token: SECRET })).ok).toBe(true);
    expect(c.handleWebhook(request(body, { 'x-switchboard-token': SECRET })).ok).toBe(true);
  });

  it('rejects a missing or wrong secret with 401, also when the instance has none', () => {
    const body = message('firing');
    const wrongBasic = `Basic ${Buffer.from(`${SECRET}:nope`).toString('base64')}`;
    const cases: Record<string, string>[] = [
      {},
      { authorization: wrongBasic },
      { authorization: SECRET },
    ];
    for (const headers of cases) {
      expect(connector().handleWebhook(request(body, headers))).toMatchObject({
        ok: false,
        status: 401,
      });
    }
    const bare = alertmanagerConnector.create({
      ...makeContext(fixture),
      webhookSecret: undefined,
    });
    expect(bare.handleWebhook!(request(body))).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects another payload version and malformed alerts with 400, naming the field', () => {
    const c = connector();
    expect(c.handleWebhook(request({ ...message('firing'), version: '5' }))).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining('body.version'),
    });
    const bad = message('firing', { fingerprint: 'xyz', startsAt: 'yesterday' });
    const verdict = c.handleWebhook(request(bad));
    expect(verdict).toMatchObject({ ok: false, status: 400 });
    if (!verdict.ok) {
      expect(verdict.message).toContain('body.alerts[0].fingerprint');
      expect(verdict.message).toContain('body.alerts[0].startsAt');
    }
  });

  it('stores what arrived of a truncated group (the poll finds the rest)', () => {
    const body = message('firing', {}, { truncatedAlerts: 3 });
    expect(records(body)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- normalize

describe('alertmanager normalize', () => {
  it('turns a firing service alert into service.down on the instance, for the client label', () => {
    const [record] = records(message('firing'));
    expect(health(record)).toEqual([
      {
        type: 'health',
        sourceId: `${W3SVC}@2026-11-24T02:25:35.123Z`,
        occurredAt: new Date('2026-11-24T02:25:35.123Z'),
        client: { externalId: 'client=acme', name: 'acme' },
        device: { externalId: 'instance=srv-web-01', hostname: 'srv-web-01' },
        kind: 'service.down',
        subject: 'W3SVC',
        severity: 'critical',
        problemId: W3SVC,
        message: 'WindowsServiceDown: W3SVC stopped on srv-web-01',
      },
    ]);
  });

  it('turns the resolve into service.up at endsAt, with the same subject and problem', () => {
    const [record] = records(message('resolved'));
    expect(health(record)).toEqual([
      expect.objectContaining({
        kind: 'service.up',
        subject: 'W3SVC',
        occurredAt: new Date('2026-11-24T02:29:53.500Z'),
        problemId: W3SVC,
        device: { externalId: 'instance=srv-web-01', hostname: 'srv-web-01' },
      }),
    ]);
    expect(health(record)[0].severity).toBeUndefined();
  });

  it('reads device-down alert names as the device itself, and other alerts as checks', () => {
    const down = message('firing', {
      labels: { alertname: 'instancedown', instance: 'srv-sql-01.acme.local:9100' },
    });
    expect(health(records(down)[0])[0]).not.toHaveProperty('subject');
    expect(health(records(down)[0])[0]).toMatchObject({
      kind: 'device.down',
      device: { externalId: 'instance=srv-sql-01.acme.local', hostname: 'srv-sql-01.acme.local' },
    });
    const disk = message('resolved', {
      labels: { alertname: 'DiskFull', nodename: 'srv-file-01', severity: 'warning' },
    });
    expect(health(records(disk)[0])[0]).toMatchObject({
      kind: 'check.ok',
      subject: 'DiskFull',
      device: { externalId: 'nodename=srv-file-01', hostname: 'srv-file-01' },
    });
  });

  it('tries the device labels in the configured order, and gives an address as an IP', () => {
    const c = connector({ deviceLabels: ['host', 'instance'], serviceLabels: ['name'] });
    const alert = message('firing', {
      labels: {
        alertname: 'ServiceDown',
        instance: '10.0.4.7:9182',
        host: 'SRV-APP-03',
        name: 'Spooler',
      },
    });
    expect(health(records(alert, c)[0], c)[0]).toMatchObject({
      device: { externalId: 'host=SRV-APP-03', hostname: 'SRV-APP-03' },
      kind: 'service.down',
      subject: 'Spooler',
    });
    const byIp = message('firing', { labels: { alertname: 'X', instance: '10.0.4.7:9182' } });
    expect(health(records(byIp)[0])[0].device).toEqual({
      externalId: 'instance=10.0.4.7',
      ip: '10.0.4.7',
    });
  });

  it('strips ports, brackets, URL schemes and paths from device label values', () => {
    expect(machineName('srv-web-01:9182')).toBe('srv-web-01');
    expect(machineName('srv-web-01.acme.local.')).toBe('srv-web-01.acme.local');
    expect(machineName('[fe80::1]:9100')).toBe('fe80::1');
    expect(machineName('2001:db8::7')).toBe('2001:db8::7');
    expect(machineName('https://portal.acme.example:8443/health')).toBe('portal.acme.example');
    expect(machineName(':9100')).toBe('');
  });

  it('maps client slugs and severities through the instance settings', () => {
    const c = connector({ clientMap: { acme: 'Acme Dental' }, severityMap: { P1: 'critical' } });
    const alert = message('firing', {
      labels: { ...message('firing').alerts[0].labels, severity: 'p1' },
    });
    expect(health(records(alert, c)[0], c)[0]).toMatchObject({
      client: { externalId: 'client=acme', name: 'Acme Dental' },
      severity: 'critical',
    });
    const warning = message('firing', {
      labels: { alertname: 'A', instance: 'h', severity: 'Warning' },
    });
    expect(health(records(warning)[0])[0]).toMatchObject({ severity: 'moderate' });
    expect(health(records(warning)[0])[0].client).toBeUndefined();
  });

  it('gives an alert with no device label an empty device and the reason, for the core to keep', () => {
    const alert = message('firing', { labels: { alertname: 'Watchdog', severity: 'none' } });
    const [event] = health(records(alert)[0]);
    expect(event).toMatchObject({
      type: 'health',
      device: {},
      kind: 'check.failed',
      subject: 'Watchdog',
      problemId: alert.alerts[0].fingerprint,
    });
    expect(event.unmatchedReason).toContain('instance, host, hostname, nodename, node');
    expect(event.unmatchedReason).toContain('its labels: alertname, severity');
    const matched = health(records(message('firing'))[0])[0];
    expect(matched.unmatchedReason).toBeUndefined();
  });

  it('refuses records it did not write', () => {
    const c = connector();
    expect(() => c.normalize({ type: 'silence', dedupeKey: 'x', payload: {} })).toThrow(
      /unknown record type/,
    );
    expect(() => c.normalize({ type: 'alert', dedupeKey: 'x', payload: { via: 'poll' } })).toThrow(
      /malformed alert/,
    );
  });
});

// ---------------------------------------------------------------- poll

describe('alertmanager poll (pullHealth)', () => {
  const keysOf = (rs: RawRecord[]) => rs.map((r) => r.dedupeKey);

  it('lists alerts with the bearer token and remembers what fired in the cursor', async () => {
    listAlerts(ALERTS);
    const page = await connector().pullHealth(null);
    expect(page.more).toBe(false);
    expect(keysOf(page.records)).toEqual([
      `alert:${W3SVC}:2026-11-24T02:25:35.123Z:firing`,
      `alert:${SQL}:2026-11-24T02:28:12.000Z:firing`,
    ]);
    const cursor = JSON.parse(page.cursor!);
    expect(Object.keys(cursor.firing)).toEqual([W3SVC, SQL]);
    // Only the labels the mapping reads are kept (not job): the cursor stays small.
    expect(cursor.firing[SQL]).toEqual({
      s: ALERTS[1].startsAt,
      e: ALERTS[1].endsAt,
      l: {
        alertname: 'InstanceDown',
        client: 'acme',
        instance: 'srv-sql-01.acme.local:9100',
        severity: 'critical',
      },
      m: 'srv-sql-01 is down',
    });
    // A silenced alert is still an outage: it is reported like any other.
    expect(health(page.records[1])[0]).toMatchObject({ kind: 'device.down' });
    expect(nock.isDone()).toBe(true);
  });

  it('uses basic auth, no auth, a route prefix, the receiver and the filters as configured', async () => {
    listAlerts([], { auth: { basic: ['switchboard', 'pw'] } });
    await connector({}, { url: BASE, username: 'switchboard', password: 'pw' }).pullHealth(null);
    listAlerts([], {
      auth: 'none',
      path: '/alertmanager/api/v2/alerts',
      query: { ...LIST_QUERY, receiver: '^switchboard$', filter: ['team="msp"', 'env=~"prod|dr"'] },
    });
    await connector(
      { receiver: '^switchboard$', filters: ['team="msp"', 'env=~"prod|dr"'] },
      { url: `${BASE}/alertmanager/` },
    ).pullHealth(null);
    expect(nock.isDone()).toBe(true);
  });

  it('waits out the grace period before resolving an alert that vanished, dated when it went missing', async () => {
    const c = connector({ missingGraceSeconds: 90 });
    listAlerts([ALERTS[0]]);
    const start = cursorWith({
      [SQL]: { s: ALERTS[1].startsAt, e: ALERTS[1].endsAt, l: ALERTS[1].labels },
    });
    const first = await c.pullHealth(start);
    expect(keysOf(first.records)).toEqual([`alert:${W3SVC}:2026-11-24T02:25:35.123Z:firing`]);
    const kept = JSON.parse(first.cursor!);
    expect(kept.firing[SQL].g).toBe(NOW.toISOString());

    // 90 s later it is still missing: resolved, at the time the first poll missed it.
    const later = alertmanagerConnector.create({
      ...makeContext({ ...fixture, validSettings: { ...settings, missingGraceSeconds: 90 } }),
      clock: () => new Date(NOW.getTime() + 90_000),
    });
    listAlerts([ALERTS[0]]);
    const second = await later.pullHealth!(first.cursor);
    expect(keysOf(second.records)).toEqual([
      `alert:${W3SVC}:2026-11-24T02:25:35.123Z:firing`,
      `alert:${SQL}:2026-11-24T02:28:12.000Z:resolved`,
    ]);
    expect(health(second.records[1])[0]).toMatchObject({
      kind: 'device.up',
      occurredAt: NOW,
      device: { hostname: 'srv-sql-01.acme.local' },
    });
    expect(Object.keys(JSON.parse(second.cursor!).firing)).toEqual([W3SVC]);
    expect(nock.isDone()).toBe(true);
  });

  it('forgets the grace when the alert comes back (a restarted Alertmanager filled again)', async () => {
    const c = connector();
    listAlerts(ALERTS);
    const missing = cursorWith({
      [SQL]: { s: ALERTS[1].startsAt, l: ALERTS[1].labels, g: '2026-11-24T02:29:30.000Z' },
    });
    const page = await c.pullHealth(missing);
    expect(keysOf(page.records).filter((k) => k.endsWith(':resolved'))).toEqual([]);
    expect(JSON.parse(page.cursor!).firing[SQL].g).toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('dates an alert that expired by its endsAt, and resolves a re-fired one at once', async () => {
    const c = connector({ missingGraceSeconds: 0 });
    const refired = { ...ALERTS[0], startsAt: '2026-11-24T02:29:00.000Z' };
    listAlerts([refired]);
    const page = await c.pullHealth(
      cursorWith({
        [W3SVC]: { s: ALERTS[0].startsAt, e: ALERTS[0].endsAt, l: ALERTS[0].labels },
        [OLD_DISK_FP]: OLD_DISK,
      }),
    );
    expect(keysOf(page.records)).toEqual([
      `alert:${W3SVC}:2026-11-24T02:29:00.000Z:firing`,
      `alert:${W3SVC}:2026-11-24T02:25:35.123Z:resolved`,
      `alert:${OLD_DISK_FP}:2026-11-24T01:00:00.000Z:resolved`,
    ]);
    // W3SVC's expected end (02:34) is still ahead: resolved when found re-fired, now.
    expect(health(page.records[1])[0].occurredAt).toEqual(NOW);
    // DiskFull's end (02:26) passed before the poll: it expired then.
    expect(health(page.records[2])[0]).toMatchObject({
      kind: 'check.ok',
      subject: 'DiskFull',
      occurredAt: new Date('2026-11-24T02:26:00.000Z'),
    });
    expect(nock.isDone()).toBe(true);
  });

  it('starts over from a cursor it cannot read, resolving nothing', async () => {
    listAlerts([]);
    const page = await connector().pullHealth('not json');
    expect(page.records).toEqual([]);
    expect(JSON.parse(page.cursor!)).toEqual({ v: 1, at: NOW.toISOString(), firing: {} });
  });

  it('classifies a rejected filter (400 "bad matcher format") as invalid, not retryable', async () => {
    listAlerts(load('error.bad-matcher.json'), {
      status: 400,
      query: { ...LIST_QUERY, filter: 'foo' },
    });
    const err = await failure(connector({ filters: ['foo'] }).pullHealth(null));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(err.message).toBe('alertmanager GET /api/v2/alerts: HTTP 400 (request rejected)');
  });
});

// ---------------------------------------------------------------- check

describe('alertmanager check', () => {
  it('reports health with the version, and webhooks by the instance secret', async () => {
    nock(BASE)
      .get('/api/v2/status')
      .matchHeader('authorization', `Bearer ${API_TOKEN}`)
      .reply(200, load('status.json'));
    listAlerts(ALERTS);
    expect(await connector().check()).toEqual({
      health: { status: 'ok', detail: 'Alertmanager 0.25.0' },
      webhooks: { status: 'ok' },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('reports a refused token as an error of health', async () => {
    nock(BASE).get('/api/v2/status').reply(401, 'Unauthorized');
    const report = await connector().check();
    expect(report.health).toEqual({
      status: 'error',
      detail: 'alertmanager GET /api/v2/status: HTTP 401 (credentials rejected)',
    });
  });
});

// ---------------------------------------------------------------- silences

describe('alertmanager silences (write-back during a rollback)', () => {
  const silencing = () => connector({ silenceDuringRollback: true });

  it('makes no silence, and calls nothing, when the instance is not set to silence', async () => {
    await expect(connector().silenceDevice(silenceRequest, delivery)).resolves.toBeNull();
    expect(nock.pendingMocks()).toEqual([]);
  });

  const delivery = { marker: 'SB-a1b2c3d4e5f6' };
  const silenceRequest = {
    device: { id: 'instance=srv-web-01' },
    endsAt: new Date('2026-11-24T04:30:00Z'),
    reason: 'Rollback of KB5034441 on SRV-WEB-01',
    link: 'https://switchboard.example.net/incidents/6f1c',
  };

  it('matches the device label as alerts carry it: any port, scheme or path, nothing longer', () => {
    const matcher = deviceMatcher({ id: 'instance=srv-web-01' });
    expect(matcher).toMatchObject({ name: 'instance', isRegex: true, isEqual: true });
    const re = new RegExp(`^(?:${matcher.value})$`);
    for (const yes of ['srv-web-01', 'srv-web-01:9182', 'https://srv-web-01:8443/health'])
      expect([yes, re.test(yes)]).toEqual([yes, true]);
    for (const no of ['srv-web-011', 'xsrv-web-01', 'srv-web-01.evil:80', 'srv-webX01'])
      expect([no, re.test(no)]).toEqual([no, false]);
    expect(() => deviceMatcher({ id: '42' })).toThrow(/not label=value/);
  });

  it('creates the silence with Switchboard as author, the incident link and the marker', async () => {
    getSilences();
    nock(BASE)
      .post('/api/v2/silences', {
        matchers: [{ ...deviceMatcher({ id: 'instance=srv-web-01' }) }],
        startsAt: '2026-11-24T02:30:00.000Z',
        endsAt: '2026-11-24T04:30:00.000Z',
        createdBy: 'Switchboard',
        comment:
          'Rollback of KB5034441 on SRV-WEB-01 — https://switchboard.example.net/incidents/6f1c [SB-a1b2c3d4e5f6]',
      })
      .matchHeader('authorization', `Bearer ${API_TOKEN}`)
      .matchHeader('content-type', /application\/json/)
      .reply(200, load('silence.created.json'));
    await expect(silencing().silenceDevice(silenceRequest, delivery)).resolves.toEqual({
      id: '8b793bfb-2117-4b67-b924-03c450876f00',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('finds its own silence by the marker after a lost answer instead of creating another', async () => {
    getSilences();
    const again = { ...silenceRequest, device: { id: 'instance=srv-sql-01.acme.local' } };
    await expect(silencing().silenceDevice(again, { marker: 'SB-0123456789ab' })).resolves.toEqual({
      id: '774fe846-3254-46b1-aea1-e6c7e8372f9f',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('refuses a silence that would already be over, or a device id it did not give', async () => {
    const past = { ...silenceRequest, endsAt: new Date('2026-11-24T02:00:00Z') };
    await expect(silencing().silenceDevice(past, delivery)).rejects.toMatchObject({
      reason: 'invalid',
    });
    await expect(
      silencing().silenceDevice({ ...silenceRequest, device: { id: '10084' } }, delivery),
    ).rejects.toMatchObject({ reason: 'invalid' });
  });

  it('expires the silence with DELETE, and takes "silence not found" (500 on 0.25) as done', async () => {
    const id = '8b793bfb-2117-4b67-b924-03c450876f00';
    nock(BASE)
      .delete(`/api/v2/silence/${id}`)
      .matchHeader('authorization', `Bearer ${API_TOKEN}`)
      .reply(200, '');
    nock(BASE)
      .delete(`/api/v2/silence/${id}`)
      .reply(500, load('error.silence-not-found.json'), { 'Content-Type': 'application/json' });
    await expect(connector().expireSilence({ id }, delivery)).resolves.toBeUndefined();
    await expect(connector().expireSilence({ id }, delivery)).resolves.toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it('retries an expiry Alertmanager could not take, and refuses an id that is no UUID', async () => {
    const id = '8b793bfb-2117-4b67-b924-03c450876f00';
    nock(BASE).delete(`/api/v2/silence/${id}`).reply(503, 'down for maintenance');
    const err = await failure(connector().expireSilence({ id }, delivery));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    await expect(connector().expireSilence({ id: 'nonsense' }, delivery)).rejects.toMatchObject({
      reason: 'invalid',
    });
    expect(nock.isDone()).toBe(true);
  });
});
