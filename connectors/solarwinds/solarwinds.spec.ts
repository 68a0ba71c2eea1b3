import nock from 'nock';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { InboundRequest, Page, RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { makeContext, runContractSuite, type ContractFixture } from '../contract/contract.suite';
import { parseSettings, SettingsError } from '../contract/settings';
import { createHttp } from '../shared/http';
import { solarwindsConnector } from './index';
import { tlsAgent } from './solarwinds.client';
import { SolarWindsSettings } from './solarwinds.settings';
import { parseSwisDate } from './solarwinds.time';

const HOST = 'orion01.corp.example';
const BASE = `https://${HOST}:17774`;
const SWIS = '/SolarWinds/InformationService/v3/Json';
const USER = 'CORP\\svc-switchboard';
const PASSWORD = 's3cr3t-Pa55word';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const SECRET = 'whsec-solarwinds-0123456789';
const NOW = new Date('2026-11-24T02:30:00Z');
const MARKER = 'SB-0123456789ab';

// ---------------------------------------------------------------- the SWQL we must send
// Written out here, not imported, so a change to a query in the connector fails these tests.

const CHECK_NODES = 'SELECT TOP 1 n.NodeID FROM Orion.Nodes n';
const CHECK_ALERTS = 'SELECT TOP 1 aa.AlertActiveID FROM Orion.AlertActive aa';
const nodesPage = (property: string | undefined) =>
  'SELECT n.NodeID, n.Caption, n.IPAddress, n.DNS, n.SysName, n.Vendor, n.MachineType, n.Status, ' +
  'n.StatusDescription, n.LastBoot, n.UnManaged, n.DetailsUrl, n.Uri' +
  (property ? `, n.CustomProperties.${property} AS ClientName` : '') +
  ' FROM Orion.Nodes n WHERE n.NodeID > @after ORDER BY n.NodeID WITH ROWS 1 TO @rows';
const NODE_GROUPS =
  'SELECT cm.MemberPrimaryID, cm.ContainerID, c.Name AS GroupName FROM Orion.ContainerMembers cm ' +
  'INNER JOIN Orion.Container c ON cm.ContainerID = c.ContainerID WHERE cm.MemberEntityType = ' +
  '@entityType AND cm.MemberPrimaryID IN @ids ORDER BY cm.ContainerID';
const NODE_STATUS_PAGE =
  'SELECT n.NodeID, n.Caption, n.DNS, n.IPAddress, n.Status, n.StatusDescription, n.UnManaged ' +
  'FROM Orion.Nodes n WHERE n.NodeID > @after ORDER BY n.NodeID WITH ROWS 1 TO @rows';
const COMPONENTS =
  'SELECT c.ComponentID, c.Name, c.Status, c.StatusDescription, c.Disabled, c.UnManaged, ' +
  'c.CurrentStatus.TimeStamp AS LastPoll, c.CurrentStatus.LastTimeUp, c.CurrentStatus.ErrorMessage, ' +
  'a.ApplicationID, a.Name AS ApplicationName, a.NodeID, a.Node.Caption AS NodeCaption, ' +
  'c.ComponentDefinition.Name AS MonitorType FROM Orion.APM.Component c INNER JOIN ' +
  'Orion.APM.Application a ON c.ApplicationID = a.ApplicationID WHERE c.ComponentDefinition.Name LIKE @kind ';
const SERVICE_COMPONENTS_PAGE =
  COMPONENTS + 'AND c.ComponentID > @after ORDER BY c.ComponentID WITH ROWS 1 TO @rows';
const SERVICE_COMPONENTS_OF_NODE = COMPONENTS + 'AND a.NodeID = @nodeId ORDER BY c.ComponentID';
const LAST_HISTORY_ID =
  'SELECT TOP 1 ah.AlertHistoryID FROM Orion.AlertHistory ah ORDER BY ah.AlertHistoryID DESC';
const ACTIVE_ALERTS_PAGE =
  'SELECT aa.AlertActiveID, aa.AlertObjectID, aa.TriggeredDateTime, aa.TriggeredMessage, ' +
  'aa.Acknowledged, aa.AcknowledgedBy, aa.AcknowledgedDateTime, aa.NumberOfNotes, ao.AlertID, ' +
  'ao.EntityUri, ao.EntityType, ao.EntityCaption, ao.EntityDetailsUrl, ao.RelatedNodeId, ' +
  'ao.RelatedNodeCaption, ac.Name AS AlertName, ac.Severity, ac.ObjectType FROM Orion.AlertActive aa ' +
  'INNER JOIN Orion.AlertObjects ao ON aa.AlertObjectID = ao.AlertObjectID INNER JOIN ' +
  'Orion.AlertConfigurations ac ON ao.AlertID = ac.AlertID WHERE aa.AlertActiveID > @after ' +
  'ORDER BY aa.AlertActiveID WITH ROWS 1 TO @rows';
const ALERT_HISTORY_PAGE =
  'SELECT ah.AlertHistoryID, ah.EventType, ah.Message, ah.TimeStamp, ah.AlertActiveID, ' +
  'ah.AlertObjectID, ao.AlertID, ao.EntityType, ao.EntityCaption, ao.RelatedNodeId, ' +
  'ao.RelatedNodeCaption, ac.Name AS AlertName, ac.Severity FROM Orion.AlertHistory ah INNER JOIN ' +
  'Orion.AlertObjects ao ON ah.AlertObjectID = ao.AlertObjectID INNER JOIN Orion.AlertConfigurations ' +
  'ac ON ao.AlertID = ac.AlertID WHERE ah.AlertHistoryID > @after AND ah.EventType IN @types ' +
  'ORDER BY ah.AlertHistoryID WITH ROWS 1 TO @rows';
const NOTES_WITH_MARKER =
  'SELECT ah.AlertHistoryID, ah.Message FROM Orion.AlertHistory ah WHERE ah.AlertObjectID = ' +
  '@alertObjectId AND ah.EventType IN @types AND ah.Message LIKE @marker';
const ACTIVE_STATE =
  'SELECT aa.AlertActiveID, aa.Acknowledged FROM Orion.AlertActive aa WHERE aa.AlertObjectID = @alertObjectId';

// ---------------------------------------------------------------- fixtures and builders

function text(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}
function load<T = unknown>(name: string): T {
  return JSON.parse(text(name)) as T;
}
type Row = Record<string, unknown>;
const rows = (name: string): Row[] => load<{ results: Row[] }>(name).results;
const results = (list: unknown[]) => ({ results: list });

const NODES = rows('query.nodes.json');
const STATUS = rows('query.node-status.json');
const COMPONENT_ROWS = rows('query.components.json');
const ACTIVE = rows('query.active-alerts.json');
const HISTORY = rows('query.alert-history.json');

/** A reset history row for an active alert of the fixture. */
function resetOf(active: Row, historyId: number): Row {
  const keys = ['AlertActiveID', 'AlertObjectID', 'AlertID', 'EntityType', 'EntityCaption'];
  const picked = Object.fromEntries(keys.map((k) => [k, active[k]]));
  return {
    AlertHistoryID: historyId,
    EventType: 1,
    Message: 'Alert reset',
    TimeStamp: '2026-11-24T06:30:00.0000000Z',
    ...picked,
    RelatedNodeId: active.RelatedNodeId,
    RelatedNodeCaption: active.RelatedNodeCaption,
    AlertName: active.AlertName,
    Severity: active.Severity,
  };
}

const webhookBody = (name: 'trigger' | 'reset', changes: Record<string, unknown> = {}) => ({
  ...load<Row>(`webhook.${name}.json`),
  ...changes,
});

function request(
  body: unknown,
  headers: Record<string, string> = { 'x-switchboard-token': SECRET },
  query: Record<string, string> = {},
): InboundRequest {
  const all = { 'content-type': 'application/json', ...headers };
  return { headers: all, query, rawBody: Buffer.from(JSON.stringify(body)), body };
}

const settings = { host: HOST, username: USER, password: PASSWORD };

function connector(changes: Record<string, unknown> = {}, extra: Partial<typeof fixture> = {}) {
  return solarwindsConnector.create(
    makeContext({ ...fixture, ...extra, validSettings: { ...settings, ...changes } }),
  );
}

// ---------------------------------------------------------------- nock replays

/**
 * One POST Query, pinning the path, Basic auth, JSON content type, the SWQL text and its
 * parameters exactly: a wrong request finds no interceptor and fails the test.
 */
function swql(
  query: string,
  parameters: Record<string, unknown>,
  reply: unknown,
  status = 200,
  headers: Record<string, string> = {},
) {
  return nock(BASE)
    .post(`${SWIS}/Query`, (body: Row) => isDeepStrictEqual(body, { query, parameters }))
    .matchHeader('authorization', BASIC)
    .matchHeader('content-type', 'application/json')
    .reply(status, typeof reply === 'string' ? reply : JSON.stringify(reply), {
      'Content-Type': 'application/json',
      ...headers,
    });
}

/** One POST Invoke/Orion.AlertActive/<verb> with its positional argument array. */
function invoke(verb: string, args: unknown[], reply: string, status = 200) {
  return nock(BASE)
    .post(`${SWIS}/Invoke/Orion.AlertActive/${verb}`, (body: unknown) =>
      isDeepStrictEqual(body, args),
    )
    .matchHeader('authorization', BASIC)
    .matchHeader('content-type', 'application/json')
    .reply(status, reply, { 'Content-Type': 'application/json' });
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

async function walk(pull: (cursor: string | null) => Promise<Page>, from: string | null) {
  const records: RawRecord[] = [];
  let cursor = from;
  for (let i = 0; i < 30; i++) {
    const page = await pull(cursor);
    records.push(...page.records);
    cursor = page.cursor ?? cursor;
    if (!page.more) return { records, cursor };
  }
  throw new Error('the pull never stopped');
}

const nodesQuery = nodesPage('Client');
const kind = '%Windows Service%';

/** pullDevices with pageSize 1: node 112, node 113, then an empty page. */
function arrangeDeviceWalk() {
  swql(nodesQuery, { after: 0, rows: 1 }, results([NODES[0]]));
  swql(nodesQuery, { after: 112, rows: 1 }, results([NODES[1]]));
  swql(nodesQuery, { after: 113, rows: 1 }, results([]));
}

/** The first health walk with pageSize 2: every phase, each over two pages. */
function arrangeHealthWalk() {
  swql(LAST_HISTORY_ID, {}, load('query.last-history-id.json'));
  swql(ACTIVE_ALERTS_PAGE, { after: 0, rows: 2 }, results(ACTIVE.slice(0, 2)));
  swql(ACTIVE_ALERTS_PAGE, { after: 90420, rows: 2 }, results(ACTIVE.slice(2)));
  const history = [resetOf(ACTIVE[0], 700108), resetOf(ACTIVE[1], 700109)];
  swql(ALERT_HISTORY_PAGE, { after: 700100, types: [0, 1], rows: 2 }, results(history));
  swql(ALERT_HISTORY_PAGE, { after: 700109, types: [0, 1], rows: 2 }, results([]));
  swql(NODE_STATUS_PAGE, { after: 0, rows: 2 }, results(STATUS));
  swql(NODE_STATUS_PAGE, { after: 113, rows: 2 }, results([]));
  swql(SERVICE_COMPONENTS_PAGE, { kind, after: 0, rows: 2 }, results(COMPONENT_ROWS));
  swql(SERVICE_COMPONENTS_PAGE, { kind, after: 4411, rows: 2 }, results([]));
}

const HEALTH_WALK_KEYS = [
  'alert:90417:trigger',
  'alert:90420:trigger',
  'alert:90421:trigger',
  'alert:90417:reset',
  'alert:90420:reset',
  'node-status:113:1:down',
  'component-status:4410:1:down',
];

// ---------------------------------------------------------------- contract

const fixture: ContractFixture<SolarWindsSettings> = {
  definition: solarwindsConnector,
  validSettings: settings,
  requiredFields: ['host', 'username', 'password'],
  webhookSecret: SECRET,
  webhook: {
    valid: () => request(webhookBody('trigger')),
    badSignature: () => request(webhookBody('trigger'), { 'x-switchboard-token': 'wrong' }),
  },
  failingCall: {
    arrange: (status, headers, body) =>
      swql(nodesQuery, { after: 0, rows: 500 }, body, status, headers),
    act: (c) => c.pullDevices!(null),
  },
  pulls: {
    devices: {
      arrange: arrangeDeviceWalk,
      keys: [
        expect.stringMatching(/^node:112:[0-9a-f]{16}$/),
        expect.stringMatching(/^node:113:[0-9a-f]{16}$/),
      ],
      settings: { ...settings, pageSize: 1 },
    },
    health: {
      arrange: arrangeHealthWalk,
      keys: HEALTH_WALK_KEYS,
      settings: { ...settings, pageSize: 2 },
    },
  },
};

runContractSuite(fixture);

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

// ---------------------------------------------------------------- settings

describe('solarwinds settings', () => {
  const parse = (plain: Record<string, unknown>) =>
    parseSettings(solarwindsConnector.settings, plain);
  const problems = (plain: Record<string, unknown>) => {
    try {
      parse(plain);
    } catch (err) {
      expect(err).toBeInstanceOf(SettingsError);
      return (err as Error).message;
    }
    throw new Error('settings were accepted');
  };

  it('has the documented defaults: port 17774, verified TLS, client from the "Client" property', () => {
    expect(parse(settings)).toMatchObject({
      port: 17774,
      allowSelfSignedCertificate: false,
      clientSource: 'customProperty',
      clientProperty: 'Client',
      serviceMonitorPattern: '%Windows Service%',
      acknowledgeOnNote: false,
      pageSize: 500,
    });
  });

  it('refuses a URL as host, and a custom property name that could change the SWQL', () => {
    expect(problems({ ...settings, host: 'https://orion01/' })).toContain('settings.host');
    expect(problems({ ...settings, clientProperty: 'Client FROM Orion.Nodes --' })).toContain(
      'settings.clientProperty',
    );
    expect(problems({ ...settings, clientGroupPattern: '(' })).toContain(
      'settings.clientGroupPattern',
    );
    expect(problems({ ...settings, caCertificate: 'not a pem' })).toContain(
      'settings.caCertificate',
    );
  });

  it('accepts the legacy port and an IP address', () => {
    expect(parse({ ...settings, host: '10.20.0.5', port: 17778 }).port).toBe(17778);
  });
});

// ---------------------------------------------------------------- transport

describe('solarwinds SWIS transport', () => {
  it('posts SWQL to /Query on port 17774 with Basic auth, and probes each capability', async () => {
    swql(CHECK_NODES, {}, results([{ NodeID: 1 }]));
    swql(CHECK_ALERTS, {}, results([]));
    await expect(connector().check()).resolves.toEqual({
      devices: { status: 'ok' },
      health: { status: 'ok' },
      services: { status: 'ok' },
      'alerts.note': { status: 'ok', detail: expect.stringContaining('clearEvents') },
      webhooks: { status: 'ok' },
    });
    expect(nock.isDone()).toBe(true);
  });

  it('reports a refused account as denied and a missing webhook secret as error', async () => {
    swql(CHECK_NODES, {}, load('error.swql.json'), 403);
    swql(CHECK_ALERTS, {}, load('error.swql.json'), 403);
    const report = await connector({}, { webhookSecret: undefined }).check();
    expect(report.devices?.status).toBe('denied');
    expect(report.webhooks).toEqual({ status: 'error', detail: expect.any(String) });
    expect(nock.isDone()).toBe(true);
  });

  it('uses verified TLS by default and a per-request agent only when the settings say so', async () => {
    const seen: unknown[] = [];
    const run = async (changes: Record<string, unknown>) => {
      const ctx = makeContext({ ...fixture, validSettings: { ...settings, ...changes } });
      ctx.http.interceptors.request.use((config) => {
        seen.push(config.httpsAgent);
        return config;
      });
      swql(CHECK_NODES, {}, results([]));
      swql(CHECK_ALERTS, {}, results([]));
      await solarwindsConnector.create(ctx).check();
    };
    await run({});
    await run({ allowSelfSignedCertificate: true });
    expect(seen[0]).toBeUndefined();
    expect(seen[2]).toBeInstanceOf(Agent);
    expect((seen[2] as Agent).options.rejectUnauthorized).toBe(false);
    expect(nock.isDone()).toBe(true);
  });

  it('trusts a given CA for this instance only, keeping verification on', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const agent = tlsAgent(parseSettings(SolarWindsSettings, { ...settings, caCertificate: pem }));
    expect(agent?.options.ca).toBe(pem);
    expect(agent?.options.rejectUnauthorized).toBeUndefined();
    expect(tlsAgent(parseSettings(SolarWindsSettings, settings))).toBeUndefined();
  });

  it('uses the configured legacy port', async () => {
    nock(`https://${HOST}:17778`)
      .post(`${SWIS}/Query`, { query: CHECK_NODES, parameters: {} })
      .matchHeader('authorization', BASIC)
      .reply(200, results([]));
    nock(`https://${HOST}:17778`)
      .post(`${SWIS}/Query`, { query: CHECK_ALERTS, parameters: {} })
      .reply(200, results([]));
    expect((await connector({ port: 17778 }).check()).devices).toEqual({ status: 'ok' });
    expect(nock.isDone()).toBe(true);
  });

  it('classifies a SWQL error (400) as invalid and names the SWIS message, not the body', async () => {
    swql(nodesQuery, { after: 0, rows: 500 }, load('error.swql.json'), 400);
    const err = await failure(connector().pullDevices!(null));
    expect(err).toMatchObject({ reason: 'invalid', retryable: false });
    expect(err.message).toContain('Cannot resolve property AlertID');
    expect(err.message).not.toContain('FullException');
    expect(err.message).not.toContain('SemanticChecker');
  });

  it('classifies a 401 with an HTML body as auth, and 403 as denied', async () => {
    swql(nodesQuery, { after: 0, rows: 500 }, text('error.unauthorized.html'), 401, {
      'Content-Type': 'text/html',
    });
    expect(await failure(connector().pullDevices!(null))).toMatchObject({
      reason: 'auth',
      retryable: false,
    });
    swql(nodesQuery, { after: 0, rows: 500 }, load('error.swql.json'), 403);
    expect(await failure(connector().pullDevices!(null))).toMatchObject({ reason: 'denied' });
  });

  it('classifies a verb failure (500) as unavailable and retryable, with the SWIS message', async () => {
    invoke('AppendNote', [[5531], 'n'], text('error.verb.json'), 500);
    const err = await failure(connector().pushAlertNote!({ id: '5531' }, 'n'));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toContain('cannot unpack parameter 0');
  });

  it('classifies a timeout as unavailable and retryable', async () => {
    nock(BASE).post(`${SWIS}/Query`).delay(500).reply(200, results([]));
    const ctx = makeContext({ ...fixture });
    const quick = solarwindsConnector.create({ ...ctx, http: createHttp({ timeoutMs: 50 }) });
    const err = await failure(quick.pullDevices!(null));
    expect(err).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(err.message).toContain('timed out');
  });

  it('refuses a 200 that is not JSON or has no results list', async () => {
    swql(nodesQuery, { after: 0, rows: 500 }, '<html>proxy</html>');
    expect(await failure(connector().pullDevices!(null))).toMatchObject({ reason: 'invalid' });
    swql(nodesQuery, { after: 0, rows: 500 }, { rows: [] });
    expect((await failure(connector().pullDevices!(null))).message).toContain('no results list');
  });
});

// ---------------------------------------------------------------- devices

describe('solarwinds nodes → devices', () => {
  it('maps nodes with the client from the custom property', async () => {
    swql(nodesQuery, { after: 0, rows: 500 }, load('query.nodes.json'));
    const c = connector();
    const page = await c.pullDevices!(null);
    expect(page).toMatchObject({ cursor: '0', more: false });
    expect(page.records.flatMap((r) => c.normalize(r))).toEqual([
      {
        type: 'device',
        sourceId: '112',
        client: { name: 'Acme Dental' },
        device: {
          externalId: '112',
          hostname: 'ACME-FS03',
          fqdn: 'acme-fs03.acme.local',
          ip: '10.20.4.31',
        },
        displayName: 'ACME-FS03',
        os: 'Windows 2019 Server',
        online: true,
        lastBootAt: new Date('2026-11-02T04:11:23.000Z'),
      },
      expect.objectContaining({
        client: undefined,
        device: { externalId: '113', hostname: 'ACME-CORE-SW1', fqdn: undefined, ip: '10.20.0.2' },
        online: false,
      }),
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('reads a differently named custom property, and none with clientSource "none"', async () => {
    swql(nodesPage('Customer'), { after: 0, rows: 500 }, results([]));
    await connector({ clientProperty: 'Customer' }).pullDevices!(null);
    swql(nodesPage(undefined), { after: 0, rows: 500 }, results([]));
    await connector({ clientSource: 'none' }).pullDevices!(null);
    expect(nock.isDone()).toBe(true);
  });

  it('takes the client from the first Orion group matching the pattern', async () => {
    const plain = NODES.map(({ ClientName: _drop, ...rest }) => rest);
    swql(nodesPage(undefined), { after: 0, rows: 500 }, results(plain));
    swql(
      NODE_GROUPS,
      { entityType: 'Orion.Nodes', ids: [112, 113] },
      load('query.node-groups.json'),
    );
    const c = connector({ clientSource: 'group', clientGroupPattern: '^Client - (?<client>.+)$' });
    const devices = (await c.pullDevices!(null)).records.flatMap((r) => c.normalize(r));
    expect(devices.map((d) => (d.type === 'device' ? d.client : null))).toEqual([
      { name: 'Acme Dental', externalId: '7' },
      { name: 'Acme Dental', externalId: '7' },
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('refuses rows of the wrong shape and an unreadable cursor', async () => {
    swql(nodesQuery, { after: 0, rows: 500 }, results([{ NodeID: 'x' }]));
    expect((await failure(connector().pullDevices!(null))).message).toContain('row 1');
    expect(await failure(connector().pullDevices!('abc'))).toMatchObject({ reason: 'invalid' });
  });
});

// ---------------------------------------------------------------- health

describe('solarwinds health pull', () => {
  it('turns the first walk into canonical events: alerts, node and service status', async () => {
    arrangeHealthWalk();
    const c = connector({ pageSize: 2 });
    const { records } = await walk((cur) => c.pullHealth!(cur), null);
    const events = records.flatMap((r) => c.normalize(r));
    expect(events).toEqual([
      {
        type: 'health',
        sourceId: '90417',
        occurredAt: new Date('2026-11-24T06:05:40.127Z'),
        device: { externalId: '112', hostname: 'ACME-FS03' },
        kind: 'service.down',
        subject: 'Print Spooler',
        severity: 'critical',
        problemId: '5531',
        message: 'Print Spooler on ACME-FS03 is down',
      },
      expect.objectContaining({ kind: 'device.down', problemId: '5540', sourceId: '90420' }),
      // 90421 is cumulative ("38 interfaces"): no node, no event.
      expect.objectContaining({
        kind: 'service.up',
        problemId: '5531',
        severity: undefined,
        occurredAt: new Date('2026-11-24T06:30:00Z'),
      }),
      expect.objectContaining({ kind: 'device.up', problemId: '5540' }),
      {
        type: 'health',
        occurredAt: NOW,
        device: { externalId: '113', hostname: 'ACME-CORE-SW1', fqdn: undefined, ip: '10.20.0.2' },
        kind: 'device.down',
        severity: 'critical',
        message: 'Node status is Down.',
      },
      {
        type: 'health',
        occurredAt: new Date('2026-11-24T06:05:10Z'),
        device: { externalId: '112', hostname: 'ACME-FS03' },
        kind: 'service.down',
        subject: 'Print Spooler',
        severity: 'critical',
        message: 'Service is stopped',
      },
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('maps history triggers and resets of the recorded fixture (a recovery resolves)', () => {
    const c = connector();
    const events = HISTORY.flatMap((h, i) =>
      c.normalize({ type: 'alert-history', dedupeKey: `k${i}`, payload: h }),
    );
    expect(events.map((e) => (e.type === 'health' ? [e.kind, e.problemId] : []))).toEqual([
      ['service.down', '5531'],
      ['device.down', '5540'],
      ['service.up', '5531'],
    ]);
  });

  /** The second walk, after the first one's cursor: history, nodes and components again. */
  async function nextWalk(from: string, node113: number, component4410: number) {
    swql(ALERT_HISTORY_PAGE, { after: 700109, types: [0, 1], rows: 2 }, results([]));
    swql(NODE_STATUS_PAGE, { after: 0, rows: 2 }, results([{ ...STATUS[1], Status: node113 }]));
    swql(
      SERVICE_COMPONENTS_PAGE,
      { kind, after: 0, rows: 2 },
      results([{ ...COMPONENT_ROWS[0], Status: component4410 }]),
    );
    return walk((cur) => connector({ pageSize: 2 }).pullHealth!(cur), from);
  }

  it('reports each later transition once, numbered, and forgets deleted objects', async () => {
    arrangeHealthWalk();
    const first = await walk((cur) => connector({ pageSize: 2 }).pullHealth!(cur), null);
    const up = await nextWalk(first.cursor!, 1, 1);
    expect(up.records.map((r) => r.dedupeKey)).toEqual([
      'node-status:113:2:up',
      'component-status:4410:2:up',
    ]);
    const same = await nextWalk(up.cursor!, 1, 1);
    expect(same.records).toEqual([]);
    const again = await nextWalk(same.cursor!, 2, 3);
    // Node down again is a new fact; Warning (3) is neither down nor up.
    expect(again.records.map((r) => r.dedupeKey)).toEqual(['node-status:113:3:down']);
    // Node 112 and component 4411 were no longer listed: dropped from the cursor.
    expect(Object.keys(JSON.parse(again.cursor!).nodes)).toEqual(['113']);
    expect(Object.keys(JSON.parse(again.cursor!).components)).toEqual(['4410']);
    expect(nock.isDone()).toBe(true);
  });

  it('resumes after a crash from the last saved cursor with the same dedupe keys', async () => {
    arrangeHealthWalk();
    const first = await walk((cur) => connector({ pageSize: 2 }).pullHealth!(cur), null);
    const saved = first.cursor!;
    await nextWalk(saved, 1, 1); // stored? The core crashed before saving this cursor.
    const replay = await nextWalk(saved, 1, 1);
    expect(replay.records.map((r) => r.dedupeKey)).toEqual([
      'node-status:113:2:up',
      'component-status:4410:2:up',
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('skips unmanaged nodes and disabled components, and refuses a corrupt cursor', async () => {
    swql(ALERT_HISTORY_PAGE, { after: 5, types: [0, 1], rows: 500 }, results([]));
    swql(NODE_STATUS_PAGE, { after: 0, rows: 500 }, results([{ ...STATUS[1], UnManaged: true }]));
    swql(
      SERVICE_COMPONENTS_PAGE,
      { kind, after: 0, rows: 500 },
      results([{ ...COMPONENT_ROWS[0], Disabled: true }]),
    );
    const cursor = JSON.stringify({
      v: 1,
      phase: 'history',
      after: 0,
      history: 5,
      walk: 1,
      nodes: {},
      components: {},
    });
    const { records } = await walk((cur) => connector().pullHealth!(cur), cursor);
    expect(records).toEqual([]);
    expect(await failure(connector().pullHealth!('{"v":2}'))).toMatchObject({ reason: 'invalid' });
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- webhook

describe('solarwinds alert action (webhook)', () => {
  it('gives a TRIGGER and a RESET the keys the poll gives the same occurrence', () => {
    const c = connector();
    const trigger = c.handleWebhook!(request(webhookBody('trigger')));
    const reset = c.handleWebhook!(
      request(webhookBody('reset'), {}, { token: SECRET }), // token in the URL instead
    );
    if (!trigger.ok || !reset.ok) throw new Error('rejected');
    expect(trigger.records.map((r) => r.dedupeKey)).toEqual(['alert:90417:trigger']);
    expect(reset.records.map((r) => r.dedupeKey)).toEqual(['alert:90417:reset']);
    expect(HEALTH_WALK_KEYS).toContain(trigger.records[0].dedupeKey);
    expect(HEALTH_WALK_KEYS).toContain(reset.records[0].dedupeKey);
  });

  it('normalizes a trigger to the same device and problem as the poll, and a reset to the up event', () => {
    const c = connector();
    const verdict = c.handleWebhook!(request(webhookBody('trigger')));
    const back = c.handleWebhook!(request(webhookBody('reset')));
    if (!verdict.ok || !back.ok) throw new Error('rejected');
    expect(c.normalize(verdict.records[0])).toEqual([
      {
        type: 'health',
        sourceId: '90417',
        // "11/24/2026 6:05 AM" is not an ISO date: the receipt time stands in.
        occurredAt: NOW,
        device: { externalId: '112', hostname: 'ACME-FS03' },
        kind: 'service.down',
        subject: 'Print Spooler',
        severity: 'critical',
        problemId: '5531',
        message: 'Print Spooler on ACME-FS03 is down',
      },
    ]);
    expect(c.normalize(back.records[0])).toEqual([
      expect.objectContaining({ kind: 'service.up', problemId: '5531', severity: undefined }),
    ]);
  });

  it('classifies a node alert by entity_type, falling back to the ObjectType text', () => {
    const c = connector();
    const node = { entity_type: 'Orion.Nodes', entity_caption: 'ACME-FS03', severity: '2' };
    const fallback = {
      entity_type: '${N=SWQL;M=SELECT TOP 1 EntityType FROM …}',
      object_type: 'Node',
    };
    for (const changes of [node, fallback]) {
      const v = c.handleWebhook!(request(webhookBody('trigger', changes)));
      if (!v.ok) throw new Error(v.message);
      expect(c.normalize(v.records[0])).toEqual([
        expect.objectContaining({ kind: 'device.down', severity: 'critical' }),
      ]);
      expect(c.normalize(v.records[0])[0]).not.toHaveProperty('subject');
    }
  });

  it('falls back to the ObjID of the acknowledge URL when the ids did not expand', () => {
    const body = webhookBody('trigger', {
      alert_object_id: '${N=Alerting;M=AlertObjectID}',
      alert_active_id: '${N=Alerting;M=AlertActiveID}',
    });
    const c = connector();
    const first = c.handleWebhook!(request(body));
    const second = c.handleWebhook!(request(body));
    if (!first.ok || !second.ok) throw new Error('rejected');
    expect(first.records[0].dedupeKey).toMatch(/^alert-object:5531:[0-9a-f]{24}:trigger$/);
    expect(second.records[0].dedupeKey).toBe(first.records[0].dedupeKey);
    expect(c.normalize(first.records[0])[0]).toMatchObject({ problemId: '5531' });
  });

  it('rejects a wrong token with 401 and a malformed body with 400 naming the field', () => {
    const c = connector();
    expect(c.handleWebhook!(request(webhookBody('trigger'), {}))).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(
      c.handleWebhook!(request(webhookBody('trigger', { event_type: 'ACK', node_id: 112 }))),
    ).toEqual({
      ok: false,
      status: 400,
      message: 'body.node_id: must be a string',
    });
    const v = c.handleWebhook!(
      request(webhookBody('trigger', { event_type: 'ACK', node_id: '', node_caption: '' })),
    );
    expect(v).toMatchObject({ ok: false, status: 400 });
    if (!v.ok) {
      expect(v.message).toContain('body.event_type');
      expect(v.message).toContain('body.node_id or body.node_caption');
    }
  });
});

// ---------------------------------------------------------------- write-back

describe('solarwinds pushAlertNote', () => {
  const note = 'ACME-FS03 is Offline. Trigger: Post-Patch Reboot (KB5034441).';
  const marked = `${note}\n[${MARKER}]`;
  const markerQuery = { alertObjectId: 5531, types: [2, 3], marker: `%${MARKER}%` };

  it('appends the note with its marker through AppendNote, positional arguments', async () => {
    swql(NOTES_WITH_MARKER, markerQuery, results([]));
    invoke('AppendNote', [[5531], marked], text('invoke.true.json'));
    await connector().pushAlertNote!({ id: '5531' }, note, { marker: MARKER });
    expect(nock.isDone()).toBe(true);
  });

  it('adds nothing when an earlier attempt already wrote the marker', async () => {
    swql(NOTES_WITH_MARKER, markerQuery, load('query.notes-with-marker.json'));
    await connector().pushAlertNote!({ id: '5531' }, note, { marker: MARKER });
    expect(nock.isDone()).toBe(true);
  });

  it('acknowledges an active, unacknowledged alert when acknowledgeOnNote is set', async () => {
    swql(NOTES_WITH_MARKER, markerQuery, results([]));
    invoke('AppendNote', [[5531], marked], 'true');
    swql(ACTIVE_STATE, { alertObjectId: 5531 }, load('query.active-state.json'));
    invoke('Acknowledge', [[5531], 'Acknowledged by Switchboard'], 'true');
    await connector({ acknowledgeOnNote: true }).pushAlertNote!({ id: '5531' }, note, {
      marker: MARKER,
    });
    expect(nock.isDone()).toBe(true);
  });

  it('does not acknowledge twice, nor an alert that has reset', async () => {
    invoke('AppendNote', [[5531], note], 'true', 200);
    swql(
      ACTIVE_STATE,
      { alertObjectId: 5531 },
      results([{ AlertActiveID: 1, Acknowledged: true }]),
    );
    await connector({ acknowledgeOnNote: true }).pushAlertNote!({ id: '5531' }, note);
    invoke('AppendNote', [[5531], note], 'true', 200);
    swql(ACTIVE_STATE, { alertObjectId: 5531 }, results([]));
    await connector({ acknowledgeOnNote: true }).pushAlertNote!({ id: '5531' }, note);
    expect(nock.isDone()).toBe(true);
  });

  it('fails without retry when Orion answers false, and refuses a non-numeric target', async () => {
    invoke('AppendNote', [[5531], note], text('invoke.false.json'));
    expect(await failure(connector().pushAlertNote!({ id: '5531' }, note))).toMatchObject({
      reason: 'not-found',
      retryable: false,
    });
    expect(await failure(connector().pushAlertNote!({ id: 'AAT:5531' }, note))).toMatchObject({
      reason: 'invalid',
    });
    expect(nock.isDone()).toBe(true);
  });

  it('clips a long note but keeps the marker on its last line', async () => {
    const long = 'x'.repeat(5000);
    swql(NOTES_WITH_MARKER, markerQuery, results([]));
    nock(BASE)
      .post(`${SWIS}/Invoke/Orion.AlertActive/AppendNote`, (body: [number[], string]) => {
        return body[1].length === 3500 && body[1].endsWith(`…\n[${MARKER}]`);
      })
      .reply(200, 'true');
    await connector().pushAlertNote!({ id: '5531' }, long, { marker: MARKER });
    expect(nock.isDone()).toBe(true);
  });
});

// ---------------------------------------------------------------- services and dates

describe('solarwinds services and dates', () => {
  it('lists the Windows service monitors of a node for verification', async () => {
    swql(SERVICE_COMPONENTS_OF_NODE, { kind, nodeId: 112 }, load('query.components.json'));
    await expect(connector().getServices!({ id: '112' })).resolves.toEqual([
      { name: 'Print Spooler', state: 'stopped' },
      { name: 'SQL Server (MSSQLSERVER)', state: 'running' },
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('reads SWIS dates with 7 fractional digits, with or without a zone', () => {
    expect(parseSwisDate('2026-11-24T06:05:40.1270000Z')).toEqual(
      new Date('2026-11-24T06:05:40.127Z'),
    );
    expect(parseSwisDate('2026-11-24T06:05:40')).toEqual(new Date('2026-11-24T06:05:40Z'));
    expect(parseSwisDate('2026-11-24T06:05:40+01:00')).toEqual(new Date('2026-11-24T05:05:40Z'));
    expect(parseSwisDate('11/24/2026 6:05 AM')).toBeUndefined();
  });
});
