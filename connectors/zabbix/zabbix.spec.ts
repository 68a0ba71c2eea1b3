import nock from 'nock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { runInNewContext } from 'node:vm';
import type { Connector, InboundRequest, Page, RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { parseSettings, SettingsError } from '../contract/settings';
import { zabbixConnector } from './index';
import { classifyHealth, firstKeyParameter } from './zabbix.health-rules';
import { ZabbixSettings } from './zabbix.settings';
import type { ZabbixEvent, ZabbixWebhookBody } from './zabbix.types';

const BASE = 'https://zabbix.example.net';
const PATH = '/zabbix/api_jsonrpc.php';
const URL = `${BASE}${PATH}`;
const TOKEN = '3f9c0d2e8b7a41c6a5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2';
const PASSWORD = 'correct-horse-battery';
const SESSION = '3f144e544ea9c4a76fb601d92dddf7c6';
const SECRET = 'whsec-zabbix-0123456789';
const NOW = new Date('2026-11-24T02:30:00Z');

// ---------------------------------------------------------------- fixtures and builders

function load<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}

type Envelope<T> = { jsonrpc: '2.0'; result: T; id: number };
const result = <T>(name: string): T => load<Envelope<T>>(name).result;
const envelope = (value: unknown) => ({ jsonrpc: '2.0', result: value, id: 1 });

const EVENTS = result<ZabbixEvent[]>('event.get.json');
const eventById = (id: string): ZabbixEvent => EVENTS.find((e) => e.eventid === id)!;

function webhookBody(name: 'problem' | 'update' | 'recovery', changes = {}): ZabbixWebhookBody {
  return { ...load<ZabbixWebhookBody>(`webhook.${name}.json`), ...changes };
}

function request(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const all = { 'content-type': 'application/json', 'x-switchboard-token': SECRET, ...headers };
  return { headers: all, query: {}, rawBody: Buffer.from(JSON.stringify(body)), body };
}

const tokenSettings = { url: URL, apiToken: TOKEN };
const sessionSettings = { url: URL, username: 'svc-switchboard', password: PASSWORD };

function connector(settings: Record<string, unknown> = tokenSettings): Connector {
  return zabbixConnector.create(makeContext({ ...fixture, validSettings: settings }));
}

// ---------------------------------------------------------------- nock replays

interface Call {
  method: string;
  params: unknown;
  /** The body `auth` member; omitted = must be absent. */
  auth?: string;
  /** Authorization: Bearer value; omitted = the header must be absent. */
  bearer?: string;
}

/** One interceptor pinning path, content type, JSON-RPC body and where the credential goes. */
function rpc(
  call: Call,
  reply: unknown,
  status = 200,
  headers: Record<string, string> = {},
  options: { times?: number; delayMs?: number } = {},
) {
  const scope = nock(BASE, call.bearer ? {} : { badheaders: ['authorization'] });
  const interceptor = scope
    .post(PATH, (body: Record<string, unknown>) => {
      const authOk = call.auth === undefined ? !('auth' in body) : body.auth === call.auth;
      return (
        body.jsonrpc === '2.0' &&
        body.method === call.method &&
        isDeepStrictEqual(body.params, call.params) &&
        typeof body.id === 'number' &&
        authOk
      );
    })
    .matchHeader('content-type', 'application/json-rpc');
  if (call.bearer) interceptor.matchHeader('authorization', `Bearer ${call.bearer}`);
  if (options.times) interceptor.times(options.times);
  if (options.delayMs) interceptor.delay(options.delayMs);
  return interceptor.reply(status, typeof reply === 'string' ? reply : JSON.stringify(reply), {
    'Content-Type': 'application/json',
    ...headers,
  });
}

const version = (text = '6.0.14') => rpc({ method: 'apiinfo.version', params: [] }, envelope(text));
const login = (session = SESSION) =>
  rpc(
    { method: 'user.login', params: { username: 'svc-switchboard', password: PASSWORD } },
    envelope(session),
  );

const HOST_PARAMS = (hostids: string[], groups = 'selectGroups') => ({
  hostids,
  output: ['hostid', 'host', 'name', 'status', 'maintenance_status'],
  selectInterfaces: ['interfaceid', 'type', 'main', 'useip', 'ip', 'dns', 'port', 'available'],
  [groups]: ['groupid', 'name'],
  selectInventory: ['os', 'os_short', 'serialno_a', 'macaddress_a'],
  sortfield: 'hostid',
});

const EVENT_OUTPUT = [
  'eventid',
  'source',
  'object',
  'objectid',
  'clock',
  'ns',
  'value',
  'name',
  'severity',
  'r_eventid',
  'acknowledged',
  'suppressed',
  'opdata',
];
const eventParams = (from: Record<string, unknown>, limit = 500) => ({
  output: EVENT_OUTPUT,
  source: 0,
  object: 0,
  selectHosts: ['hostid', 'host', 'name'],
  selectTags: ['tag', 'value'],
  sortfield: ['eventid'],
  sortorder: 'ASC',
  limit,
  ...from,
});
const triggerParams = (triggerids: string[]) => ({
  triggerids,
  output: ['triggerid'],
  selectItems: ['itemid', 'key_'],
});
const closedParams = (objectid: string, till: string, limit: number) => ({
  output: ['eventid', 'r_eventid'],
  source: 0,
  object: 0,
  objectids: [objectid],
  value: [1],
  eventid_till: till,
  sortfield: ['eventid'],
  sortorder: 'DESC',
  limit,
});

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

async function walk(pull: (cursor: string | null) => Promise<Page>, cursor: string | null) {
  const pages: Page[] = [];
  for (let i = 0; i < 20; i++) {
    const page = await pull(cursor);
    pages.push(page);
    cursor = page.cursor ?? cursor;
    if (!page.more) return { pages, cursor };
  }
  throw new Error('the pull never stopped');
}

// ---------------------------------------------------------------- whole walks

const GROUPS = result<{ groupid: string }[]>('hostgroup.get.json');
const HOSTS = result<{ hostid: string }[]>('host.get.json');
const TRIGGERS = result<{ triggerid: string }[]>('trigger.get.json');

/** pullDevices with pageSize 1 from the start: groups and the first host, then the second. */
function arrangeDeviceWalk() {
  version();
  rpc(
    {
      method: 'hostgroup.get',
      params: { output: ['groupid', 'name'], sortfield: 'groupid' },
      auth: TOKEN,
    },
    load('hostgroup.get.json'),
  );
  rpc(
    { method: 'host.get', params: { output: ['hostid'], sortfield: 'hostid' }, auth: TOKEN },
    load('host.get.ids.json'),
    200,
    {},
    { times: 2 },
  );
  rpc({ method: 'host.get', params: HOST_PARAMS(['10084']), auth: TOKEN }, envelope([HOSTS[0]]));
  rpc({ method: 'host.get', params: HOST_PARAMS(['10564']), auth: TOKEN }, envelope([HOSTS[1]]));
}

const DEVICE_WALK_KEYS = [
  ...GROUPS.map((g) => expect.stringMatching(new RegExp(`^hostgroup:${g.groupid}:[0-9a-f]{16}$`))),
  expect.stringMatching(/^host:10084:[0-9a-f]{16}$/),
  expect.stringMatching(/^host:10564:[0-9a-f]{16}$/),
];

function replayEventPage(from: string, events: ZabbixEvent[], limit = 500) {
  rpc(
    { method: 'event.get', params: eventParams({ eventid_from: from }, limit), auth: TOKEN },
    envelope(events),
  );
}

/** pullHealth with pageSize 2 after event 17: two full pages of event.get.json, then none. */
function arrangeHealthWalk() {
  version();
  replayEventPage('18', [eventById('18'), eventById('20')], 2);
  rpc(
    { method: 'trigger.get', params: triggerParams(['23133', '22391']), auth: TOKEN },
    envelope(TRIGGERS.slice(0, 1)),
  );
  replayEventPage('21', [eventById('29'), eventById('30')], 2);
  rpc(
    { method: 'trigger.get', params: triggerParams(['23138']), auth: TOKEN },
    envelope(TRIGGERS.slice(1)),
  );
  rpc(
    { method: 'event.get', params: closedParams('23138', '30', 21), auth: TOKEN },
    load('event.get.closed.json'),
  );
  replayEventPage('31', [], 2);
}

// ---------------------------------------------------------------- contract

const fixture: ContractFixture<ZabbixSettings> = {
  definition: zabbixConnector,
  validSettings: tokenSettings,
  requiredFields: ['url', 'apiToken'],
  webhookSecret: SECRET,
  webhook: {
    valid: () => request(webhookBody('problem')),
    badSignature: () => request(webhookBody('problem'), { 'x-switchboard-token': 'wrong' }),
  },
  failingCall: {
    arrange: (status, headers, body) =>
      rpc({ method: 'apiinfo.version', params: [] }, body, status, headers),
    act: (c) => c.pullDevices!(null),
  },
  pulls: {
    devices: {
      arrange: arrangeDeviceWalk,
      keys: DEVICE_WALK_KEYS,
      settings: { ...tokenSettings, pageSize: 1 },
    },
    health: {
      arrange: arrangeHealthWalk,
      from: '17',
      keys: ['event:18', 'event:20', 'event:29', 'event:30'],
      settings: { ...tokenSettings, pageSize: 2 },
    },
  },
};

runContractSuite(fixture);

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

// ---------------------------------------------------------------- settings

describe('zabbix settings', () => {
  const parse = (plain: Record<string, unknown>) => parseSettings(zabbixConnector.settings, plain);
  const problems = (plain: Record<string, unknown>) => {
    try {
      parse(plain);
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      return (err as Error).message;
    }
    throw new Error('settings were accepted');
  };

  it('accepts username + password instead of a token, with documented defaults', () => {
    expect(parse(sessionSettings)).toMatchObject({
      acknowledgeOnNote: false,
      pageSize: 500,
      initialLookbackHours: 24,
      serviceTags: [],
      ignoreGroups: expect.arrayContaining(['Templates/*', 'Linux servers']),
    });
  });

  it('names the password when a username comes without one', () => {
    expect(problems({ url: URL, username: 'svc' })).toContain('settings.password');
  });

  it('refuses a token together with a username, and a token of the wrong shape', () => {
    expect(problems({ ...sessionSettings, apiToken: TOKEN })).toContain(
      'settings.apiToken: use either apiToken or username + password',
    );
    expect(problems({ url: URL, apiToken: 'abc' })).toContain('settings.apiToken');
  });

  it('refuses credentials inside the url and an invalid client pattern', () => {
    expect(problems({ ...tokenSettings, url: 'https://u:p@zabbix.example.net/' })).toContain(
      'settings.url',
    );
    expect(problems({ ...tokenSettings, clientGroupPattern: '(' })).toContain(
      'settings.clientGroupPattern',
    );
  });
});

// ---------------------------------------------------------------- transport

describe('zabbix JSON-RPC transport', () => {
  it('on 6.0 sends the token in the body auth member and no Authorization header', async () => {
    version();
    rpc(
      { method: 'host.get', params: { output: ['hostid'], limit: 1 }, auth: TOKEN },
      envelope([]),
    );
    rpc(
      {
        method: 'event.get',
        params: { output: ['eventid'], source: 0, object: 0, limit: 1 },
        auth: TOKEN,
      },
      envelope([]),
    );
    await expect(connector().check()).resolves.toEqual({
      devices: { status: 'ok' },
      health: { status: 'ok' },
      'alerts.note': { status: 'ok', detail: expect.stringContaining('acknowledge rights') },
      webhooks: { status: 'ok' },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('on 6.4+ sends Authorization: Bearer and no auth member, and selectHostGroups', async () => {
    version('7.0.5');
    rpc(
      {
        method: 'hostgroup.get',
        params: { output: ['groupid', 'name'], sortfield: 'groupid' },
        bearer: TOKEN,
      },
      envelope([{ groupid: '25', name: 'Customers/Acme Dental' }]),
    );
    rpc(
      { method: 'host.get', params: { output: ['hostid'], sortfield: 'hostid' }, bearer: TOKEN },
      envelope([{ hostid: '10564' }]),
    );
    const host = { ...result<{ hostid: string }[]>('host.get.json')[1] } as Record<string, unknown>;
    host.hostgroups = host.groups;
    delete host.groups;
    rpc(
      { method: 'host.get', params: HOST_PARAMS(['10564'], 'selectHostGroups'), bearer: TOKEN },
      envelope([host]),
    );
    const c = connector();
    const page = await c.pullDevices!(null);
    const devices = page.records.filter((r) => r.type === 'host').flatMap((r) => c.normalize(r));
    expect(devices).toEqual([
      expect.objectContaining({ client: { name: 'Customers/Acme Dental', externalId: '25' } }),
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('accepts the frontend base url and appends api_jsonrpc.php', async () => {
    version();
    rpc(
      { method: 'host.get', params: { output: ['hostid'], limit: 1 }, auth: TOKEN },
      envelope([]),
    );
    rpc(
      {
        method: 'event.get',
        params: { output: ['eventid'], source: 0, object: 0, limit: 1 },
        auth: TOKEN,
      },
      envelope([]),
    );
    const report = await connector({ ...tokenSettings, url: `${BASE}/zabbix/` }).check();
    expect(report.devices).toEqual({ status: 'ok' });
    expect(nock.isDone()).toBe(true);
  });

  it('logs in once with username and password and reuses the session', async () => {
    version();
    login();
    rpc(
      { method: 'host.get', params: { output: ['hostid'], limit: 1 }, auth: SESSION },
      envelope([]),
    );
    rpc(
      {
        method: 'event.get',
        params: { output: ['eventid'], source: 0, object: 0, limit: 1 },
        auth: SESSION,
      },
      envelope([]),
    );
    const report = await connector(sessionSettings).check();
    expect(report.health).toEqual({ status: 'ok' });
    expect(nock.isDone()).toBe(true);
  });

  it('logs in again exactly once when the session expired, then retries the call', async () => {
    const renewed = 'b'.repeat(32);
    version();
    login();
    rpc(
      {
        method: 'event.acknowledge',
        params: { eventids: ['29'], action: 4, message: 'n' },
        auth: SESSION,
      },
      load('error.session-terminated.json'),
    );
    login(renewed);
    rpc(
      {
        method: 'event.acknowledge',
        params: { eventids: ['29'], action: 4, message: 'n' },
        auth: renewed,
      },
      load('event.acknowledge.json'),
    );
    await connector(sessionSettings).pushAlertNote!({ id: '29' }, 'n');
    expect(nock.isDone()).toBe(true);
  });

  it('gives up as auth when the fresh session is rejected too, without a third login', async () => {
    const ack = { eventids: ['29'], action: 4, message: 'n' };
    version();
    login();
    rpc(
      { method: 'event.acknowledge', params: ack, auth: SESSION },
      load('error.not-authorized.json'),
    );
    login('c'.repeat(32));
    rpc(
      { method: 'event.acknowledge', params: ack, auth: 'c'.repeat(32) },
      load('error.session-terminated.json'),
    );
    const err = await failure(connector(sessionSettings).pushAlertNote!({ id: '29' }, 'n'));
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    ['a rejected API token', tokenSettings, 'error.not-authorized.json', 'Not authorized'],
    ['an expired API token', tokenSettings, 'error.token-expired.json', 'API token expired'],
  ])('classifies %s as auth and does not retry', async (_name, settings, body, text) => {
    version();
    rpc(
      { method: 'host.get', params: { output: ['hostid'], sortfield: 'hostid' }, auth: TOKEN },
      load(body),
    );
    rpc(
      {
        method: 'hostgroup.get',
        params: { output: ['groupid', 'name'], sortfield: 'groupid' },
        auth: TOKEN,
      },
      envelope([]),
    );
    const err = await failure(connector(settings).pullDevices!(null));
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toContain(text);
    expect(err.message).not.toContain(TOKEN);
    expect(nock.isDone()).toBe(true);
  });

  it('classifies a failed login as auth without leaking the password', async () => {
    version();
    rpc(
      { method: 'user.login', params: { username: 'svc-switchboard', password: PASSWORD } },
      load('error.login-failed.json'),
    );
    const err = await failure(connector(sessionSettings).pullHealth!('100'));
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toContain('zabbix user.login: Incorrect user name or password');
    expect(err.message).not.toContain(PASSWORD);
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    ['error.no-object.json', 'not-found', false],
    ['error.no-permissions-call.json', 'denied', false],
    ['error.method-not-found.json', 'invalid', false],
    ['error.invalid-params.json', 'invalid', false],
    ['error.parse.json', 'invalid', false],
    ['error.sql.json', 'unavailable', true],
  ])('maps the JSON-RPC error in %s to %s', async (body, reason, retryable) => {
    version();
    rpc(
      {
        method: 'event.acknowledge',
        params: { eventids: ['29'], action: 4, message: 'n' },
        auth: TOKEN,
      },
      load(body),
    );
    const err = await failure(connector().pushAlertNote!({ id: '29' }, 'n'));
    expect(err).toMatchObject({ reason, retryable });
    expect(err.message).toMatch(/^zabbix event\.acknowledge: .+ \(JSON-RPC -32\d{3}\)$/);
    expect(nock.isDone()).toBe(true);
  });

  it('honours Retry-After on a 429 in the middle of a pull', async () => {
    version();
    rpc(
      { method: 'event.get', params: eventParams({ eventid_from: '101' }), auth: TOKEN },
      '',
      429,
      {
        'Retry-After': '30',
      },
    );
    const err = await failure(connector().pullHealth!('100'));
    expect(err).toMatchObject({ reason: 'rate-limited', retryable: true, retryAfterMs: 30_000 });
    expect(nock.isDone()).toBe(true);
  });

  it('treats a proxy 502 page as unavailable and retryable, naming no body', async () => {
    version();
    const html = readFileSync(join(__dirname, 'fixtures', 'error.proxy-502.html'), 'utf8');
    rpc(
      { method: 'event.get', params: eventParams({ eventid_from: '101' }), auth: TOKEN },
      html,
      502,
    );
    const err = await failure(connector().pullHealth!('100'));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).not.toContain('nginx');
    expect(nock.isDone()).toBe(true);
  });

  it('times out a call that does not answer, as unavailable and retryable', async () => {
    version();
    rpc(
      { method: 'event.get', params: eventParams({ eventid_from: '101' }), auth: TOKEN },
      envelope([]),
      200,
      {},
      { delayMs: 2500 },
    );
    const err = await failure(connector().pullHealth!('100'));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toContain('timed out');
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    ['an HTML page with status 200', '<html><body>Login</body></html>', 'not JSON'],
    ['JSON with neither result nor error', { jsonrpc: '2.0', id: 1 }, 'neither result nor error'],
    ['a malformed error object', { jsonrpc: '2.0', error: { code: 'x' }, id: 1 }, 'malformed'],
    ['a result that is not a list', envelope({ eventid: '1' }), 'expected a list'],
    ['an event without an id', envelope([{ ...eventById('29'), eventid: undefined }]), 'index 0'],
  ])('rejects %s as invalid', async (_name, reply, text) => {
    version();
    rpc({ method: 'event.get', params: eventParams({ eventid_from: '101' }), auth: TOKEN }, reply);
    const err = await failure(connector().pullHealth!('100'));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(err.message).toContain(text);
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a version answer that is not a version', async () => {
    rpc({ method: 'apiinfo.version', params: [] }, envelope({ v: 6 }));
    const err = await failure(connector().pullHealth!('100'));
    expect(err).toMatchObject({ reason: 'invalid' });
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- pullDevices

describe('zabbix pullDevices', () => {
  const groups: unknown[] = GROUPS;
  const hosts = HOSTS;
  it('walks host groups and then hosts page by page to the end, then starts over', async () => {
    arrangeDeviceWalk();
    const c = connector({ ...tokenSettings, pageSize: 1 });
    const { pages, cursor } = await walk((k) => c.pullDevices!(k), null);
    expect(pages.map((p) => [p.records.length, p.cursor, p.more])).toEqual([
      [groups.length + 1, '10084', true],
      [1, '0', false],
    ]);
    expect(cursor).toBe('0');
    const keys = pages.flatMap((p) => p.records.map((r) => r.dedupeKey));
    expect(keys.some((k) => /^host:10564:[0-9a-f]{16}$/.test(k))).toBe(true);
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a cursor that is not a host id', async () => {
    await expect(connector().pullDevices!('abc')).rejects.toMatchObject({ reason: 'invalid' });
    expect(nock.isDone()).toBe(true);
  });

  const record = (type: string, payload: unknown): RawRecord => ({ type, dedupeKey: 'k', payload });

  it('makes every host group a client except the stock ones, by default', () => {
    const c = connector();
    const clients = groups.flatMap((g) => c.normalize(record('hostgroup', g)));
    expect(clients).toEqual([
      { type: 'client', client: { name: 'Customers/Acme Dental', externalId: '25' } },
    ]);
  });

  it('maps groups through a pattern or an explicit map', () => {
    const byPattern = connector({
      ...tokenSettings,
      clientGroupPattern: '^Customers/(?<client>.+)$',
    });
    expect(groups.flatMap((g) => byPattern.normalize(record('hostgroup', g)))).toEqual([
      { type: 'client', client: { name: 'Acme Dental', externalId: '25' } },
    ]);
    const byMap = connector({
      ...tokenSettings,
      clientMap: { 'Customers/Acme Dental': 'Acme Dental Ltd', 'Zabbix servers': 'Our MSP' },
    });
    expect(
      groups
        .flatMap((g) => byMap.normalize(record('hostgroup', g)))
        .map((e) => e.type === 'client' && e.client.name),
    ).toEqual(['Our MSP', 'Acme Dental Ltd']);
  });

  it('normalizes each host of host.get.json into a device', () => {
    const c = connector();
    expect(hosts.flatMap((h) => c.normalize(record('host', h)))).toEqual([
      {
        type: 'device',
        sourceId: '10084',
        client: undefined,
        device: {
          externalId: '10084',
          hostname: 'Zabbix server',
          ip: '127.0.0.1',
          fqdn: undefined,
          serial: undefined,
        },
        displayName: 'Zabbix server',
        os: undefined,
        online: false,
      },
      {
        type: 'device',
        sourceId: '10564',
        client: { name: 'Customers/Acme Dental', externalId: '25' },
        device: {
          externalId: '10564',
          hostname: 'acme-sql01',
          ip: '10.20.4.31',
          fqdn: 'sql01.acme.example',
          serial: 'CZ1234X9',
        },
        displayName: 'SQL 01 (Acme Dental)',
        os: 'Windows Server 2019',
        online: undefined,
      },
    ]);
  });

  it('refuses to normalize a malformed host or an unknown record type', () => {
    const c = connector();
    expect(() => c.normalize(record('host', { hostid: 'x' }))).toThrow(ConnectorError);
    expect(() => c.normalize(record('trend', {}))).toThrow('unknown record type');
  });
});

// ---------------------------------------------------------------- pullHealth

describe('zabbix pullHealth', () => {
  it('reads events after the cursor with item keys and the problems each recovery closed', async () => {
    version();
    replayEventPage('18', EVENTS);
    rpc(
      { method: 'trigger.get', params: triggerParams(['23133', '22391', '23138']), auth: TOKEN },
      load('trigger.get.json'),
    );
    rpc(
      { method: 'event.get', params: closedParams('23138', '30', 21), auth: TOKEN },
      load('event.get.closed.json'),
    );
    const page = await connector().pullHealth!('17');
    expect(page.cursor).toBe('30');
    expect(page.more).toBe(false);
    expect(page.records.map((r) => r.dedupeKey)).toEqual([
      'event:18',
      'event:20',
      'event:29',
      'event:30',
    ]);
    expect(page.records[3].payload).toMatchObject({
      itemKeys: ['service_state[MSSQLSERVER]'],
      problemEventIds: ['29'],
    });
    expect(nock.isDone()).toBe(true);
  });

  it('starts initialLookbackHours back when there is no cursor yet, keeping the cursor when empty', async () => {
    version();
    const timeFrom = NOW.getTime() / 1000 - 24 * 3600;
    rpc(
      { method: 'event.get', params: eventParams({ time_from: timeFrom }), auth: TOKEN },
      envelope([]),
    );
    await expect(connector().pullHealth!(null)).resolves.toEqual({
      records: [],
      cursor: null,
      more: false,
    });
    expect(nock.isDone()).toBe(true);
  });

  it('pages by event id to the end', async () => {
    arrangeHealthWalk();
    const c = connector({ ...tokenSettings, pageSize: 2 });
    const { pages, cursor } = await walk((k) => c.pullHealth!(k), '17');
    expect(pages.map((p) => [p.records.length, p.cursor, p.more])).toEqual([
      [2, '20', true],
      [2, '30', true],
      [0, null, false],
    ]);
    expect(cursor).toBe('30');
    expect(nock.isDone()).toBe(true);
  });

  const eventRecord = (id: string, extra: Record<string, unknown> = {}): RawRecord => ({
    type: 'event',
    dedupeKey: `event:${id}`,
    payload: { event: eventById(id), itemKeys: [], ...extra },
  });

  it('normalizes each event of event.get.json', () => {
    const c = connector();
    expect(c.normalize(eventRecord('18'))).toEqual([]);
    expect(c.normalize(eventRecord('20', { itemKeys: ['zabbix[host,agent,available]'] }))).toEqual([
      {
        type: 'health',
        sourceId: '20',
        occurredAt: new Date(1795520006 * 1000 + 728),
        device: { externalId: '10084', hostname: 'Zabbix server' },
        kind: 'device.down',
        subject: undefined,
        severity: 'moderate',
        problemId: '20',
        message: 'Zabbix agent is not available (for 3m)',
      },
    ]);
    expect(c.normalize(eventRecord('29'))).toEqual([
      expect.objectContaining({
        kind: 'service.down',
        subject: 'MSSQLSERVER',
        severity: 'important',
        problemId: '29',
        device: { externalId: '10564', hostname: 'acme-sql01' },
      }),
    ]);
    expect(c.normalize(eventRecord('30', { problemEventIds: ['29'] }))).toEqual([
      expect.objectContaining({
        kind: 'service.up',
        subject: 'MSSQLSERVER',
        severity: undefined,
        sourceId: '30',
        problemId: '29',
        occurredAt: new Date(1795520512 * 1000 + 484),
      }),
    ]);
  });

  it('marks a problem that was already over when read (it names its OK event) as history', () => {
    const c = connector();
    // Problem 29 names OK event 30: a first sync reading the last day must not page anyone.
    expect(c.normalize(eventRecord('29'))).toEqual([
      expect.objectContaining({ problemId: '29', history: true }),
    ]);
    // Problem 20 is still open ("0"): news.
    const [open] = c.normalize(eventRecord('20', { itemKeys: ['zabbix[host,agent,available]'] }));
    expect(open).not.toHaveProperty('history');
  });

  it('emits one recovery per problem closed, or one without a problem id when none was found', () => {
    const c = connector();
    const many = c.normalize(eventRecord('30', { problemEventIds: ['27', '29'] }));
    expect(many.map((e) => e.type === 'health' && e.problemId)).toEqual(['27', '29']);
    const none = c.normalize(eventRecord('30', { problemEventIds: [] }));
    expect(none).toEqual([expect.objectContaining({ kind: 'service.up', problemId: undefined })]);
  });

  it('refuses to normalize a malformed event record', () => {
    const bad = {
      type: 'event',
      dedupeKey: 'x',
      payload: { event: { eventid: '1' }, itemKeys: [] },
    };
    expect(() => connector().normalize(bad)).toThrow(ConnectorError);
  });
});

// ---------------------------------------------------------------- health rules

describe('zabbix health rules', () => {
  const tag = (t: string, value: string) => [{ tag: t, value }];
  it.each([
    [
      'a service tag names the service',
      'Anything at all',
      tag('service', 'MSSQLSERVER'),
      [],
      { target: 'service', subject: 'MSSQLSERVER' },
    ],
    [
      'the tag name is matched case-insensitively',
      'x',
      tag('Service', 'W3SVC'),
      [],
      { target: 'service', subject: 'W3SVC' },
    ],
    [
      'agent availability is the device',
      'Zabbix agent is not available (for 3m)',
      tag('scope', 'availability'),
      ['zabbix[host,agent,available]'],
      { target: 'device' },
    ],
    ['ICMP ping is the device', 'Unavailable by ICMP ping', [], ['icmpping'], { target: 'device' }],
    ['agent.ping nodata is the device', 'No data', [], ['agent.ping'], { target: 'device' }],
    [
      'a Windows service key names the service',
      'State changed',
      [],
      ['service.info["MSSQL$SQLEXPRESS",state]'],
      { target: 'service', subject: 'MSSQL$SQLEXPRESS' },
    ],
    [
      'a service_state key names the service',
      'x',
      [],
      ['service_state[MSSQLSERVER]'],
      { target: 'service', subject: 'MSSQLSERVER' },
    ],
    [
      'a TCP service check names the protocol',
      'x',
      [],
      ['net.tcp.service[http,,8080]'],
      { target: 'service', subject: 'http' },
    ],
    [
      'a systemd unit names the unit',
      'x',
      [],
      ['systemd.unit.info[nginx.service]'],
      { target: 'service', subject: 'nginx.service' },
    ],
    [
      'the name alone can say the host is gone',
      'Unavailable by ICMP ping',
      [],
      [],
      { target: 'device' },
    ],
    [
      'the Windows template name gives the service',
      '"Print Spooler" (Spooler) is not running (startup type automatic)',
      [],
      [],
      { target: 'service', subject: 'Spooler' },
    ],
    [
      '"Service x is down" gives the service',
      'Service "nginx" is down',
      [],
      [],
      { target: 'service', subject: 'nginx' },
    ],
    [
      '"x is not running" gives the service',
      'MSSQLSERVER is not running on Server-01',
      [],
      [],
      { target: 'service', subject: 'MSSQLSERVER' },
    ],
    [
      'anything else is a check named after the trigger',
      'High CPU utilization (over 90% for 5m)',
      [],
      ['system.cpu.util'],
      { target: 'check', subject: 'High CPU utilization (over 90% for 5m)' },
    ],
  ])('%s', (_name, name, tags, itemKeys, expected) => {
    expect(classifyHealth({ name, tags, itemKeys }, ['service'])).toEqual(expected);
  });

  it('takes no tag as a service name unless the instance says so (default settings)', () => {
    const importance = [{ tag: 'service', value: 'critical' }];
    const defaults = new ZabbixSettings().serviceTags;
    expect(defaults).toEqual([]);
    expect(
      classifyHealth(
        { name: 'x', tags: importance, itemKeys: ['service.info["MSSQLSERVER",state]'] },
        defaults,
      ),
    ).toEqual({ target: 'service', subject: 'MSSQLSERVER' });
    expect(
      classifyHealth({ name: 'High CPU on SQL01', tags: importance, itemKeys: [] }, defaults),
    ).toEqual({ target: 'check', subject: 'High CPU on SQL01' });
  });

  it('reads quoted key parameters with escaped quotes and commas', () => {
    expect(firstKeyParameter('service.info["a \\"b\\", c",state]')).toBe('a "b", c');
    expect(firstKeyParameter('proc.num[]')).toBeUndefined();
    expect(firstKeyParameter('agent.ping')).toBeUndefined();
  });
});

// ---------------------------------------------------------------- webhook

describe('zabbix webhook', () => {
  const accept = (body: unknown) => {
    const verdict = connector().handleWebhook!(request(body));
    if (!verdict.ok) throw new Error(verdict.message);
    return verdict.records;
  };

  it('turns the problem notification into service.down on problem 29, keyed like the pulled event', () => {
    const [record] = accept(webhookBody('problem'));
    expect(record).toMatchObject({ type: 'webhook', dedupeKey: 'event:29' });
    expect(connector().normalize(record)).toEqual([
      {
        type: 'health',
        sourceId: '29',
        occurredAt: new Date('2026-11-24T11:41:46.000Z'),
        device: {
          externalId: '10564',
          hostname: 'acme-sql01',
          ip: '10.20.4.31',
          fqdn: 'sql01.acme.example',
        },
        kind: 'service.down',
        subject: 'MSSQLSERVER',
        severity: 'important',
        problemId: '29',
        message: 'MSSQLSERVER is not running on SQL 01 (Acme Dental)',
      },
    ]);
  });

  it('turns the recovery into service.up keyed by the OK event, still naming problem 29', () => {
    const [record] = accept(webhookBody('recovery'));
    expect(record.dedupeKey).toBe('event:30');
    expect(connector().normalize(record)).toEqual([
      expect.objectContaining({
        kind: 'service.up',
        sourceId: '30',
        problemId: '29',
        severity: undefined,
        occurredAt: new Date('2026-11-24T11:41:52.000Z'),
      }),
    ]);
  });

  it('stores updates under a content key and normalizes them to nothing', () => {
    const [first] = accept(webhookBody('update'));
    const [again] = accept(webhookBody('update'));
    const [other] = accept(webhookBody('update', { event_update_message: 'another note' }));
    expect(first.dedupeKey).toMatch(/^update:29:[0-9a-f]{32}$/);
    expect(again.dedupeKey).toBe(first.dedupeKey);
    expect(other.dedupeKey).not.toBe(first.dedupeKey);
    expect(connector().normalize(first)).toEqual([]);
  });

  it('treats macros left unexpanded as absent and falls back to the date and time fields', () => {
    const body = webhookBody('recovery', {
      event_recovery_id: '{EVENT.RECOVERY.ID}',
      event_recovery_timestamp: undefined,
      host_ip: '{HOST.IP}',
      host_dns: '',
      event_tags: '[{"tag":"service","value":"MSSQLSERVER"}]',
    });
    const [record] = accept(body);
    expect(record.dedupeKey).toBe('recovery:29');
    expect(connector().normalize(record)).toEqual([
      expect.objectContaining({
        sourceId: undefined,
        subject: 'MSSQLSERVER',
        occurredAt: new Date('2026-11-24T11:41:52Z'),
        device: { externalId: '10564', hostname: 'acme-sql01', ip: undefined, fqdn: undefined },
      }),
    ]);
  });

  it('accepts but ignores events that are not about triggers', () => {
    expect(accept(webhookBody('problem', { event_source: '3' }))).toEqual([]);
  });

  it.each([
    [
      'no secret at all',
      request(webhookBody('problem'), { 'x-switchboard-token': '' }),
      401,
      'X-Switchboard-Token',
    ],
    ['a body that is not an object', request([1, 2]), 400, 'body: must be a JSON object'],
    [
      'a missing event id',
      request(webhookBody('problem', { event_id: '{EVENT.ID}' })),
      400,
      'body.event_id',
    ],
    [
      'a bad event value',
      request(webhookBody('problem', { event_value: 'PROBLEM' })),
      400,
      'body.event_value',
    ],
    [
      'no host at all',
      request(webhookBody('problem', { host_id: '{HOST.ID}', host_host: '' })),
      400,
      'body.host_id',
    ],
    [
      'a non-string field',
      request(webhookBody('problem', { event_name: 5 })),
      400,
      'body.event_name',
    ],
  ])('rejects %s', (_name, req, status, text) => {
    const verdict = connector().handleWebhook!(req);
    expect(verdict).toMatchObject({ ok: false, status });
    if (!verdict.ok) expect(verdict.message).toContain(text);
  });

  it('refuses to normalize a stored webhook without a usable time', () => {
    const body = webhookBody('problem', { event_timestamp: 'soon', event_date: '{EVENT.DATE}' });
    expect(() => connector().normalize({ type: 'webhook', dedupeKey: 'x', payload: body })).toThrow(
      'no event time',
    );
  });
});

// ---------------------------------------------------------------- pushAlertNote

describe('zabbix pushAlertNote', () => {
  const ack = (action: number, message: string) =>
    rpc(
      { method: 'event.acknowledge', params: { eventids: ['29'], action, message }, auth: TOKEN },
      load('event.acknowledge.json'),
    );

  it('adds a message (action 4) without acknowledging by default', async () => {
    version();
    ack(4, 'Ticket T-20931 opened');
    await connector().pushAlertNote!({ id: '29' }, '  Ticket T-20931 opened\n');
    expect(nock.isDone()).toBe(true);
  });

  it('also acknowledges (action 6) when acknowledgeOnNote is set', async () => {
    version();
    ack(6, 'Ticket T-20931 opened');
    await connector({ ...tokenSettings, acknowledgeOnNote: true }).pushAlertNote!(
      { id: '29' },
      'Ticket T-20931 opened',
    );
    expect(nock.isDone()).toBe(true);
  });

  it('clips a note to the 2048 characters Zabbix stores', async () => {
    version();
    ack(4, `${'x'.repeat(2047)}…`);
    await connector().pushAlertNote!({ id: '29' }, 'x'.repeat(5000));
    expect(nock.isDone()).toBe(true);
  });

  const marker = { marker: 'SB-0123456789AB' };
  const lookup = (acknowledges: { message: string }[]) =>
    rpc(
      {
        method: 'problem.get',
        params: {
          output: ['eventid'],
          eventids: ['29'],
          recent: true,
          selectAcknowledges: ['message'],
        },
        auth: TOKEN,
      },
      envelope([{ eventid: '29', acknowledges }]),
    );

  it('writes the delivery marker on the last line after checking the problem does not carry it', async () => {
    version();
    lookup([{ message: 'Ticket T-1 opened\n[SB-FFFFFFFFFFFF]' }]);
    ack(4, 'Ticket T-20931 opened\n[SB-0123456789AB]');
    await connector().pushAlertNote!({ id: '29' }, 'Ticket T-20931 opened', marker);
    expect(nock.isDone()).toBe(true);
  });

  it('adds nothing when an earlier attempt already wrote the note (its answer was lost)', async () => {
    version();
    lookup([{ message: 'Ticket T-20931 opened\n[SB-0123456789AB]' }]);
    await connector().pushAlertNote!({ id: '29' }, 'Ticket T-20931 opened', marker);
    expect(nock.isDone()).toBe(true);
  });

  it('keeps the marker when it clips a long note', async () => {
    version();
    lookup([]);
    ack(4, `${'x'.repeat(2048 - 18 - 1)}…\n[SB-0123456789AB]`);
    await connector().pushAlertNote!({ id: '29' }, 'x'.repeat(5000), marker);
    expect(nock.isDone()).toBe(true);
  });

  it('refuses a target that is not an event id, and an empty note, without calling Zabbix', async () => {
    await expect(connector().pushAlertNote!({ id: 'INC-1' }, 'x')).rejects.toMatchObject({
      reason: 'invalid',
    });
    await expect(connector().pushAlertNote!({ id: '29' }, '  ')).rejects.toMatchObject({
      reason: 'invalid',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('rejects an answer that does not name the event', async () => {
    version();
    rpc(
      {
        method: 'event.acknowledge',
        params: { eventids: ['29'], action: 4, message: 'n' },
        auth: TOKEN,
      },
      envelope({ eventids: [] }),
    );
    await expect(connector().pushAlertNote!({ id: '29' }, 'n')).rejects.toMatchObject({
      reason: 'invalid',
    });
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- media type

describe('zabbix media type', () => {
  const dir = join(__dirname, 'media-type');
  const script = readFileSync(join(dir, 'switchboard.media.js'), 'utf8');
  const exported = JSON.parse(readFileSync(join(dir, 'switchboard.media-type.json'), 'utf8')) as {
    zabbix_export: {
      version: string;
      media_types: {
        name: string;
        type: string;
        script: string;
        parameters: { name: string; value: string }[];
      }[];
    };
  };
  const media = exported.zabbix_export.media_types[0];

  /** Runs the script as Zabbix does: `value` is the JSON of the expanded parameters. */
  function runScript(params: Record<string, string>, status = 200) {
    const sent: { headers: string[]; url?: string; body?: string } = { headers: [] };
    const logs: string[] = [];
    class HttpRequest {
      addHeader(h: string) {
        sent.headers.push(h);
      }
      setProxy() {}
      post(url: string, body: string) {
        sent.url = url;
        sent.body = body;
        return '{}';
      }
      getStatus() {
        return status;
      }
    }
    const sandbox = {
      value: JSON.stringify(params),
      HttpRequest,
      Zabbix: { log: (_l: number, m: string) => logs.push(m) },
    };
    let outcome: unknown;
    try {
      outcome = runInNewContext(`(function (value) {\n${script}\n})(value)`, sandbox);
    } catch (err) {
      outcome = err;
    }
    return { sent, logs, outcome };
  }

  /** What Zabbix expands the parameters to for the recorded problem (webhook.problem.json). */
  function expanded(changes: Record<string, string> = {}): Record<string, string> {
    const body = webhookBody('problem') as unknown as Record<string, unknown>;
    const params: Record<string, string> = {
      url: 'https://switchboard.example.net/webhooks/zabbix/1',
      token: SECRET,
      http_proxy: '',
    };
    for (const [k, v] of Object.entries(body)) {
      if (k === 'event_timestamp') continue;
      params[k] = k === 'event_tags' ? JSON.stringify(v) : String(v);
    }
    return { ...params, ...changes };
  }

  it('is a 6.0 webhook export carrying exactly switchboard.media.js', () => {
    expect(exported.zabbix_export.version).toBe('6.0');
    expect(media).toMatchObject({ name: 'Switchboard', type: 'WEBHOOK' });
    expect(media.script).toBe(script);
  });

  it('has one parameter per field of the recorded webhook body, plus url, token and proxy', () => {
    const names = media.parameters.map((p) => p.name).sort();
    const fields = Object.keys(webhookBody('problem')).filter((k) => !k.endsWith('_timestamp'));
    expect(names).toEqual([...fields, 'http_proxy', 'token', 'url'].sort());
    expect(media.parameters.find((p) => p.name === 'url')?.value).toBe('{ALERT.SENDTO}');
  });

  it('posts the event with the token header, tags parsed and local times turned into UTC', () => {
    const { sent, outcome } = runScript(expanded());
    expect(outcome).toBe('OK');
    expect(sent.url).toBe('https://switchboard.example.net/webhooks/zabbix/1');
    expect(sent.headers).toEqual([
      'Content-Type: application/json',
      `X-Switchboard-Token: ${SECRET}`,
    ]);
    const body = JSON.parse(sent.body!) as Record<string, unknown>;
    expect(body).not.toHaveProperty('token');
    expect(body).not.toHaveProperty('url');
    expect(body.event_tags).toEqual([{ tag: 'service', value: 'MSSQLSERVER' }]);
    expect(body.event_timestamp).toBe(new Date(2026, 10, 24, 11, 41, 46).toISOString());
    expect(body).not.toHaveProperty('event_recovery_timestamp');
    // What the script sends is what the connector accepts.
    expect(connector().handleWebhook!(request(body)).ok).toBe(true);
  });

  it('fails, so Zabbix retries, on a non-2xx answer', () => {
    const { outcome, logs } = runScript(expanded(), 503);
    expect(String(outcome)).toContain('Switchboard webhook failed: HTTP 503');
    expect(logs.join('\n')).not.toContain(SECRET);
  });

  it('refuses to send while the token is still the placeholder', () => {
    const { outcome, sent } = runScript(expanded({ token: '<SWITCHBOARD WEBHOOK SECRET>' }));
    expect(String(outcome)).toContain('parameter "token"');
    expect(sent.url).toBeUndefined();
  });
});
