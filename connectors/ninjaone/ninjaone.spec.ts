import nock from 'nock';
import type { InboundRequest, Page, RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { createHttp } from '../shared/http';
import activitiesFixture from './fixtures/activities.json';
import scriptsFixture from './fixtures/automation.scripts.json';
import scriptRunActivitiesFixture from './fixtures/device.activities.script-run.json';
import deviceServicesFixture from './fixtures/device.windows-services.json';
import devicesFixture from './fixtures/devices-detailed.json';
import invalidScopeFixture from './fixtures/error.400.invalid-scope.json';
import insufficientFixture from './fixtures/error.401.insufficient-privileges.json';
import notAuthenticatedFixture from './fixtures/error.401.not-authenticated.json';
import userContextFixture from './fixtures/error.user-context-required.json';
import appTokenFixture from './fixtures/oauth.token.client-credentials.json';
import userTokenFixture from './fixtures/oauth.token.refresh-token.json';
import organizationsFixture from './fixtures/organizations.json';
import installsFixture from './fixtures/queries.os-patch-installs.json';
import pendingFixture from './fixtures/queries.os-patches.json';
import servicesReportFixture from './fixtures/queries.windows-services.json';
import webhookFixture from './fixtures/webhook.activity.json';
import { ninjaoneConnector } from './index';
import type { NinjaOneConnector } from './ninjaone.connector';
import type { NinjaOneSettings } from './ninjaone.settings';

const BASE = 'https://app.ninjarmm.com';
const CLIENT_ID = 'switchboard-test-app';
const CLIENT_SECRET = 'cs-test-5d2e8f1a9b7c';
const REFRESH_TOKEN = 'rt-test-7f3a1c9e5b2d';
const WEBHOOK_SECRET = 'whsec-ninja-0123456789';

const VALID_SETTINGS = {
  region: 'us',
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  refreshToken: REFRESH_TOKEN,
  rollbackScriptId: 311,
  pageSize: 2,
};

const APP_FORM = {
  grant_type: 'client_credentials',
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
  scope: 'monitoring',
};

const userForm = (refreshToken: string) => ({
  grant_type: 'refresh_token',
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
  refresh_token: refreshToken,
});

// ---- builders: vary the vendor fixtures instead of hand-editing copies ----

const organization = (over: Record<string, unknown> = {}) => ({
  ...organizationsFixture[0],
  ...over,
});
const device = (over: Record<string, unknown> = {}) => ({ ...devicesFixture[0], ...over });
const install = (over: Record<string, unknown> = {}) => ({
  ...installsFixture.results[0],
  ...over,
});
const pendingPatch = (over: Record<string, unknown> = {}) => ({
  ...pendingFixture.results[0],
  ...over,
});
const activity = (over: Record<string, unknown> = {}) => ({
  ...activitiesFixture.activities[0],
  ...over,
});
const activities = (items: unknown[]) => ({
  lastActivityId: activitiesFixture.lastActivityId,
  activities: items,
});
const report = (results: unknown[], name: string) => ({
  cursor: { ...installsFixture.cursor, name },
  results,
});

function webhookRequest(
  body: unknown,
  headers: Record<string, string> = { 'x-switchboard-token': WEBHOOK_SECRET },
  query: Record<string, string> = {},
): InboundRequest {
  return { headers, query, rawBody: Buffer.from(JSON.stringify(body)), body };
}

// ---- nock helpers: every interceptor pins method, path, query, auth header and body ----

/** The token endpoint, answering the given access tokens in order; counts its hits. */
function tokenEndpoint(
  form: Record<string, string>,
  accessTokens: string[],
  body: Record<string, unknown> = appTokenFixture,
  host = BASE,
) {
  let hits = 0;
  nock(host)
    .post('/ws/oauth/token', form)
    .matchHeader('content-type', 'application/x-www-form-urlencoded')
    .times(accessTokens.length)
    .reply(() => {
      const token = accessTokens[hits];
      hits += 1;
      return [200, { ...body, access_token: token }];
    });
  return { hits: () => hits };
}

function api(token: string, host = BASE) {
  return nock(host, { reqheaders: { authorization: `Bearer ${token}` } });
}

// ---- whole walks, shared by the contract suite and the pull tests below ----

/** pullDevices from the start with pageSize 2: organizations, then devices over two pages. */
function arrangeDeviceWalk() {
  tokenEndpoint(APP_FORM, ['tok-app-1']);
  const ninja = api('tok-app-1');
  ninja.get('/v2/organizations').query({ pageSize: '2' }).reply(200, organizationsFixture);
  ninja.get('/v2/organizations').query({ pageSize: '2', after: '15' }).reply(200, []);
  ninja.get('/v2/devices-detailed').query({ pageSize: '2' }).reply(200, devicesFixture);
  ninja
    .get('/v2/devices-detailed')
    .query({ pageSize: '2', after: '1043' })
    .reply(200, [device({ id: 1050, systemName: 'FRONTDESK-02' })]);
}

/** A version suffix the test does not spell out: `<type>:<id>:<version>`. */
const versioned = (type: string, id: number) =>
  expect.stringMatching(new RegExp(`^${type}:${id}:[^:]+$`));

/** pullPatches' first round: a week of installs back from `now`, then the pending report. */
function arrangePatchWalk(now: string) {
  const since = epoch(now) - 7 * 86_400;
  tokenEndpoint(APP_FORM, ['tok-app-1']);
  const ninja = api('tok-app-1');
  const installsCursor = installsFixture.cursor.name;
  const pendingCursor = pendingFixture.cursor.name;
  ninja
    .get('/v2/queries/os-patch-installs')
    .query({ pageSize: '2', installedAfter: String(since) })
    .reply(200, installsFixture);
  ninja
    .get('/v2/queries/os-patch-installs')
    .query({ pageSize: '2', cursor: installsCursor })
    .reply(200, report([], installsCursor));
  ninja.get('/v2/queries/os-patches').query({ pageSize: '2' }).reply(200, pendingFixture);
  ninja
    .get('/v2/queries/os-patches')
    .query({ pageSize: '2', cursor: pendingCursor })
    .reply(200, report([], pendingCursor));
}

const PATCH_WALK_KEYS = [
  'os-patch-install:0e9a1f7c-3d52-4c6b-8f0e-7a2b9d4c1e60',
  'os-patch-install:7c4b0e2d-91aa-4e37-b5d8-26f1c0a9e3b4',
  'os-patch:1042:5f0d8a4e-2b7c-4c1d-9a8e-0c1f6e2b7a31:approved',
  'os-patch:1042:b61e2d90-7f3a-4f55-8c26-1d4e9b0a7c52:pending',
];

/**
 * pullHealth from floor 88412230: the newest page (newerThan), then back with olderThan until
 * the floor activity shows up.
 */
function arrangeHealthWalk() {
  tokenEndpoint(APP_FORM, ['tok-app-1']);
  const ninja = api('tok-app-1');
  const reboot = activity({ id: 88412300, activityType: 'SYSTEM', statusCode: 'SYSTEM_REBOOTED' });
  const stopped = activity({
    id: 88412290,
    activityType: 'SYSTEM',
    statusCode: 'WINDOWS_SERVICE_STOPPED',
    subject: 'MSSQLSERVER',
  });
  const condition = activity({ id: 88412250, activityType: 'CONDITION', statusCode: 'TRIGGERED' });
  ninja
    .get('/v2/activities')
    .query({ class: 'DEVICE', pageSize: '2', newerThan: '88412230' })
    .reply(200, activities([reboot, stopped]));
  ninja
    .get('/v2/activities')
    .query({ class: 'DEVICE', pageSize: '2', olderThan: '88412290' })
    .reply(200, activities([condition, activity()]));
}

const fixture: ContractFixture<NinjaOneSettings> = {
  definition: ninjaoneConnector,
  validSettings: VALID_SETTINGS,
  requiredFields: ['clientId', 'clientSecret'],
  webhookSecret: WEBHOOK_SECRET,
  webhook: {
    valid: () => webhookRequest(webhookFixture),
    badSignature: () => webhookRequest(webhookFixture, { 'x-switchboard-token': 'wrong' }),
  },
  failingCall: {
    arrange(status, headers, body) {
      // A 401 makes the client renew its token once and retry once.
      const attempts = status === 401 ? 2 : 1;
      tokenEndpoint(APP_FORM, Array(attempts).fill('tok-app-1'));
      api('tok-app-1')
        .get('/v2/organizations')
        .query({ pageSize: '2' })
        .times(attempts)
        .reply(status, JSON.stringify(body), headers);
    },
    act: (connector) => connector.pullDevices!(null),
  },
  pulls: {
    devices: {
      arrange: arrangeDeviceWalk,
      keys: [
        versioned('organization', 12),
        versioned('organization', 15),
        versioned('device', 1042),
        versioned('device', 1043),
        versioned('device', 1050),
      ],
    },
    // The suite's clock is makeContext's: 2026-11-24T02:30:00Z.
    patches: { arrange: () => arrangePatchWalk('2026-11-24T02:30:00Z'), keys: PATCH_WALK_KEYS },
    health: {
      arrange: arrangeHealthWalk,
      from: '{"floorId":88412230}',
      keys: ['activity:88412300', 'activity:88412290', 'activity:88412250'],
    },
  },
};

runContractSuite(fixture);

interface ConnectOptions {
  settings?: Record<string, unknown>;
  clock?: () => Date;
  timeoutMs?: number;
  webhookSecret?: string;
  saveSecret?: (name: string, value: string) => Promise<void>;
}

function connect(options: ConnectOptions = {}): NinjaOneConnector {
  const ctx = makeContext({
    ...fixture,
    validSettings: { ...VALID_SETTINGS, ...options.settings },
  });
  return ninjaoneConnector.create({
    ...ctx,
    clock: options.clock ?? ctx.clock,
    http: options.timeoutMs ? createHttp({ timeoutMs: options.timeoutMs }) : ctx.http,
    webhookSecret: 'webhookSecret' in options ? options.webhookSecret : ctx.webhookSecret,
    saveSecret: options.saveSecret,
  }) as NinjaOneConnector;
}

const at = (iso: string) => () => new Date(iso);
const epoch = (iso: string) => Date.parse(iso) / 1000;

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** Calls a pull until it says there is no more, as the core's poller does. */
async function pullAll(
  pull: (cursor: string | null) => Promise<Page>,
  start: string | null = null,
): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor = start;
  for (let i = 0; i < 10; i += 1) {
    const page = await pull(cursor);
    pages.push(page);
    cursor = page.cursor ?? cursor;
    if (!page.more) return pages;
  }
  throw new Error('the pull never stopped');
}

const recordsOf = (pages: Page[]): RawRecord[] => pages.flatMap((p) => p.records);

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('NinjaOne transport', () => {
  it('fetches one client-credentials token and reuses it for later calls', async () => {
    const token = tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1').get('/v2/organizations').query({ pageSize: '2' }).reply(200, []);
    api('tok-app-1').get('/v2/devices-detailed').query({ pageSize: '2' }).reply(200, []);
    const connector = connect();
    await connector.pullDevices(null);
    await connector.pullDevices('{"stream":"devices"}');
    expect(token.hits()).toBe(1);
    expect(nock.isDone()).toBe(true);
  });

  it('fetches a new token once the cached one nears expiry', async () => {
    let now = new Date('2026-11-24T02:30:00Z');
    const token = tokenEndpoint(APP_FORM, ['tok-app-1', 'tok-app-2']);
    api('tok-app-1').get('/v2/organizations').query({ pageSize: '2' }).reply(200, []);
    api('tok-app-2').get('/v2/devices-detailed').query({ pageSize: '2' }).reply(200, []);
    const connector = connect({ clock: () => now });
    await connector.pullDevices(null);
    now = new Date(now.getTime() + 3_590_000); // inside the renewal margin of a 3600 s token
    await connector.pullDevices('{"stream":"devices"}');
    expect(token.hits()).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it('renews the token exactly once after a 401 and retries the call with the new token', async () => {
    const token = tokenEndpoint(APP_FORM, ['tok-app-1', 'tok-app-2']);
    api('tok-app-1')
      .get('/v2/organizations')
      .query({ pageSize: '2' })
      .reply(401, notAuthenticatedFixture);
    api('tok-app-2')
      .get('/v2/organizations')
      .query({ pageSize: '2' })
      .reply(200, organizationsFixture);
    const page = await connect().pullDevices(null);
    expect(page.records).toHaveLength(2);
    expect(token.hits()).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it('gives up as auth, not retryable, when the renewed token is rejected too', async () => {
    const token = tokenEndpoint(APP_FORM, ['tok-app-1', 'tok-app-2']);
    api('tok-app-1')
      .get('/v2/organizations')
      .query({ pageSize: '2' })
      .reply(401, notAuthenticatedFixture);
    api('tok-app-2')
      .get('/v2/organizations')
      .query({ pageSize: '2' })
      .reply(401, notAuthenticatedFixture);
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toBe('NinjaOne GET /v2/organizations: HTTP 401 (credentials rejected)');
    expect(token.hits()).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it('reports a token without the needed scope as denied, not as bad credentials', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1', 'tok-app-2']);
    api('tok-app-1')
      .get('/v2/organizations')
      .query({ pageSize: '2' })
      .reply(401, insufficientFixture);
    api('tok-app-2')
      .get('/v2/organizations')
      .query({ pageSize: '2' })
      .reply(401, insufficientFixture);
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'denied', retryable: false });
    expect(err.message).toContain('lacks a scope');
    expect(nock.isDone()).toBe(true);
  });

  it('reports a token request for an ungranted scope as auth, naming the OAuth code only', async () => {
    nock(BASE)
      .post('/ws/oauth/token', { ...APP_FORM, scope: 'monitoring management' })
      .reply(400, invalidScopeFixture);
    const connector = connect({ settings: { scope: 'monitoring management' } });
    const err = await failure(connector.pullDevices(null));
    expect(err).toMatchObject({ reason: 'auth', retryable: false });
    expect(err.message).toBe(
      'NinjaOne POST /ws/oauth/token: HTTP 400 (token request rejected: invalid_scope)',
    );
    expect(err.message).not.toContain(CLIENT_SECRET);
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a token response without an access token as invalid', async () => {
    nock(BASE)
      .post('/ws/oauth/token', APP_FORM)
      .reply(200, { token_type: 'Bearer', expires_in: 3600 });
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(err.message).toBe(
      'ninjaone token response (app): access_token must be a non-empty string, got undefined',
    );
    expect(nock.isDone()).toBe(true);
  });

  it('classifies 429 as rate-limited and passes Retry-After on', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/devices-detailed')
      .query({ pageSize: '2', after: '1043' })
      .reply(429, '', { 'Retry-After': '30' });
    const err = await failure(connect().pullDevices('{"stream":"devices","after":1043}'));
    expect(err).toMatchObject({ reason: 'rate-limited', retryable: true, retryAfterMs: 30_000 });
    expect(nock.isDone()).toBe(true);
  });

  it('classifies a 5xx as unavailable and retryable', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1').get('/v2/organizations').query({ pageSize: '2' }).reply(502, '');
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toBe('NinjaOne GET /v2/organizations: HTTP 502');
    expect(nock.isDone()).toBe(true);
  });

  it('classifies a token endpoint outage as unavailable, not as bad credentials', async () => {
    nock(BASE).post('/ws/oauth/token', APP_FORM).reply(503, '');
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(nock.isDone()).toBe(true);
  });

  it('classifies a response slower than the HTTP timeout as unavailable and retryable', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/organizations')
      .query({ pageSize: '2' })
      .delay(1_000)
      .reply(200, organizationsFixture);
    const err = await failure(connect({ timeoutMs: 100 }).pullDevices(null));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toContain('timed out');
    expect(nock.isDone()).toBe(true);
  });

  it('talks to the configured region, or to a custom host when one is set', async () => {
    const eu = 'https://eu.ninjarmm.com';
    tokenEndpoint(APP_FORM, ['tok-eu'], appTokenFixture, eu);
    api('tok-eu', eu).get('/v2/organizations').query({ pageSize: '2' }).reply(200, []);
    await connect({ settings: { region: 'eu' } }).pullDevices(null);
    const custom = 'https://rmm.example.com';
    tokenEndpoint(APP_FORM, ['tok-custom'], appTokenFixture, custom);
    api('tok-custom', custom).get('/v2/organizations').query({ pageSize: '2' }).reply(200, []);
    await connect({ settings: { region: 'eu', baseUrl: `${custom}/` } }).pullDevices(null);
    expect(nock.isDone()).toBe(true);
  });
});

describe('NinjaOne pullDevices', () => {
  it('walks organizations then devices-detailed page by page with after ids, and stops', async () => {
    arrangeDeviceWalk();
    const connector = connect();
    const pages = await pullAll((c) => connector.pullDevices(c));
    expect(pages.map((p) => [p.cursor, p.more])).toEqual([
      ['{"stream":"organizations","after":15}', true],
      ['{"stream":"devices"}', true],
      ['{"stream":"devices","after":1043}', true],
      ['{"stream":"organizations"}', false],
    ]);
    expect(recordsOf(pages).map((r) => r.dedupeKey.split(':').slice(0, 2).join(':'))).toEqual([
      'organization:12',
      'organization:15',
      'device:1042',
      'device:1043',
      'device:1050',
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('gives a device a new record version only when something mapped changes', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    const ninja = api('tok-app-1');
    const seen = [device(), device({ lastContact: 1732419999.5 }), device({ offline: true })];
    for (const body of seen)
      ninja.get('/v2/devices-detailed').query({ pageSize: '2' }).reply(200, [body]);
    const connector = connect();
    const keys: string[] = [];
    for (let i = 0; i < seen.length; i += 1)
      keys.push((await connector.pullDevices('{"stream":"devices"}')).records[0].dedupeKey);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a list response that is not an array', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/devices-detailed')
      .query({ pageSize: '2' })
      .reply(200, { devices: devicesFixture });
    const err = await failure(connect().pullDevices('{"stream":"devices"}'));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(err.message).toBe(
      'NinjaOne GET /v2/devices-detailed: expected a JSON array in the response',
    );
    expect(nock.isDone()).toBe(true);
  });

  it('rejects the whole page when one organization is malformed, naming the field', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/organizations')
      .query({ pageSize: '2' })
      .reply(200, [organization(), organization({ id: 15, name: null })]);
    const err = await failure(connect().pullDevices(null));
    expect(err).toMatchObject({ reason: 'invalid' });
    expect(err.message).toBe('ninjaone organization 15: name must be a non-empty string, got null');
    expect(nock.isDone()).toBe(true);
  });

  it('refuses a cursor it cannot read instead of restarting silently', async () => {
    const err = await failure(connect().pullDevices('not json'));
    expect(err).toMatchObject({
      reason: 'invalid',
      message: 'ninjaone: unreadable devices cursor',
    });
    expect(nock.isDone()).toBe(true);
  });
});

describe('NinjaOne pullPatches', () => {
  const clock = at('2024-11-24T02:30:00Z');
  const firstSince = epoch('2024-11-24T02:30:00Z') - 7 * 86_400;

  it('reads a week of install history, then the pending report, following report cursors to the empty page', async () => {
    arrangePatchWalk('2024-11-24T02:30:00Z');
    const connector = connect({ clock });
    const pages = await pullAll((c) => connector.pullPatches(c));
    // The next round re-reads from 6 h before the newest install seen (1732321590).
    const watermark = 1732321590 - 6 * 3600;
    expect(pages.map((p) => p.more)).toEqual([true, true, true, false]);
    expect(pages[3].cursor).toBe(`{"stream":"installs","since":${watermark}}`);
    expect(recordsOf(pages).map((r) => r.dedupeKey)).toEqual(PATCH_WALK_KEYS);
    expect(nock.isDone()).toBe(true);
  });

  it('starts the next round from the stored watermark', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/queries/os-patch-installs')
      .query({ pageSize: '2', installedAfter: '1732299990' })
      .reply(200, report([], 'aW5zdGFsbHM'));
    const page = await connect({ clock }).pullPatches('{"stream":"installs","since":1732299990}');
    expect(page).toEqual({
      records: [],
      cursor: '{"stream":"pending","since":1732299990}',
      more: true,
    });
    expect(nock.isDone()).toBe(true);
  });

  it('does not store rejected patches', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/queries/os-patches')
      .query({ pageSize: '2' })
      .reply(200, report([pendingPatch({ status: 'REJECTED' })], 'cGVuZGluZw'));
    const page = await connect({ clock }).pullPatches('{"stream":"pending","since":1732299990}');
    expect(page.records).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a report without a results array', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/queries/os-patches')
      .query({ pageSize: '2' })
      .reply(200, { cursor: pendingFixture.cursor });
    const err = await failure(
      connect({ clock }).pullPatches('{"stream":"pending","since":1732299990}'),
    );
    expect(err).toMatchObject({
      reason: 'invalid',
      message: 'NinjaOne GET /v2/queries/os-patches: expected a results array in the response',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('rejects the page when one install has a malformed time', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/queries/os-patch-installs')
      .query({ pageSize: '2', installedAfter: String(firstSince) })
      .reply(200, report([install(), install({ installedAt: '2024-11-23' })], 'eA'));
    const err = await failure(connect({ clock }).pullPatches(null));
    expect(err).toMatchObject({ reason: 'invalid' });
    expect(err.message).toBe(
      'ninjaone os patch install 0e9a1f7c-3d52-4c6b-8f0e-7a2b9d4c1e60: installedAt must be epoch seconds, got string',
    );
    expect(nock.isDone()).toBe(true);
  });
});

describe('NinjaOne pullHealth (activities)', () => {
  it('first round reads back one day, walking older pages until activities predate it', async () => {
    const clock = at('2024-11-23T02:00:00Z');
    const floorTime = epoch('2024-11-23T02:00:00Z') - 86_400;
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    const ninja = api('tok-app-1');
    ninja
      .get('/v2/activities')
      .query({ class: 'DEVICE', pageSize: '2' })
      .reply(200, activitiesFixture);
    const beforeLookback = activity({
      id: 88400001,
      activityTime: floorTime - 1,
      activityType: 'SYSTEM',
      statusCode: 'SYSTEM_REBOOTED',
    });
    ninja
      .get('/v2/activities')
      .query({ class: 'DEVICE', pageSize: '2', olderThan: '88411907' })
      .reply(200, activities([beforeLookback]));
    const connector = connect({ clock });
    const pages = await pullAll((c) => connector.pullHealth(c));
    expect(pages.map((p) => [p.cursor, p.more])).toEqual([
      [`{"floorTime":${floorTime},"olderThan":88411907,"top":88412230}`, true],
      ['{"floorId":88412230}', false],
    ]);
    // "apply patches started" means nothing canonical; the old reboot predates the lookback.
    expect(recordsOf(pages).map((r) => r.dedupeKey)).toEqual(['activity:88412230']);
    expect(nock.isDone()).toBe(true);
  });

  it('continues with newerThan, walks a burst back with olderThan to the floor, then stops', async () => {
    arrangeHealthWalk();
    const ninja = api('tok-app-1');
    ninja
      .get('/v2/activities')
      .query({ class: 'DEVICE', pageSize: '2', newerThan: '88412300' })
      .reply(200, { lastActivityId: 88412300, activities: [] });
    const connector = connect();
    const pages = await pullAll((c) => connector.pullHealth(c), '{"floorId":88412230}');
    expect(pages.map((p) => [p.cursor, p.more])).toEqual([
      ['{"floorId":88412230,"olderThan":88412290,"top":88412300}', true],
      ['{"floorId":88412300}', false],
    ]);
    expect(recordsOf(pages).map((r) => r.dedupeKey)).toEqual([
      'activity:88412300',
      'activity:88412290',
      'activity:88412250',
    ]);
    const next = await connector.pullHealth(pages[1].cursor);
    expect(next).toEqual({ records: [], cursor: '{"floorId":88412300}', more: false });
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a response without an activities array', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/activities')
      .query({ class: 'DEVICE', pageSize: '2', newerThan: '5' })
      .reply(200, activitiesFixture.activities);
    const err = await failure(connect().pullHealth('{"floorId":5}'));
    expect(err).toMatchObject({
      reason: 'invalid',
      message: 'NinjaOne GET /v2/activities: expected a JSON object in the response',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('rejects the page when one activity lacks its time', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/activities')
      .query({ class: 'DEVICE', pageSize: '2', newerThan: '5' })
      .reply(200, activities([activity({ activityTime: null })]));
    const err = await failure(connect().pullHealth('{"floorId":5}'));
    expect(err.message).toBe(
      'ninjaone activity 88412230: activityTime must be epoch seconds, got null',
    );
    expect(nock.isDone()).toBe(true);
  });
});

describe('NinjaOne webhook', () => {
  it('accepts the secret in the configured header, whatever its case', () => {
    const connector = connect({ settings: { webhookHeaderName: 'X-Hub-Webhook-Secret' } });
    const verdict = connector.handleWebhook(
      webhookRequest(webhookFixture, { 'x-hub-webhook-secret': WEBHOOK_SECRET }),
    );
    expect(verdict).toMatchObject({ ok: true, records: [{ dedupeKey: 'activity:88412230' }] });
  });

  it('rejects the configured header carrying the wrong secret', () => {
    const connector = connect({ settings: { webhookHeaderName: 'X-Hub-Webhook-Secret' } });
    const verdict = connector.handleWebhook(
      webhookRequest(webhookFixture, { 'x-hub-webhook-secret': 'whsec-ninja-0123456788' }),
    );
    expect(verdict).toMatchObject({ ok: false, status: 401 });
  });

  it("accepts the core's token query parameter", () => {
    const verdict = connect().handleWebhook(
      webhookRequest(webhookFixture, {}, { token: WEBHOOK_SECRET }),
    );
    expect(verdict.ok).toBe(true);
  });

  it('rejects every delivery while the instance has no webhook secret', () => {
    const verdict = connect({ webhookSecret: undefined }).handleWebhook(
      webhookRequest(webhookFixture, { 'x-switchboard-token': '' }),
    );
    expect(verdict).toMatchObject({ ok: false, status: 401 });
  });

  it('keys a delivery by activity id, like the same activity pulled', () => {
    const verdict = connect().handleWebhook(webhookRequest(webhookFixture));
    expect(verdict).toEqual({
      ok: true,
      records: [{ type: 'activity', dedupeKey: 'activity:88412230', payload: webhookFixture }],
    });
  });

  it('acknowledges an activity with no canonical meaning without storing it', () => {
    const login = { ...webhookFixture, activityType: 'SYSTEM', statusCode: 'USER_LOGGED_IN' };
    expect(connect().handleWebhook(webhookRequest(login))).toEqual({ ok: true, records: [] });
  });

  it('rejects a malformed activity with 400 naming the field', () => {
    const verdict = connect().handleWebhook(webhookRequest({ ...webhookFixture, id: 'x' }));
    expect(verdict).toEqual({
      ok: false,
      status: 400,
      message: 'ninjaone activity: id must be an integer, got string',
    });
  });
});

describe('NinjaOne getServices', () => {
  it("reads the device's Windows services with their state and start type", async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1').get('/v2/device/1042/windows-services').reply(200, deviceServicesFixture);
    const services = await connect().getServices({ id: '1042' });
    expect(services).toEqual([
      { name: 'wuauserv', displayName: 'Windows Update', state: 'stopped', startType: 'manual' },
      { name: 'Spooler', displayName: 'Print Spooler', state: 'running', startType: 'auto' },
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('reads vendor states and start types it does not know as unknown', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    const odd = { ...deviceServicesFixture[0], state: 'HIBERNATING', startType: null };
    api('tok-app-1').get('/v2/device/1042/windows-services').reply(200, [odd]);
    const [service] = await connect().getServices({ id: '1042' });
    expect(service).toMatchObject({ state: 'unknown', startType: 'unknown' });
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a service without a name instead of returning a partial list', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    const nameless = { ...deviceServicesFixture[1], name: '' };
    api('tok-app-1')
      .get('/v2/device/1042/windows-services')
      .reply(200, [deviceServicesFixture[0], nameless]);
    const err = await failure(connect().getServices({ id: '1042' }));
    expect(err).toMatchObject({
      reason: 'invalid',
      message: 'ninjaone windows service: name must be a non-empty string, got string',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('refuses a device id that is not a NinjaOne id, before any request', async () => {
    const err = await failure(connect().getServices({ id: '../organizations' }));
    expect(err.reason).toBe('invalid');
    expect(nock.isDone()).toBe(true);
  });
});

describe('NinjaOne planRollback', () => {
  it('shows the script/run a rollback would make, without calling NinjaOne', () => {
    // nock refuses every unarranged request: a call here would fail the test.
    expect(connect().planRollback!({ id: '1043' }, 'KB5046616')).toEqual({
      request: 'POST /v2/device/1043/script/run',
      script: { id: 311, parameters: '-KB 5046616', runAs: 'system' },
      followedBy: "GET /v2/device/1043/activities (the run's result)",
    });
  });

  it('says why it could not run: a patch without a KB number', () => {
    expect(() => connect().planRollback!({ id: '1043' }, 'Chrome 120')).toThrow(
      'only KB-numbered patches can be rolled back',
    );
  });
});

describe('NinjaOne runRollback', () => {
  const JOB_AT = epoch('2026-11-24T02:30:00Z');

  const scriptRun = (token: string, parameters = '-KB 5046616') =>
    api(token).post('/v2/device/1043/script/run', {
      type: 'SCRIPT',
      id: 311,
      parameters,
      runAs: 'system',
    });

  /** The device's newest activity, read with the app token before the run is posted. */
  const baseline = (token: string, body: object = activitiesFixture) =>
    api(token).get('/v2/device/1043/activities').query({ pageSize: '1' }).reply(200, body);

  it('reads the newest device activity, then runs the script with a user-context token', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    baseline('tok-app-1');
    tokenEndpoint(userForm(REFRESH_TOKEN), ['tok-user-1'], userTokenFixture);
    scriptRun('tok-user-1', '-KB 5046616 -Reboot').reply(204);
    const connector = connect({ settings: { rollbackParameters: '-KB {kb} -Reboot' } });
    const job = await connector.runRollback({ id: '1043' }, 'KB5046616');
    expect(job).toEqual({
      jobId: `device/1043/script/311/kb/5046616/after/88412230/at/${JOB_AT}`,
      status: 'queued',
    });
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    [
      'a tenant-wide lastActivityId above the device newest',
      { lastActivityId: 88499000, lastNodeActivityId: 88412230, activities: [activity()] },
      88412230,
    ],
    [
      'counters only, no activity in the page',
      { lastActivityId: 88412400, lastNodeActivityId: 88412100, activities: [] },
      88412100,
    ],
    ['a device that has no activity at all', { activities: [] }, 0],
  ])('takes the smallest id as the baseline with %s', async (_name, body, after) => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    baseline('tok-app-1', body);
    tokenEndpoint(userForm(REFRESH_TOKEN), ['tok-user-1'], userTokenFixture);
    scriptRun('tok-user-1').reply(204);
    const job = await connect().runRollback({ id: '1043' }, 'KB5046616');
    expect(job.jobId).toBe(`device/1043/script/311/kb/5046616/after/${after}/at/${JOB_AT}`);
    expect(nock.isDone()).toBe(true);
  });

  it('starts nothing, and stays retryable, when the baseline cannot be read', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1').get('/v2/device/1043/activities').query({ pageSize: '1' }).reply(503, '');
    // No user token and no script/run is arranged: either would fail the test.
    const err = await failure(connect().runRollback({ id: '1043' }, 'KB5046616'));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(nock.isDone()).toBe(true);
  });

  it('maps a 404 for the device as the client does, before posting anything', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1').get('/v2/device/1043/activities').query({ pageSize: '1' }).reply(404, '');
    const err = await failure(connect().runRollback({ id: '1043' }, 'KB5046616'));
    expect(err).toMatchObject({ reason: 'not-found', retryable: false });
    expect(nock.isDone()).toBe(true);
  });

  it('renews the expired user token with the rotated refresh token', async () => {
    let now = new Date('2026-11-24T02:30:00Z');
    tokenEndpoint(APP_FORM, ['tok-app-1', 'tok-app-2']);
    baseline('tok-app-1');
    baseline('tok-app-2');
    tokenEndpoint(userForm(REFRESH_TOKEN), ['tok-user-1'], userTokenFixture);
    tokenEndpoint(userForm(userTokenFixture.refresh_token), ['tok-user-2'], userTokenFixture);
    scriptRun('tok-user-1').reply(204);
    scriptRun('tok-user-2').reply(204);
    const saved: [string, string][] = [];
    const connector = connect({
      clock: () => now,
      saveSecret: async (name, value) => void saved.push([name, value]),
    });
    await connector.runRollback({ id: '1043' }, 'KB5046616');
    now = new Date(now.getTime() + 2 * 3_600_000);
    await connector.runRollback({ id: '1043' }, '5046616');
    expect(nock.isDone()).toBe(true);
    // Saved on the instance once, when it changed, so a restart does not use the dead one.
    expect(saved).toEqual([['refreshToken', userTokenFixture.refresh_token]]);
  });

  it('fails the call, not silently, when the rotated refresh token cannot be saved', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    baseline('tok-app-1');
    tokenEndpoint(userForm(REFRESH_TOKEN), ['tok-user-1'], userTokenFixture);
    const connector = connect({
      saveSecret: async () => {
        throw new Error('database unavailable');
      },
    });
    await expect(connector.runRollback({ id: '1043' }, 'KB5046616')).rejects.toThrow(
      'database unavailable',
    );
    expect(nock.isDone()).toBe(true);
  });

  it('reports user_context_required (403) as denied, naming the missing user context', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    baseline('tok-app-1');
    tokenEndpoint(userForm(REFRESH_TOKEN), ['tok-user-1'], userTokenFixture);
    scriptRun('tok-user-1').reply(403, userContextFixture);
    const err = await failure(connect().runRollback({ id: '1043' }, 'KB5046616'));
    expect(err).toMatchObject({ reason: 'denied', retryable: false });
    expect(err.message).toContain('user-context token');
    expect(nock.isDone()).toBe(true);
  });

  it('reports user_context_required (401) as denied after one token renewal', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    baseline('tok-app-1');
    const token = tokenEndpoint(
      userForm(REFRESH_TOKEN),
      ['tok-user-1', 'tok-user-2'],
      // Without rotation the same refresh token is sent again.
      { ...userTokenFixture, refresh_token: undefined },
    );
    scriptRun('tok-user-1').reply(401, userContextFixture);
    scriptRun('tok-user-2').reply(401, userContextFixture);
    const err = await failure(connect().runRollback({ id: '1043' }, 'KB5046616'));
    expect(err).toMatchObject({ reason: 'denied', retryable: false });
    expect(token.hits()).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it('never marks a failed script run retryable: it may have started', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    baseline('tok-app-1');
    tokenEndpoint(userForm(REFRESH_TOKEN), ['tok-user-1'], userTokenFixture);
    scriptRun('tok-user-1').reply(502, '');
    const err = await failure(connect().runRollback({ id: '1043' }, 'KB5046616'));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: false });
    expect(err.message).toContain('may have started');
    expect(nock.isDone()).toBe(true);
  });

  it('keeps a rate-limited script run retryable: it was refused before any work', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    baseline('tok-app-1');
    tokenEndpoint(userForm(REFRESH_TOKEN), ['tok-user-1'], userTokenFixture);
    scriptRun('tok-user-1').reply(429, '', { 'Retry-After': '12' });
    const err = await failure(connect().runRollback({ id: '1043' }, 'KB5046616'));
    expect(err).toMatchObject({ reason: 'rate-limited', retryable: true, retryAfterMs: 12_000 });
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    ['without a rollback script', { rollbackScriptId: undefined }, 'KB5046616'],
    ['without a refresh token', { refreshToken: undefined }, 'KB5046616'],
    ['for a patch without a KB number', {}, 'Intel - System - 10.1.1.44'],
  ])('refuses %s, before any request', async (_name, settings, patchId) => {
    const err = await failure(connect({ settings }).runRollback({ id: '1043' }, patchId));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(nock.isDone()).toBe(true);
  });
});

describe('NinjaOne rollbackResult', () => {
  const JOB = 'device/1043/script/311/kb/5046616/after/88412230/at/1795487400';
  const [completedRun, unrelated, startRequested] = scriptRunActivitiesFixture.activities;

  /** An activity of our run (series, source name), varied from the fixture's COMPLETED one. */
  const runActivity = (over: Record<string, unknown> = {}) => ({ ...completedRun, ...over });
  const started = (over: Record<string, unknown> = {}) => ({ ...startRequested, ...over });

  /** The Remove-Patch.ps1 report line (connectors/shared/patch-removal-report.ts). */
  const reportLine = (over: Record<string, unknown>) =>
    JSON.stringify({
      switchboard: 'remove-patch',
      version: 1,
      kb: 'KB5046616',
      outcome: 'removed',
      exitCode: 0,
      packageName: 'Package_for_RollupFix~31bf3856ad364e35~amd64~~20348.2849.1.10',
      rebootRequired: false,
      rebooting: false,
      message: 'Removed.',
      ...over,
    });

  /** Newest first, as NinjaOne answers. */
  const page = (items: { id: number }[]) => ({
    lastActivityId: Math.max(88412230, ...items.map((a) => a.id)),
    lastNodeActivityId: Math.max(88412230, ...items.map((a) => a.id)),
    activities: [...items].sort((a, b) => b.id - a.id),
  });

  /**
   * The activities after the baseline (app token, exact query), the script library and, when
   * given, the device. Nothing else is answered.
   */
  function arrange(items: { id: number }[], device?: Record<string, unknown>) {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    const ninja = api('tok-app-1');
    ninja
      .get('/v2/device/1043/activities')
      .query({ newerThan: '88412230', pageSize: '1000' })
      .reply(200, page(items));
    ninja.get('/v2/automation/scripts').reply(200, scriptsFixture);
    if (device) ninja.get('/v2/device/1043').reply(200, device);
  }

  it('follows a run started by runRollback to its removed report', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/device/1043/activities')
      .query({ pageSize: '1' })
      .reply(200, activitiesFixture);
    tokenEndpoint(userForm(REFRESH_TOKEN), ['tok-user-1'], userTokenFixture);
    api('tok-user-1')
      .post('/v2/device/1043/script/run', {
        type: 'SCRIPT',
        id: 311,
        parameters: '-KB 5046616',
        runAs: 'system',
      })
      .reply(204);
    api('tok-app-1')
      .get('/v2/device/1043/activities')
      .query({ newerThan: '88412230', pageSize: '1000' })
      .reply(200, scriptRunActivitiesFixture);
    api('tok-app-1').get('/v2/automation/scripts').reply(200, scriptsFixture);
    const connector = connect();
    const job = await connector.runRollback({ id: '1043' }, 'KB5046616');
    const result = await connector.rollbackResult({ id: '1043' }, job.jobId);
    expect(result).toEqual({
      state: 'succeeded',
      exitCode: 3010,
      output: completedRun.message,
      report: {
        kb: 'KB5046616',
        outcome: 'removed',
        exitCode: 3010,
        packageName: 'Package_for_RollupFix~31bf3856ad364e35~amd64~~20348.2849.1.10',
        rebootRequired: true,
        rebooting: false,
        message:
          'Removed Package_for_RollupFix~31bf3856ad364e35~amd64~~20348.2849.1.10; a reboot finishes the removal.',
      },
      detail:
        'Remove-Patch removed KB5046616 (exit 3010); a reboot is needed to finish the removal',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('believes the report over activityResult: exit 3010 may be logged as FAILURE', async () => {
    arrange([
      started(),
      runActivity({
        activityResult: 'FAILURE',
        message: reportLine({ exitCode: 3010, rebootRequired: true, rebooting: true }),
      }),
    ]);
    const result = await connect().rollbackResult({ id: '1043' }, JOB);
    expect(result).toMatchObject({
      state: 'succeeded',
      exitCode: 3010,
      detail:
        'Remove-Patch removed KB5046616 (exit 3010); the device is rebooting to finish the removal',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('finds the report among the string values of data as well', async () => {
    const line = reportLine({});
    arrange([runActivity({ message: 'Script completed', data: { output: { stdout: line } } })]);
    const result = await connect().rollbackResult({ id: '1043' }, JOB);
    expect(result).toMatchObject({ state: 'succeeded', exitCode: 0, output: line });
    expect(nock.isDone()).toBe(true);
  });

  it('counts a KB that was already gone as succeeded, saying so', async () => {
    arrange([
      runActivity({
        message: reportLine({ outcome: 'not-installed', exitCode: 10, packageName: undefined }),
      }),
    ]);
    const result = await connect().rollbackResult({ id: '1043' }, JOB);
    expect(result).toMatchObject({
      state: 'succeeded',
      exitCode: 10,
      report: { outcome: 'not-installed' },
      detail:
        'KB5046616 was already gone: Remove-Patch found no installed package carrying it (exit 10)',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('fails with the report message on FAILURE and a failed report', async () => {
    const message = 'DISM /Remove-Package failed with 0x800f0825.';
    arrange([
      started(),
      runActivity({
        activityResult: 'FAILURE',
        message: `Removing KB5046616\n${reportLine({ outcome: 'failed', exitCode: 1, message })}`,
      }),
    ]);
    const result = await connect().rollbackResult({ id: '1043' }, JOB);
    expect(result).toMatchObject({
      state: 'failed',
      exitCode: 1,
      report: { outcome: 'failed', message },
      detail: `Remove-Patch failed to remove KB5046616 (exit 1): ${message}`,
    });
    expect(result.output).toContain('Removing KB5046616');
    expect(nock.isDone()).toBe(true);
  });

  it('fails with the report message when the script refused the package', async () => {
    const message = 'Package_for_ServicingStack_2849 is permanent and cannot be removed.';
    arrange([runActivity({ message: reportLine({ outcome: 'refused', exitCode: 20, message }) })]);
    const result = await connect().rollbackResult({ id: '1043' }, JOB);
    expect(result).toMatchObject({
      state: 'failed',
      exitCode: 20,
      report: { outcome: 'refused' },
      detail: `Remove-Patch refused to remove KB5046616 (exit 20): ${message}`,
    });
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    ['START_REQUESTED', 'queued on the device'],
    ['STARTED', 'running'],
    ['IN_PROCESS', 'running'],
  ])('is running while the newest run activity is %s', async (statusCode, detail) => {
    arrange([
      started(),
      ...(statusCode === 'START_REQUESTED' ? [] : [started({ id: 88412340, statusCode })]),
    ]);
    expect(await connect().rollbackResult({ id: '1043' }, JOB)).toEqual({
      state: 'running',
      detail,
    });
    expect(nock.isDone()).toBe(true);
  });

  it('is running while nothing is logged and the device is offline', async () => {
    arrange([unrelated], devicesFixture[1]);
    expect(await connect().rollbackResult({ id: '1043' }, JOB)).toEqual({
      state: 'running',
      detail: 'device is offline; NinjaOne runs the script when it checks in',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('is running, queued, while nothing is logged for an online device', async () => {
    arrange([], { ...devicesFixture[1], offline: false });
    expect(await connect().rollbackResult({ id: '1043' }, JOB)).toEqual({
      state: 'running',
      detail: 'queued on the device; NinjaOne has logged no activity for the run yet',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('fails a cancelled run', async () => {
    arrange([
      started(),
      runActivity({ statusCode: 'CANCELLED', activityResult: 'UNCOMPLETED', message: '' }),
    ]);
    expect(await connect().rollbackResult({ id: '1043' }, JOB)).toEqual({
      state: 'failed',
      detail: 'the script run was cancelled in NinjaOne',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('takes SUCCESS without a readable report as succeeded but unconfirmed', async () => {
    // Logged as SCRIPTING, naming the script in subject: both accepted (doc §4.6, UNCONFIRMED).
    arrange([
      runActivity({
        activityType: 'SCRIPTING',
        sourceName: '',
        subject: 'Remove-Patch',
        message: 'Script completed',
        data: { exitCode: 0 },
      }),
    ]);
    expect(await connect().rollbackResult({ id: '1043' }, JOB)).toEqual({
      state: 'succeeded',
      exitCode: 0,
      detail:
        'script finished with SUCCESS (exit 0); its output is not readable through the NinjaOne API, so the removal is unconfirmed',
    });
    expect(nock.isDone()).toBe(true);
  });

  it.each([
    [
      'FAILURE with an exit code',
      { exitCode: 1 },
      'failed',
      'script finished with FAILURE (exit 1)',
    ],
    ['FAILURE without an exit code', {}, 'failed', 'script finished with FAILURE'],
    [
      'exit 3010 (removed, reboot pending) logged as FAILURE',
      { resultCode: '3010' },
      'succeeded',
      'script finished with exit 3010 (removed, reboot pending); its output is not readable through the NinjaOne API, so the removal is unconfirmed',
    ],
  ])('judges %s without a report from NinjaOne alone', async (_name, data, state, detail) => {
    arrange([started(), runActivity({ activityResult: 'FAILURE', message: '', data })]);
    const result = await connect().rollbackResult({ id: '1043' }, JOB);
    expect(result).toMatchObject({ state, detail });
    expect(result.report).toBeUndefined();
    expect(nock.isDone()).toBe(true);
  });

  it("ignores other scripts' runs and a Remove-Patch run for another KB", async () => {
    const otherSeries = '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d';
    arrange([
      started(),
      runActivity({
        id: 88412350,
        seriesUid: otherSeries,
        sourceName: 'Run Clear Print Queue',
        message: 'Queue cleared',
      }),
      runActivity({
        id: 88412360,
        seriesUid: '7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910',
        message: reportLine({ kb: 'KB5034441' }),
      }),
      unrelated,
    ]);
    expect(await connect().rollbackResult({ id: '1043' }, JOB)).toEqual({
      state: 'running',
      detail: 'queued on the device',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('recognises the run by its report alone when the library no longer has the script', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    const ninja = api('tok-app-1');
    ninja
      .get('/v2/device/1043/activities')
      .query({ newerThan: '88412230', pageSize: '1000' })
      .reply(200, scriptRunActivitiesFixture);
    ninja.get('/v2/automation/scripts').reply(200, [scriptsFixture[0]]);
    const result = await connect().rollbackResult({ id: '1043' }, JOB);
    expect(result).toMatchObject({ state: 'succeeded', report: { kb: 'KB5046616' } });
    expect(nock.isDone()).toBe(true);
  });

  it('learns the script name once per connector', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    const ninja = api('tok-app-1');
    ninja
      .get('/v2/device/1043/activities')
      .query({ newerThan: '88412230', pageSize: '1000' })
      .reply(200, page([started()]));
    ninja
      .get('/v2/device/1043/activities')
      .query({ newerThan: '88412230', pageSize: '1000' })
      .reply(200, scriptRunActivitiesFixture);
    ninja.get('/v2/automation/scripts').once().reply(200, scriptsFixture);
    const connector = connect();
    expect((await connector.rollbackResult({ id: '1043' }, JOB)).state).toBe('running');
    expect((await connector.rollbackResult({ id: '1043' }, JOB)).state).toBe('succeeded');
    expect(nock.isDone()).toBe(true);
  });

  it('keeps only the last 2,000 characters of a long output, report line included', async () => {
    const line = reportLine({});
    arrange([runActivity({ message: `${'DISM progress\n'.repeat(300)}${line}` })]);
    const result = await connect().rollbackResult({ id: '1043' }, JOB);
    expect(result.output).toHaveLength(2000);
    expect(result.output?.endsWith(line)).toBe(true);
    expect(result.state).toBe('succeeded');
    expect(nock.isDone()).toBe(true);
  });

  it('rejects a malformed run activity, naming the field', async () => {
    arrange([runActivity({ message: 42 })]);
    const err = await failure(connect().rollbackResult({ id: '1043' }, JOB));
    expect(err).toMatchObject({ reason: 'invalid' });
    expect(err.message).toContain('activity 88412377: message must be a string');
  });

  it.each([
    [
      'the id format before the baseline was recorded',
      'device/1043/script/311/kb/5046616/at/1795487400',
    ],
    ['a foreign id', '3e8c5d21-6f0a-4b9e-a2c7-9d1f4e6b0a83'],
    ['a path trick', 'device/1043/script/311/kb/5046616/after/88412230/at/1795487400/../x'],
    ['a job of another device', 'device/1042/script/311/kb/5046616/after/88412230/at/1795487400'],
  ])('refuses %s as invalid, before any request', async (_name, jobId) => {
    const err = await failure(connect().rollbackResult({ id: '1043' }, jobId));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(nock.isDone()).toBe(true);
  });

  it('maps an error answer as the client does', async () => {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    api('tok-app-1')
      .get('/v2/device/1043/activities')
      .query({ newerThan: '88412230', pageSize: '1000' })
      .reply(404, '');
    const err = await failure(connect().rollbackResult({ id: '1043' }, JOB));
    expect(err).toMatchObject({ reason: 'not-found', retryable: false });
    expect(nock.isDone()).toBe(true);
  });
});

describe('NinjaOne check', () => {
  function probes(patchesStatus: number) {
    tokenEndpoint(APP_FORM, ['tok-app-1']);
    const ninja = api('tok-app-1');
    ninja.get('/v2/organizations').query({ pageSize: '1' }).reply(200, [organization()]);
    ninja
      .get('/v2/queries/os-patches')
      .query({ pageSize: '1' })
      .reply(patchesStatus, pendingFixture);
    ninja
      .get('/v2/activities')
      .query({ class: 'DEVICE', pageSize: '1' })
      .reply(200, activitiesFixture);
    ninja
      .get('/v2/queries/windows-services')
      .query({ pageSize: '1' })
      .reply(200, servicesReportFixture);
  }

  it('probes each declared read capability with its smallest request', async () => {
    probes(200);
    expect(await connect().check()).toEqual({
      devices: { status: 'ok' },
      patches: { status: 'ok' },
      health: { status: 'ok' },
      services: { status: 'ok' },
      webhooks: { status: 'ok' },
      rollback: { status: 'ok', detail: expect.stringContaining('not probed') },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('reports a forbidden probe as denied and unconfigured parts as errors', async () => {
    probes(403);
    const report = await connect({
      webhookSecret: undefined,
      settings: { rollbackScriptId: undefined },
    }).check();
    expect(report.patches).toEqual({
      status: 'denied',
      detail: 'NinjaOne GET /v2/queries/os-patches: HTTP 403 (permission denied)',
    });
    expect(report.devices).toEqual({ status: 'ok' });
    expect(report.webhooks?.status).toBe('error');
    expect(report.rollback?.status).toBe('error');
    expect(nock.isDone()).toBe(true);
  });
});

describe('NinjaOne normalize', () => {
  const connector = connect();
  const normalize = (type: string, payload: unknown) =>
    connector.normalize({ type, dedupeKey: 'test', payload });

  it('maps organizations to clients', () => {
    expect(organizationsFixture.flatMap((o) => normalize('organization', o))).toEqual([
      { type: 'client', client: { externalId: '12', name: 'Contoso Dental' } },
      { type: 'client', client: { externalId: '15', name: 'Fabrikam Legal' } },
    ]);
  });

  it('maps an agent device with OS and hardware detail, its last boot and pending reboot', () => {
    expect(normalize('device', devicesFixture[0])).toEqual([
      {
        type: 'device',
        occurredAt: new Date(1732412345097),
        client: { externalId: '12' },
        device: {
          externalId: '1042',
          hostname: 'FRONTDESK-01',
          fqdn: 'frontdesk-01.contoso.local',
          ip: '10.0.4.21',
          serial: '7XK2QW3',
        },
        displayName: 'FRONTDESK-01',
        role: 'WINDOWS_WORKSTATION',
        os: 'Windows 11 Pro',
        online: true,
        lastBootAt: new Date(1732150000000),
        rebootPending: { pending: true, reason: 'NinjaOne reports the device needs a reboot' },
      },
    ]);
  });

  it('maps an offline device without OS or hardware detail', () => {
    const [event] = normalize('device', devicesFixture[1]);
    expect(event).toEqual({
      type: 'device',
      occurredAt: new Date(1732301122750),
      client: { externalId: '12' },
      device: { externalId: '1043', hostname: 'DC01', fqdn: 'dc01.contoso.local' },
      displayName: 'DC01',
      role: 'WINDOWS_SERVER',
      online: false,
    });
  });

  it('takes the hostname from dnsName when systemName is missing, and no fqdn without a dot', () => {
    const [short] = normalize('device', device({ systemName: null, dnsName: 'kiosk-7' }));
    expect(short).toMatchObject({ device: { hostname: 'kiosk-7', fqdn: undefined } });
    const [long] = normalize(
      'device',
      device({ systemName: '', dnsName: 'kiosk-8.contoso.local' }),
    );
    expect(long).toMatchObject({
      device: { hostname: 'kiosk-8', fqdn: 'kiosk-8.contoso.local' },
    });
  });

  it('maps install history to installed and failed patches keyed by KB', () => {
    expect(installsFixture.results.flatMap((i) => normalize('os-patch-install', i))).toEqual([
      {
        type: 'patch',
        sourceId: '0e9a1f7c-3d52-4c6b-8f0e-7a2b9d4c1e60',
        occurredAt: new Date(1732320011000),
        device: { externalId: '1042' },
        patchId: 'KB5046633',
        title: installsFixture.results[0].name,
        severity: 'critical',
        category: 'security',
        status: 'installed',
      },
      {
        type: 'patch',
        sourceId: '7c4b0e2d-91aa-4e37-b5d8-26f1c0a9e3b4',
        occurredAt: new Date(1732321590000),
        device: { externalId: '1043' },
        patchId: 'KB5046616',
        title: installsFixture.results[1].name,
        severity: 'critical',
        category: 'security',
        status: 'failed',
      },
    ]);
  });

  it('maps approved and awaiting-approval patches; one without a KB keeps its name; the type is the category', () => {
    expect(pendingFixture.results.flatMap((p) => normalize('os-patch', p))).toEqual([
      {
        type: 'patch',
        sourceId: '5f0d8a4e-2b7c-4c1d-9a8e-0c1f6e2b7a31',
        occurredAt: new Date(1732405000000),
        device: { externalId: '1042' },
        patchId: 'KB5046633',
        title: pendingFixture.results[0].name,
        severity: 'critical',
        category: 'security',
        status: 'approved',
      },
      {
        type: 'patch',
        sourceId: 'b61e2d90-7f3a-4f55-8c26-1d4e9b0a7c52',
        occurredAt: new Date(1732405000000),
        device: { externalId: '1042' },
        patchId: 'Intel - System - 10.1.1.44',
        title: 'Intel - System - 10.1.1.44',
        severity: 'low',
        category: 'driver',
        status: 'pending',
      },
    ]);
  });

  it('writes KB ids the same way whether or not the vendor kept the KB prefix', () => {
    const bare = pendingPatch({ kbNumber: '5046633', name: 'Cumulative Update' });
    const fromName = pendingPatch({ kbNumber: null });
    expect(normalize('os-patch', bare)[0]).toMatchObject({ patchId: 'KB5046633' });
    expect(normalize('os-patch', fromName)[0]).toMatchObject({ patchId: 'KB5046633' });
  });

  it('ignores rejected patches and install records of unknown status', () => {
    expect(normalize('os-patch', pendingPatch({ status: 'REJECTED' }))).toEqual([]);
    expect(normalize('os-patch-install', install({ status: 'SUPERSEDED' }))).toEqual([]);
  });

  it('maps a failed patch activity to a failed patch, and ignores apply-started', () => {
    const [failed, started] = activitiesFixture.activities;
    expect(normalize('activity', failed)).toEqual([
      {
        type: 'patch',
        sourceId: '88412230',
        occurredAt: new Date(1732321592480),
        device: { externalId: '1043' },
        message: 'Installation of KB5046616 failed',
        patchId: 'KB5046616',
        status: 'failed',
      },
    ]);
    expect(normalize('activity', started)).toEqual([]);
  });

  it('uses the device a webhook delivery inlines', () => {
    const [event] = normalize('activity', webhookFixture);
    expect(event).toMatchObject({
      type: 'patch',
      client: { externalId: '12' },
      device: { externalId: '1043', hostname: 'DC01', fqdn: 'dc01.contoso.local' },
    });
  });

  it.each([
    [
      'a reboot',
      { statusCode: 'SYSTEM_REBOOTED', activityType: 'SYSTEM' },
      { type: 'reboot', device: { externalId: '1043' } },
    ],
    [
      'a stopped service',
      { statusCode: 'WINDOWS_SERVICE_STOPPED', subject: 'MSSQLSERVER', severity: 'MAJOR' },
      { type: 'health', kind: 'service.down', subject: 'MSSQLSERVER', severity: 'important' },
    ],
    [
      'a started service',
      { statusCode: 'WINDOWS_SERVICE_STARTED', subject: 'MSSQLSERVER' },
      { type: 'health', kind: 'service.up', subject: 'MSSQLSERVER' },
    ],
    [
      'a triggered condition',
      {
        activityType: 'CONDITION',
        statusCode: 'TRIGGERED',
        sourceName: 'SQL service stopped',
        severity: 'CRITICAL',
        seriesUid: '9b2d7e41-0c3a-4f18-a6e5-1d8c2b7f4e90',
      },
      {
        type: 'health',
        kind: 'check.failed',
        subject: 'SQL service stopped',
        severity: 'critical',
        problemId: '9b2d7e41-0c3a-4f18-a6e5-1d8c2b7f4e90',
      },
    ],
    [
      'a reset condition',
      { activityType: 'CONDITION', statusCode: 'RESET', sourceName: 'SQL service stopped' },
      { type: 'health', kind: 'check.ok', subject: 'SQL service stopped' },
    ],
    [
      'a completed patch rollback',
      { statusCode: 'PATCH_MANAGEMENT_ROLLBACK_PATCH_COMPLETED' },
      { type: 'patch', status: 'rolled_back', patchId: 'KB5046616' },
    ],
  ])('maps %s activity', (_name, over, expected) => {
    const events = normalize('activity', activity(over));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      ...expected,
      sourceId: '88412230',
      occurredAt: new Date(1732321592480),
    });
  });

  it('yields nothing for a patch activity that names no patch', () => {
    const vague = activity({ subject: '', message: 'Patch installed' });
    expect(normalize('activity', { ...vague, statusCode: 'PATCH_MANAGEMENT_INSTALLED' })).toEqual(
      [],
    );
  });

  it.each([
    [
      'an organization without a name',
      'organization',
      organization({ name: '' }),
      'organization 12: name must be a non-empty string, got string',
    ],
    [
      'a device with a text id',
      'device',
      device({ id: '1042' }),
      'device: id must be an integer, got string',
    ],
    [
      'a device without an organization',
      'device',
      device({ organizationId: null }),
      'device 1042: organizationId must be an integer, got null',
    ],
    [
      'a device with a text offline flag',
      'device',
      device({ offline: 'no' }),
      'device 1042: offline must be a boolean, got string',
    ],
    [
      'a device with numeric IP addresses',
      'device',
      device({ ipAddresses: [1] }),
      'device 1042: ipAddresses must be an array of strings, got array',
    ],
    [
      'a pending patch without a device',
      'os-patch',
      pendingPatch({ deviceId: null }),
      'os patch 5f0d8a4e-2b7c-4c1d-9a8e-0c1f6e2b7a31: deviceId must be an integer, got null',
    ],
    [
      'an install with a negative time',
      'os-patch-install',
      install({ installedAt: -1 }),
      'installedAt must be epoch seconds, got number',
    ],
    [
      'an activity without a status code',
      'activity',
      activity({ statusCode: undefined }),
      'activity 88412230: statusCode must be a non-empty string, got undefined',
    ],
    [
      'an activity that is an array',
      'activity',
      [activity()],
      'ninjaone activity: expected an object, got array',
    ],
  ])('refuses %s, naming the field', (_name, type, payload, message) => {
    let thrown: unknown;
    try {
      normalize(type, payload);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConnectorError);
    expect(thrown).toMatchObject({ reason: 'invalid', message: expect.stringContaining(message) });
  });

  it('refuses a record type it never produced', () => {
    expect(() => normalize('ticket', {})).toThrow("ninjaone: unknown record type 'ticket'");
  });
});
