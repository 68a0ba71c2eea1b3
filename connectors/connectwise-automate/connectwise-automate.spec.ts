import nock from 'nock';
import type { Page, RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { createHttp } from '../shared/http';
import type { ConnectWiseAutomateConnector } from './connectwise-automate.connector';
import type { ConnectWiseAutomateSettings } from './connectwise-automate.settings';
import tokenFixture from './fixtures/apitoken.json';
import twoFactorFixture from './fixtures/apitoken.two-factor-required.json';
import clientsFixture from './fixtures/clients.json';
import computersFixture from './fixtures/computers.json';
import error400Fixture from './fixtures/error.400.json';
import error401Fixture from './fixtures/error.401.json';
import error403Fixture from './fixtures/error.403.json';
import error500Fixture from './fixtures/error.500.json';
import updatesFixture from './fixtures/microsoft-updates.json';
import historyFixture from './fixtures/patch-history.json';
import runningFixture from './fixtures/running-scripts.json';
import scheduledFixture from './fixtures/scheduled-script.json';
import scriptHistoryFixture from './fixtures/script-history.json';
import servicesFixture from './fixtures/services.json';
import { connectwiseAutomateConnector } from './index';

const SERVER = 'https://acme.hostedrmm.com';
const CLIENT_ID = '6f1c2a9e-3b7d-4e25-9a40-1c8d5e7f2b63';
const USERNAME = 'svc-integration';
const PASSWORD = 'pw-test-8c1e4a7b2d';
const SCRIPT_ID = 6412;
/** The suite's clock (makeContext): 2026-11-24T02:30:00Z. */
const NOW = '2026-11-24T02:30:00Z';

const VALID_SETTINGS = {
  server: SERVER,
  clientId: CLIENT_ID,
  username: USERNAME,
  password: PASSWORD,
  rollbackScriptId: SCRIPT_ID,
  pageSize: 2,
};

const LOGIN = { UserName: USERNAME, Password: PASSWORD };

// ---- builders: vary the vendor fixtures instead of hand-editing copies ----

const computer = (over: Record<string, unknown> = {}) => ({ ...computersFixture[1], ...over });
const historyRow = (over: Record<string, unknown> = {}) => ({ ...historyFixture[0], ...over });
const update = (over: Record<string, unknown> = {}) => ({ ...updatesFixture[0], ...over });
const scriptRow = (over: Record<string, unknown> = {}) => ({ ...scriptHistoryFixture[0], ...over });
const token = (value: string, over: Record<string, unknown> = {}) => ({
  ...tokenFixture,
  AccessToken: value,
  ...over,
});

// ---- nock helpers: every interceptor pins method, path, query, headers and body ----

/** POST apitoken with the credentials, answering the given tokens in order; counts its hits. */
function loginEndpoint(values: string[], body: Record<string, string> = LOGIN) {
  let hits = 0;
  nock(SERVER)
    .post('/cwa/api/v1/apitoken', body)
    .matchHeader('clientid', CLIENT_ID)
    .matchHeader('content-type', 'application/json')
    .times(values.length)
    .reply(() => [200, token(values[hits++])]);
  return { hits: () => hits };
}

function api(bearer: string) {
  return nock(SERVER, { reqheaders: { authorization: `Bearer ${bearer}`, clientid: CLIENT_ID } });
}

const paged = (page: number, extra: Record<string, string> = {}) => ({
  ...extra,
  page: String(page),
  pageSize: '2',
});
const byId = (page: number) => paged(page, { orderBy: 'Id asc' });

// ---- whole walks, shared by the contract suite and the pull tests ----

function arrangeDeviceWalk() {
  loginEndpoint(['tok-1']);
  const cwa = api('tok-1');
  cwa.get('/cwa/api/v1/Clients').query(byId(1)).reply(200, clientsFixture);
  cwa.get('/cwa/api/v1/Clients').query(byId(2)).reply(200, []);
  cwa.get('/cwa/api/v1/Computers').query(byId(1)).reply(200, computersFixture);
  cwa
    .get('/cwa/api/v1/Computers')
    .query(byId(2))
    .reply(200, [computer({ Id: '1203', ComputerName: 'SQL01', LastStartup: null })]);
}

const versioned = (type: string, id: number) =>
  expect.stringMatching(new RegExp(`^${type}:${id}:[0-9a-f]{16}$`));

const DEVICE_WALK_KEYS = [
  versioned('client', 3),
  versioned('client', 4),
  versioned('computer', 1201),
  'computer-startup:startup:1201:2026-11-21T07:58:10.000Z',
  versioned('computer', 1202),
  'computer-startup:startup:1202:2026-11-24T02:04:00.000Z',
  versioned('computer', 1203),
];

const HISTORY_QUERY = (since: string, page: number) =>
  paged(page, { condition: `ActionDate > ${since}`, orderBy: 'ActionDate asc' });
const WINDOWS_QUERY = (page: number) =>
  paged(page, {
    condition: "OperatingSystemName like '%Windows%'",
    orderBy: 'Id asc',
    includedFields: 'Id',
  });

/** First round from the suite's clock: a week of history, then the sweep of computer 1202. */
function arrangePatchWalk() {
  loginEndpoint(['tok-1']);
  const cwa = api('tok-1');
  const since = '2026-11-17T02:30:00Z';
  cwa.get('/cwa/api/v1/PatchHistory').query(HISTORY_QUERY(since, 1)).reply(200, historyFixture);
  cwa.get('/cwa/api/v1/PatchHistory').query(HISTORY_QUERY(since, 2)).reply(200, []);
  cwa
    .get('/cwa/api/v1/Computers')
    .query(WINDOWS_QUERY(1))
    .reply(200, [{ Id: '1202' }]);
  const updates = '/cwa/api/v1/Computers/1202/MicrosoftUpdates';
  cwa.get(updates).query(paged(1)).reply(200, updatesFixture.slice(0, 2));
  cwa.get(updates).query(paged(2)).reply(200, updatesFixture.slice(2, 4));
  cwa.get(updates).query(paged(3)).reply(200, []);
}

const PATCH_WALK_KEYS = [
  'patch-history:1202:0b6c4b1e-0f2a-4f0e-9d2c-6f7a1c3e8b21:2026-11-24T01:40:12.000Z:install',
  'patch-history:1201:5d9e2f0a-7c1b-4e88-a3d4-91b6c0f2e7a5:2026-11-24T01:52:40.000Z:install',
  'microsoft-update:1202:9a1c7e22-4b3d-4f8a-8e61-2d5c0b9f4a17:approved',
  'microsoft-update:1202:0f4e8d31-2a6b-47c9-b1e5-6c3a9d7f2b08:failed',
  'microsoft-update:1202:c2d8a0f5-6e1b-4b7d-9f3c-8a2e5d1c7b46:pending',
];

const fixture: ContractFixture<ConnectWiseAutomateSettings> = {
  definition: connectwiseAutomateConnector,
  validSettings: VALID_SETTINGS,
  requiredFields: ['server', 'clientId', 'username', 'password'],
  failingCall: {
    arrange(status, headers, body) {
      // A 401 makes the client log in once more and retry once.
      const attempts = status === 401 ? 2 : 1;
      loginEndpoint(Array(attempts).fill('tok-1'));
      api('tok-1')
        .get('/cwa/api/v1/Clients')
        .query(byId(1))
        .times(attempts)
        .reply(status, JSON.stringify(body), headers);
    },
    act: (connector) => connector.pullDevices!(null),
  },
  pulls: {
    devices: { arrange: arrangeDeviceWalk, keys: DEVICE_WALK_KEYS },
    patches: { arrange: arrangePatchWalk, keys: PATCH_WALK_KEYS },
  },
};

runContractSuite(fixture);

interface ConnectOptions {
  settings?: Record<string, unknown>;
  clock?: () => Date;
  timeoutMs?: number;
}

function connect(options: ConnectOptions = {}): ConnectWiseAutomateConnector {
  const ctx = makeContext({
    ...fixture,
    validSettings: { ...VALID_SETTINGS, ...options.settings },
  });
  return connectwiseAutomateConnector.create({
    ...ctx,
    clock: options.clock ?? ctx.clock,
    http: options.timeoutMs ? createHttp({ timeoutMs: options.timeoutMs }) : ctx.http,
  }) as ConnectWiseAutomateConnector;
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

async function pullAll(
  pull: (cursor: string | null) => Promise<Page>,
  start: string | null = null,
): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor = start;
  for (let i = 0; i < 20; i += 1) {
    const page = await pull(cursor);
    pages.push(page);
    cursor = page.cursor ?? cursor;
    if (!page.more) return pages;
  }
  throw new Error('the pull never stopped');
}

const recordsOf = (pages: Page[]): RawRecord[] => pages.flatMap((p) => p.records);
const record = (type: string, payload: unknown): RawRecord => ({ type, dedupeKey: 'k', payload });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Automate transport and login', () => {
  it('logs in once with ClientId and the credentials, and reuses the token', async () => {
    const login = loginEndpoint(['tok-1']);
    api('tok-1').get('/cwa/api/v1/Clients').query(byId(1)).reply(200, []);
    api('tok-1').get('/cwa/api/v1/Computers').query(byId(1)).reply(200, []);
    const connector = connect();
    await pullAll((c) => connector.pullDevices(c));
    expect(login.hits()).toBe(1);
    expect(nock.isDone()).toBe(true);
  });

  it('sends the two-factor passcode without spaces when the account needs one', async () => {
    loginEndpoint(['tok-1'], { ...LOGIN, TwoFactorPasscode: '123456' });
    api('tok-1').get('/cwa/api/v1/Clients').query(byId(1)).reply(200, clientsFixture);
    await connect({ settings: { twoFactorPasscode: '123 456' } }).pullDevices(null);
    expect(nock.isDone()).toBe(true);
  });

  it('treats a 200 without AccessToken that asks for two-factor as auth, saying so', async () => {
    nock(SERVER).post('/cwa/api/v1/apitoken', LOGIN).reply(200, twoFactorFixture);
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toBe(
      'ConnectWise Automate POST /cwa/api/v1/apitoken: the account requires a two-factor passcode; use an integrator login or set settings.twoFactorPasscode',
    );
    expect(nock.isDone()).toBe(true);
  });

  it('reports refused credentials as auth without the password', async () => {
    nock(SERVER).post('/cwa/api/v1/apitoken', LOGIN).reply(401, error401Fixture);
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toBe(
      'ConnectWise Automate POST /cwa/api/v1/apitoken: HTTP 401 (login refused)',
    );
    expect(err.message).not.toContain(PASSWORD);
    expect(nock.isDone()).toBe(true);
  });

  it('refreshes the token with apitoken/refresh before ExpirationDate', async () => {
    let now = new Date(NOW);
    loginEndpoint(['tok-1']);
    nock(SERVER)
      .post('/cwa/api/v1/apitoken/refresh', JSON.stringify('tok-1'))
      .matchHeader('authorization', 'Bearer tok-1')
      .matchHeader('clientid', CLIENT_ID)
      .matchHeader('content-type', 'application/json')
      .reply(200, token('tok-2', { ExpirationDate: '2026-11-24T04:30:00Z' }));
    api('tok-1').get('/cwa/api/v1/Clients').query(byId(1)).reply(200, clientsFixture);
    api('tok-2').get('/cwa/api/v1/Clients').query(byId(2)).reply(200, []);
    const connector = connect({ clock: () => now });
    await connector.pullDevices(null);
    now = new Date('2026-11-24T03:26:00Z'); // 4 minutes before the token expires
    await connector.pullDevices('{"stage":"clients","page":2}');
    expect(nock.isDone()).toBe(true);
  });

  it('logs in again when the refresh is refused', async () => {
    let now = new Date(NOW);
    const login = loginEndpoint(['tok-1', 'tok-3']);
    nock(SERVER)
      .post('/cwa/api/v1/apitoken/refresh', JSON.stringify('tok-1'))
      .matchHeader('clientid', CLIENT_ID)
      .reply(401, error401Fixture);
    api('tok-1').get('/cwa/api/v1/Clients').query(byId(1)).reply(200, clientsFixture);
    api('tok-3').get('/cwa/api/v1/Clients').query(byId(2)).reply(200, []);
    const connector = connect({ clock: () => now });
    await connector.pullDevices(null);
    now = new Date('2026-11-24T03:27:00Z');
    await connector.pullDevices('{"stage":"clients","page":2}');
    expect(login.hits()).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it('logs in again exactly once after a 401, and retries the call once', async () => {
    const login = loginEndpoint(['tok-1', 'tok-2']);
    api('tok-1').get('/cwa/api/v1/Clients').query(byId(1)).reply(401, error401Fixture);
    api('tok-2').get('/cwa/api/v1/Clients').query(byId(1)).reply(200, clientsFixture);
    const page = await connect().pullDevices(null);
    expect(page.records).toHaveLength(2);
    expect(login.hits()).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it('gives up as auth when the second token is rejected too', async () => {
    const login = loginEndpoint(['tok-1', 'tok-2']);
    api('tok-1').get('/cwa/api/v1/Clients').query(byId(1)).reply(401, error401Fixture);
    api('tok-2').get('/cwa/api/v1/Clients').query(byId(1)).reply(401, error401Fixture);
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toBe(
      'ConnectWise Automate GET /cwa/api/v1/Clients: HTTP 401 (credentials rejected)',
    );
    expect(login.hits()).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    [403, error403Fixture, { reason: 'denied', retryable: false }],
    [400, error400Fixture, { reason: 'invalid', retryable: false }],
    [500, error500Fixture, { reason: 'unavailable', retryable: true }],
  ])('classifies HTTP %i', async (status, body, expected) => {
    loginEndpoint(['tok-1']);
    api('tok-1').get('/cwa/api/v1/Clients').query(byId(1)).reply(status, body);
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject(expected);
    expect(err.message).not.toContain(JSON.stringify(body).slice(2, 20));
    expect(nock.isDone()).toBe(true);
  });

  it('classifies a 429 with Retry-After as rate-limited', async () => {
    loginEndpoint(['tok-1']);
    api('tok-1').get('/cwa/api/v1/Clients').query(byId(1)).reply(429, '', { 'Retry-After': '30' });
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'rate-limited', retryable: true, retryAfterMs: 30_000 });
  });

  it('treats an HTML page answered with 200 (a proxy login) as unavailable', async () => {
    loginEndpoint(['tok-1']);
    api('tok-1')
      .get('/cwa/api/v1/Clients')
      .query(byId(1))
      .reply(200, '<html><body>Sign in</body></html>', { 'Content-Type': 'text/html' });
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toContain('expected a JSON array');
  });

  it('classifies a response slower than the HTTP timeout as unavailable and retryable', async () => {
    loginEndpoint(['tok-1']);
    api('tok-1').get('/cwa/api/v1/Clients').query(byId(1)).delay(1_000).reply(200, []);
    const err = await failure(connect({ timeoutMs: 100 }).pullDevices(null));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toContain('timed out');
  });
});

describe('Automate pulls', () => {
  it('resumes the device walk at the page stored before a crash', async () => {
    loginEndpoint(['tok-1']);
    api('tok-1')
      .get('/cwa/api/v1/Computers')
      .query(byId(2))
      .reply(200, [computer({ Id: '1203' })]);
    const page = await connect().pullDevices('{"stage":"computers","page":2}');
    expect(page).toMatchObject({ more: false, cursor: '{"stage":"clients","page":1}' });
    expect(nock.isDone()).toBe(true);
  });

  it('rejects an unreadable cursor instead of silently starting over', async () => {
    await expect(connect().pullDevices('{"stage":"sites"}')).rejects.toMatchObject({
      reason: 'invalid',
    });
    await expect(connect().pullPatches('not json')).rejects.toMatchObject({ reason: 'invalid' });
  });

  it('moves the history watermark to the newest row minus the overlap, and skips the sweep until due', async () => {
    arrangePatchWalk();
    const connector = connect();
    const first = await pullAll((c) => connector.pullPatches(c));
    const end = first[first.length - 1].cursor!;
    const newest = Date.parse('2026-11-24T01:52:40Z') / 1000;
    const sweptAt = Date.parse(NOW) / 1000;
    expect(JSON.parse(end)).toEqual({
      stage: 'history',
      since: newest - 6 * 3600,
      page: 1,
      sweptAt,
    });

    // The next poll, 5 minutes later: history only, the sweep waits for its hour.
    const later = connect({ clock: () => new Date('2026-11-24T02:35:00Z') });
    api('tok-1')
      .get('/cwa/api/v1/PatchHistory')
      .query(HISTORY_QUERY('2026-11-23T19:52:40Z', 1))
      .reply(200, [historyRow({ ActionDate: '2026-11-24T02:33:00Z' })]);
    loginEndpoint(['tok-1']);
    const second = await pullAll((c) => later.pullPatches(c), end);
    expect(second).toHaveLength(1);
    expect(second[0].more).toBe(false);
    expect(nock.isDone()).toBe(true);
  });

  it('sweeps every Windows computer page by page before ending the round', async () => {
    loginEndpoint(['tok-1']);
    const cwa = api('tok-1');
    const start = { stage: 'computers', since: 1_700_000_000, page: 1, sweptAt: 1_700_000_000 };
    cwa
      .get('/cwa/api/v1/Computers')
      .query(WINDOWS_QUERY(1))
      .reply(200, [{ Id: '1201' }, { Id: 1202 }]);
    cwa.get('/cwa/api/v1/Computers/1201/MicrosoftUpdates').query(paged(1)).reply(200, []);
    cwa.get('/cwa/api/v1/Computers/1202/MicrosoftUpdates').query(paged(1)).reply(200, [update()]);
    cwa.get('/cwa/api/v1/Computers').query(WINDOWS_QUERY(2)).reply(200, []);
    const connector = connect();
    const pages = await pullAll((c) => connector.pullPatches(c), JSON.stringify(start));
    expect(recordsOf(pages).map((r) => r.dedupeKey)).toEqual([PATCH_WALK_KEYS[2]]);
    expect(pages.map((p) => p.more)).toEqual([true, true, true, false]);
    expect(nock.isDone()).toBe(true);
  });
});

describe('Automate normalize', () => {
  const c = connect();

  it('maps a client to ClientSeen', () => {
    expect(c.normalize(record('client', clientsFixture[0]))).toEqual([
      { type: 'client', client: { externalId: '3', name: 'Contoso Dental' } },
    ]);
  });

  it('maps a computer to DeviceSeen with OS, last contact, online state, serial and reboot flag', () => {
    expect(c.normalize(record('computer', computersFixture[0]))).toEqual([
      {
        type: 'device',
        occurredAt: new Date('2026-11-24T02:21:02Z'),
        client: { externalId: '3', name: 'Contoso Dental' },
        device: {
          externalId: '1201',
          hostname: 'FRONTDESK-01',
          fqdn: undefined,
          ip: '10.0.4.21',
          serial: '7XK2QW3',
        },
        displayName: 'FRONTDESK-01',
        role: 'Workstation',
        os: 'Microsoft Windows 11 Pro x64',
        online: true,
        lastBootAt: new Date('2026-11-21T07:58:10Z'),
        rebootPending: {
          pending: true,
          reason: 'Automate reports the computer needs a reboot (IsRebootNeeded)',
        },
      },
    ]);
    const [offline] = c.normalize(record('computer', computersFixture[1]));
    expect(offline).toMatchObject({
      online: false,
      device: { fqdn: 'dc01.contoso.local' },
      rebootPending: { pending: false },
    });
  });

  it('maps a computer start-up to a reboot', () => {
    expect(c.normalize(record('computer-startup', computersFixture[1]))).toEqual([
      {
        type: 'reboot',
        sourceId: 'startup:1202:2026-11-24T02:04:00.000Z',
        occurredAt: new Date('2026-11-24T02:04:00Z'),
        device: { externalId: '1202' },
        message: 'the computer started (Automate LastStartup)',
      },
    ]);
  });

  it('maps patch history: installed, failed, rolled back, and nothing while unfinished', () => {
    expect(c.normalize(record('patch-history', historyFixture[0]))).toEqual([
      {
        type: 'patch',
        sourceId: '1202:0b6c4b1e-0f2a-4f0e-9d2c-6f7a1c3e8b21:2026-11-24T01:40:12.000Z:install',
        occurredAt: new Date('2026-11-24T01:40:12Z'),
        device: { externalId: '1202' },
        patchId: 'KB5046616',
        title: historyFixture[0].PatchHistoryTitle.Title,
        status: 'installed',
      },
    ]);
    expect(c.normalize(record('patch-history', historyFixture[1]))).toMatchObject([
      { patchId: 'KB5046633', status: 'failed', device: { externalId: '1201' } },
    ]);
    const uninstalled = historyRow({ OperationCode: { Id: 2, Name: 'Uninstallation' } });
    expect(c.normalize(record('patch-history', uninstalled))).toMatchObject([
      { status: 'rolled_back' },
    ]);
    // Only the ids, no names: the Windows Update Agent's enum values.
    const byIds = historyRow({ OperationCode: { Id: 1 }, ResultCode: { Id: 5 } });
    expect(c.normalize(record('patch-history', byIds))).toMatchObject([{ status: 'failed' }]);
    const running = historyRow({ ResultCode: { Id: 1, Name: 'InProgress' } });
    expect(c.normalize(record('patch-history', running))).toEqual([]);
  });

  it('maps missing and failed Microsoft updates with KB, severity and category', () => {
    expect(c.normalize(record('microsoft-update', updatesFixture[0]))).toEqual([
      {
        type: 'patch',
        sourceId: '1202:9a1c7e22-4b3d-4f8a-8e61-2d5c0b9f4a17',
        occurredAt: new Date('2026-11-12T00:00:00Z'),
        device: { externalId: '1202' },
        patchId: 'KB5046705',
        title: updatesFixture[0].Title,
        severity: 'important',
        category: 'security',
        status: 'approved',
      },
    ]);
    expect(c.normalize(record('microsoft-update', updatesFixture[1]))).toMatchObject([
      {
        status: 'failed',
        severity: 'critical',
        category: 'critical',
        occurredAt: new Date('2026-11-24T01:41:30Z'),
      },
    ]);
    // Installed: the history log reports it, with its time.
    expect(c.normalize(record('microsoft-update', updatesFixture[2]))).toEqual([]);
    const [pending] = c.normalize(record('microsoft-update', updatesFixture[3]));
    expect(pending).toMatchObject({ status: 'pending', patchId: 'KB890830', category: 'rollup' });
    expect(pending).not.toHaveProperty('severity');
    const ignored = update({ PolicyApproval: { Id: 3, Name: 'Ignored' } });
    expect(c.normalize(record('microsoft-update', ignored))).toEqual([]);
  });

  it('rejects malformed records and unknown types as invalid, naming the field', () => {
    expect(() => c.normalize(record('computer', { ...computersFixture[0], Id: 'x' }))).toThrow(
      'connectwise-automate computer: Id must be an id (integer or digits), got string',
    );
    expect(() => c.normalize(record('alert', {}))).toThrow(ConnectorError);
  });
});

describe('Automate services', () => {
  it('reads the inventoried services of a computer', async () => {
    loginEndpoint(['tok-1']);
    api('tok-1')
      .get('/cwa/api/v1/Computers/1202/Services')
      .query(paged(1))
      .reply(200, servicesFixture);
    api('tok-1').get('/cwa/api/v1/Computers/1202/Services').query(paged(2)).reply(200, []);
    expect(await connect().getServices({ id: '1202' })).toEqual([
      { name: 'wuauserv', displayName: 'Windows Update', state: 'stopped', startType: 'manual' },
      {
        name: 'MSSQLSERVER',
        displayName: 'SQL Server (MSSQLSERVER)',
        state: 'stopped',
        startType: 'auto',
      },
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('refuses a device id that is not an Automate computer id, before any request', async () => {
    await expect(connect().getServices({ id: '../Clients' })).rejects.toMatchObject({
      reason: 'invalid',
    });
  });
});

describe('Automate rollback', () => {
  const HISTORY = '/cwa/api/v1/Computers/1202/ScriptHistory';
  const WINDOW = { orderBy: 'HistoryDate desc', pageSize: '100' };
  const JOB = `computer/1202/script/${SCRIPT_ID}/kb/5046616/after/991180/schedule/7741/at/${Date.parse(NOW) / 1000}`;
  const device = { id: '1202' };

  it('plans the ScheduledScripts call without sending anything', () => {
    const plan = connect().planRollback(device, 'KB5046616');
    expect(plan).toMatchObject({
      request: 'POST /cwa/api/v1/Computers/1202/ScheduledScripts',
      script: { id: SCRIPT_ID, parameters: 'KB=5046616' },
      followedBy: "GET /cwa/api/v1/Computers/1202/ScriptHistory (the run's result)",
    });
  });

  it('reads the history baseline, then schedules the script to run now with the KB parameter', async () => {
    loginEndpoint(['tok-1']);
    api('tok-1').get(HISTORY).query(WINDOW).reply(200, [scriptHistoryFixture[1]]);
    api('tok-1')
      .post('/cwa/api/v1/Computers/1202/ScheduledScripts', {
        ...scheduledFixture,
        Id: 0,
        User: '',
        Parameters: 'KB=5046616|Reboot=1',
        LastUpdate: '2026-11-24T02:30:00Z',
      })
      .matchHeader('content-type', 'application/json')
      .reply(200, { ...scheduledFixture, Parameters: 'KB=5046616|Reboot=1' });
    const connector = connect({ settings: { rollbackParameters: 'KB={kb}|Reboot=1' } });
    expect(await connector.runRollback(device, 'KB5046616')).toEqual({
      jobId: JOB,
      status: 'queued',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('never resends blindly: a 5xx after posting is not retryable, a 429 is', async () => {
    for (const [status, retryable] of [
      [503, false],
      [429, true],
    ] as const) {
      loginEndpoint(['tok-1']);
      api('tok-1').get(HISTORY).query(WINDOW).reply(200, []);
      api('tok-1').post('/cwa/api/v1/Computers/1202/ScheduledScripts').reply(status, '');
      const err = await failure(connect().runRollback(device, 'KB5046616'));
      expect(err.retryable).toBe(retryable);
      nock.cleanAll();
    }
  });

  it('refuses to run without a script id or a KB, before any request', async () => {
    await expect(
      connect({ settings: { rollbackScriptId: undefined } }).runRollback(device, 'KB5046616'),
    ).rejects.toMatchObject({ reason: 'invalid' });
    await expect(connect().runRollback(device, 'Adobe Reader 24')).rejects.toMatchObject({
      reason: 'invalid',
    });
  });

  it('reads the removal report from the history row of our run', async () => {
    loginEndpoint(['tok-1']);
    api('tok-1').get(HISTORY).query(WINDOW).reply(200, scriptHistoryFixture);
    const result = await connect().rollbackResult(device, JOB);
    expect(result).toMatchObject({
      state: 'succeeded',
      exitCode: 3010,
      report: { kb: 'KB5046616', outcome: 'removed', rebootRequired: true },
      detail:
        'Remove-Patch removed KB5046616 (exit 3010); a reboot is needed to finish the removal',
    });
    expect(result.output).toContain('"switchboard":"remove-patch"');
    expect(nock.isDone()).toBe(true);
  });

  it('ignores a run of the same script reporting on another KB', async () => {
    loginEndpoint(['tok-1']);
    const other = scriptRow({
      DiagnosticMessage: scriptHistoryFixture[0].DiagnosticMessage.split('5046616').join('5046705'),
    });
    api('tok-1').get(HISTORY).query(WINDOW).reply(200, [other]);
    api('tok-1').get('/cwa/api/v1/Computers/1202/RunningScripts').reply(200, runningFixture);
    expect(await connect().rollbackResult(device, JOB)).toEqual({
      state: 'running',
      detail: 'running on the computer',
    });
  });

  it('judges a finished run without a report from its State, as unconfirmed or failed', async () => {
    loginEndpoint(['tok-1']);
    api('tok-1')
      .get(HISTORY)
      .query(WINDOW)
      .reply(200, [scriptRow({ DiagnosticMessage: '' })]);
    const ok = await connect().rollbackResult(device, JOB);
    expect(ok.state).toBe('succeeded');
    expect(ok.detail).toContain('unconfirmed');

    loginEndpoint(['tok-1']);
    api('tok-1')
      .get(HISTORY)
      .query(WINDOW)
      .reply(200, [scriptRow({ State: 'Failure', DiagnosticMessage: 'Execute Script failed' })]);
    expect(await connect().rollbackResult(device, JOB)).toMatchObject({
      state: 'failed',
      detail: 'script finished with Failure: Execute Script failed',
    });
  });

  it('says an offline computer runs the script when it checks in', async () => {
    loginEndpoint(['tok-1']);
    api('tok-1').get(HISTORY).query(WINDOW).reply(200, [scriptHistoryFixture[1]]);
    api('tok-1').get('/cwa/api/v1/Computers/1202/RunningScripts').reply(200, []);
    api('tok-1')
      .get('/cwa/api/v1/Computers')
      .query({ condition: 'Id = 1202', pageSize: '1' })
      .reply(200, [computersFixture[1]]);
    expect(await connect().rollbackResult(device, JOB)).toEqual({
      state: 'running',
      detail: 'computer is offline; Automate runs the script when its agent checks in',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('refuses a job id it did not make, or one for another computer', async () => {
    await expect(connect().rollbackResult(device, 'job-1')).rejects.toMatchObject({
      reason: 'invalid',
    });
    await expect(connect().rollbackResult({ id: '1201' }, JOB)).rejects.toMatchObject({
      reason: 'invalid',
    });
  });
});

describe('Automate check', () => {
  it('probes each capability on the endpoint it uses', async () => {
    loginEndpoint(['tok-1']);
    const cwa = api('tok-1');
    cwa
      .get('/cwa/api/v1/Clients')
      .query({ page: '1', pageSize: '1' })
      .reply(200, clientsFixture.slice(0, 1));
    cwa
      .get('/cwa/api/v1/Computers')
      .query({ page: '1', pageSize: '1', includedFields: 'Id' })
      .reply(200, [{ Id: '1202' }]);
    cwa
      .get('/cwa/api/v1/PatchHistory')
      .query({ page: '1', pageSize: '1' })
      .reply(403, error403Fixture);
    cwa
      .get('/cwa/api/v1/Computers/1202/Services')
      .query({ page: '1', pageSize: '1' })
      .reply(200, []);
    cwa
      .get('/cwa/api/v1/Scripts')
      .query({ condition: `Id = ${SCRIPT_ID}`, pageSize: '1' })
      .reply(200, []);
    const report = await connect().check();
    expect(report).toEqual({
      devices: { status: 'ok' },
      patches: {
        status: 'denied',
        detail: 'ConnectWise Automate GET /cwa/api/v1/PatchHistory: HTTP 403 (permission denied)',
      },
      services: { status: 'ok' },
      rollback: {
        status: 'error',
        detail: `script ${SCRIPT_ID} is not in the Automate script list`,
      },
    });
    expect(nock.isDone()).toBe(true);
  });
});
