import axios from 'axios';
import { Agent } from 'node:https';
import type { CanonicalEvent } from '../../contract/canonical';
import type { Connector, InboundRequest, Page, RawRecord } from '../../contract/connector';
import { ConnectorError } from '../../contract/connector-error';
import { parseSettings } from '../../contract/settings';
import { createHttp } from '../../shared/http';
import { listen, type RunningServer } from '../../shared/stand-in/http-kit';
import { solarwindsConnector } from '../index';
import { SolarWindsStandIn } from './solarwinds.stand-in';

/** The stand-in over real HTTPS, and the real connector driven through the 2 AM story. */

const SECRET = 'whsec-solarwinds-stand-in';
let orion: SolarWindsStandIn;
let fs03: number;
let sql: number;

beforeAll(async () => {
  orion = await SolarWindsStandIn.start();
  fs03 = orion.addNode({
    caption: 'ACME-FS03',
    ip: '10.20.4.31',
    dns: 'acme-fs03.acme.local',
    client: 'Acme Dental',
  });
  orion.addNode({ caption: 'ACME-CORE-SW1', ip: '10.20.0.2', client: 'Acme Dental' });
  sql = orion.addServiceMonitor(fs03, 'SQL Server (MSSQLSERVER)');
});

afterAll(async () => {
  await orion.stop();
});

function connect(settings: Record<string, unknown> = {}): Connector {
  const plain = {
    host: '127.0.0.1',
    port: orion.port,
    username: orion.username,
    password: orion.password,
    allowSelfSignedCertificate: true,
    ...settings,
  };
  return solarwindsConnector.create({
    instanceId: '00000000-0000-4000-8000-0000000000aa',
    settings: parseSettings(solarwindsConnector.settings, plain),
    http: createHttp({ timeoutMs: 5000 }),
    clock: () => new Date(),
    webhookSecret: SECRET,
  });
}

async function walk(pull: (c: string | null) => Promise<Page>, from: string | null) {
  const records: RawRecord[] = [];
  let cursor = from;
  for (let i = 0; i < 50; i++) {
    const page = await pull(cursor);
    records.push(...page.records);
    cursor = page.cursor ?? cursor;
    if (!page.more) return { records, cursor };
  }
  throw new Error('the pull never stopped');
}

const health = (c: Connector, records: RawRecord[]): CanonicalEvent[] =>
  records.flatMap((r) => c.normalize(r));

const trustAll = new Agent({ rejectUnauthorized: false });
const post = (path: string, body: unknown, auth = true) =>
  axios.post(`${orion.url}/${path}`, body, {
    httpsAgent: trustAll,
    auth: auth ? { username: orion.username, password: orion.password } : undefined,
    validateStatus: () => true,
  });

describe('SolarWinds stand-in (SWIS REST)', () => {
  it('refuses wrong credentials with 401 and answers SWQL errors with the SWIS error body', async () => {
    expect(
      (await post('Query', { query: 'SELECT TOP 1 n.NodeID FROM Orion.Nodes n' }, false)).status,
    ).toBe(401);
    const bad = await post('Query', { query: 'SELECT n.Nope FROM Orion.Nodes n', parameters: {} });
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({
      Message: 'Cannot resolve property Nope on entity Orion.Nodes',
      ExceptionType: expect.any(String),
    });
  });

  it('answers Query with results and pages WITH ROWS', async () => {
    const answer = await post('Query', {
      query:
        'SELECT n.NodeID, n.CustomProperties.Client AS ClientName FROM Orion.Nodes n WHERE n.NodeID > @after ORDER BY n.NodeID WITH ROWS 1 TO @rows',
      parameters: { after: 0, rows: 1 },
    });
    expect(answer.data).toEqual({ results: [{ NodeID: fs03, ClientName: 'Acme Dental' }] });
  });

  it('refuses verbs with named (not positional) arguments', async () => {
    const answer = await post('Invoke/Orion.AlertActive/AppendNote', {
      alertObjectIds: [1],
      note: 'x',
    });
    expect(answer.status).toBe(500);
  });

  it('is refused by the connector unless self-signed certificates are allowed', async () => {
    const strict = connect({ allowSelfSignedCertificate: false });
    await expect(strict.pullDevices!(null)).rejects.toMatchObject({ reason: 'unavailable' });
    await expect(strict.pullDevices!(null)).rejects.toBeInstanceOf(ConnectorError);
  });
});

describe('SolarWinds stand-in with the real solarwinds connector (the 2 AM story)', () => {
  let receiver: RunningServer;
  const received: InboundRequest[] = [];

  beforeAll(async () => {
    receiver = await listen((req) => {
      const body = JSON.parse(req.body.toString('utf8')) as unknown;
      received.push({
        headers: { 'content-type': String(req.headers['content-type']) },
        query: Object.fromEntries(req.query.entries()),
        rawBody: req.body,
        body,
      });
      return { status: 202 };
    });
    orion.useAlertAction({ url: `${receiver.url}/webhooks/x?token=${SECRET}` });
  });

  afterAll(async () => {
    await receiver.close();
  });

  it('reads nodes as devices with their client, and the monitored services', async () => {
    const c = connect();
    const { records } = await walk((cur) => c.pullDevices!(cur), null);
    expect(health(c, records)).toEqual([
      expect.objectContaining({
        client: { name: 'Acme Dental' },
        device: expect.objectContaining({ externalId: String(fs03), hostname: 'ACME-FS03' }),
        online: true,
      }),
      expect.objectContaining({ device: expect.objectContaining({ hostname: 'ACME-CORE-SW1' }) }),
    ]);
    await expect(c.getServices!({ id: String(fs03) })).resolves.toEqual([
      { name: 'SQL Server (MSSQLSERVER)', state: 'running' },
    ]);
  });

  it('sees the failed service by poll and by alert action with one dedupe key, notes it once, and resolves it', async () => {
    const c = connect({ pageSize: 2, acknowledgeOnNote: true });
    const first = await walk((cur) => c.pullHealth!(cur), null);
    expect(first.records).toEqual([]);

    const objectId = orion.setServiceDown(sql);
    const down = await walk((cur) => c.pullHealth!(cur), first.cursor);
    expect(down.records.map((r) => r.dedupeKey)).toEqual([
      expect.stringMatching(/^alert:\d+:trigger$/),
      `component-status:${sql}:1:down`,
    ]);
    expect(health(c, down.records)[0]).toMatchObject({
      kind: 'service.down',
      subject: 'SQL Server (MSSQLSERVER)',
      problemId: String(objectId),
      device: { externalId: String(fs03), hostname: 'ACME-FS03' },
      severity: 'critical',
    });

    // The alert action arrived too, with the key the poll used: the inbox keeps one.
    await orion.alertActionsSent();
    const verdict = c.handleWebhook!(received[received.length - 1]);
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.records[0].dedupeKey).toBe(down.records[0].dedupeKey);
    expect(health(c, verdict.records)[0]).toMatchObject({
      kind: 'service.down',
      problemId: String(objectId),
    });

    // The note goes on once per marker, and the alert is acknowledged.
    const note = 'ACME-FS03 is Offline. Trigger: Post-Patch Reboot (KB5034441).';
    await c.pushAlertNote!({ id: String(objectId) }, note, { marker: 'SB-00000000abcd' });
    await c.pushAlertNote!({ id: String(objectId) }, note, { marker: 'SB-00000000abcd' });
    expect(orion.notes(objectId)).toEqual([
      `${note}\n[SB-00000000abcd]`,
      'Acknowledged by Switchboard',
    ]);
    expect(orion.isAcknowledged(objectId)).toBe(true);

    orion.setServiceUp(sql);
    const up = await walk((cur) => c.pullHealth!(cur), down.cursor);
    expect(health(c, up.records)).toEqual([
      expect.objectContaining({ kind: 'service.up', problemId: String(objectId) }),
      expect.objectContaining({ kind: 'service.up', subject: 'SQL Server (MSSQLSERVER)' }),
    ]);
    await orion.alertActionsSent();
    const reset = c.handleWebhook!(received[received.length - 1]);
    if (!reset.ok) throw new Error(reset.message);
    expect(reset.records[0].dedupeKey).toBe(up.records[0].dedupeKey);
  });

  it('reports a node going down and up, by alert and by status', async () => {
    const c = connect();
    const start = await walk((cur) => c.pullHealth!(cur), null);
    orion.setNodeDown(fs03);
    const down = await walk((cur) => c.pullHealth!(cur), start.cursor);
    expect(health(c, down.records).map((e) => (e.type === 'health' ? e.kind : e.type))).toEqual([
      'device.down',
      'device.down',
    ]);
    orion.setNodeUp(fs03, new Date(), true);
    const up = await walk((cur) => c.pullHealth!(cur), down.cursor);
    expect(health(c, up.records).map((e) => (e.type === 'health' ? e.kind : e.type))).toEqual([
      'device.up',
      'device.up',
    ]);
    expect((await orion.alertActionsSent()).every((o) => o.status === 202)).toBe(true);
  });
});
