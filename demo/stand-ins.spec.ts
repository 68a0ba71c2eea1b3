import axios from 'axios';
import { connectwiseAutomateConnector } from '../connectors/connectwise-automate';
import { connectwiseManageConnector } from '../connectors/connectwise-manage';
import { ninjaoneConnector } from '../connectors/ninjaone';
import { solarwindsConnector } from '../connectors/solarwinds';
import { zabbixConnector } from '../connectors/zabbix';
import type { CanonicalEvent } from '../connectors/contract/canonical';
import type {
  Connector,
  ConnectorDefinition,
  Page,
  RawRecord,
} from '../connectors/contract/connector';
import { ConnectorError } from '../connectors/contract/connector-error';
import { parseSettings } from '../connectors/contract/settings';
import { createHttp } from '../connectors/shared/http';
import { ROLLBACK_SCRIPT_ID, startStandIns, type StandIns } from './stand-ins';

/**
 * The real connectors, created through their definitions exactly as the core does, against the
 * running stand-ins over real HTTP(S) on 127.0.0.1: proof that the demo exercises the same
 * code paths a customer's NinjaOne, Zabbix and ConnectWise would. (ConnectWise Automate's and
 * SolarWinds' stand-ins play the story with their connectors in their own specs; here, that
 * the demo's settings for them work.)
 */

let standIns: StandIns;

beforeAll(async () => {
  standIns = await startStandIns();
});

afterAll(async () => {
  await standIns.stop();
});

function connect<S extends object>(
  definition: ConnectorDefinition<S>,
  settings: object,
): Connector {
  const http = createHttp();
  // The core's createHttp() knows nothing of the stand-ins' self-signed certificate.
  http.defaults.httpsAgent = standIns.httpsAgent;
  return definition.create({
    instanceId: `demo-${definition.kind}`,
    settings: parseSettings(definition.settings, settings),
    http,
    clock: () => new Date(),
    webhookSecret: 'x',
  });
}

/** Calls a pull until it has nothing more for now (a null cursor keeps the previous one). */
async function walk(
  pull: (cursor: string | null) => Promise<Page>,
  from: string | null = null,
): Promise<{ records: RawRecord[]; cursor: string | null }> {
  const records: RawRecord[] = [];
  let cursor = from;
  for (let i = 0; i < 50; i++) {
    const page = await pull(cursor);
    records.push(...page.records);
    cursor = page.cursor ?? cursor;
    if (!page.more) return { records, cursor };
  }
  throw new Error('the pull never finished');
}

function normalized(connector: Connector, records: RawRecord[]): CanonicalEvent[] {
  return records.flatMap((r) => connector.normalize(r));
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err.reason;
    throw err;
  }
  throw new Error('expected a ConnectorError');
}

const minutesAgo = (m: number): Date => new Date(Date.now() - m * 60_000);

describe('NinjaOne stand-in with the real ninjaone connector', () => {
  let organizationId: number;
  let deviceId: number;
  let ninja: Connector;

  beforeAll(() => {
    const rmm = standIns.ninjaone;
    organizationId = rmm.addOrganization('Acme Dental');
    deviceId = rmm.addDevice({
      organizationId,
      systemName: 'SERVER-01',
      dnsName: 'server-01.acme.local',
      ip: '10.0.0.5',
      serial: 'CZ1234X9',
    });
    rmm.setServiceState(deviceId, 'MSSQLSERVER', 'running');
    const title = '2024-01 Security Update for Windows Server 2022 (KB5034441)';
    rmm.installPatch(deviceId, 'KB5034441', title, minutesAgo(30));
    rmm.reboot(deviceId, minutesAgo(27));
    rmm.setServiceState(deviceId, 'MSSQLSERVER', 'stopped');
    ninja = connect(ninjaoneConnector, standIns.settings.ninjaone);
  });

  it('pullDevices yields the organization as a client and the device', async () => {
    const events = normalized(ninja, (await walk((c) => ninja.pullDevices!(c))).records);
    expect(events).toContainEqual({
      type: 'client',
      client: { externalId: String(organizationId), name: 'Acme Dental' },
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'device',
        client: { externalId: String(organizationId) },
        device: {
          externalId: String(deviceId),
          hostname: 'SERVER-01',
          fqdn: 'server-01.acme.local',
          ip: '10.0.0.5',
          serial: 'CZ1234X9',
        },
        online: true,
      }),
    );
  });

  it('pullPatches yields the KB install as installed', async () => {
    const events = normalized(ninja, (await walk((c) => ninja.pullPatches!(c))).records);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'patch',
        device: { externalId: String(deviceId) },
        patchId: 'KB5034441',
        status: 'installed',
        severity: 'critical',
      }),
    );
  });

  it('pullHealth yields the reboot and the install activity', async () => {
    const events = normalized(ninja, (await walk((c) => ninja.pullHealth!(c))).records);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'reboot', device: { externalId: String(deviceId) } }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'patch', patchId: 'KB5034441', status: 'installed' }),
    );
  });

  it('getServices reports MSSQLSERVER stopped after setServiceState', async () => {
    const services = await ninja.getServices!({ id: String(deviceId) });
    expect(services).toContainEqual({
      name: 'MSSQLSERVER',
      displayName: 'SQL Server (MSSQLSERVER)',
      state: 'stopped',
      startType: 'auto',
    });
  });

  it('runRollback posts the library script with the KB digits, with a user-context token', async () => {
    const job = await ninja.runRollback!({ id: String(deviceId) }, 'KB5034441');
    expect(job.status).toBe('queued');
    expect(standIns.ninjaone.scriptRuns()).toContainEqual(
      expect.objectContaining({
        deviceId,
        body: {
          type: 'SCRIPT',
          id: ROLLBACK_SCRIPT_ID,
          parameters: '-KB 5034441',
          runAs: 'system',
        },
      }),
    );
  });

  it('check() finds every capability working', async () => {
    const report = await ninja.check();
    expect(Object.values(report).map((r) => r?.status)).toEqual(
      Object.values(report).map(() => 'ok'),
    );
  });

  it('refuses a wrong secret, and script runs with a client-credentials token', async () => {
    const wrong = { ...standIns.settings.ninjaone, clientSecret: 'wrong' };
    expect(await reasonOf(connect(ninjaoneConnector, wrong).pullDevices!(null))).toBe('auth');
    const http = axios.create({ baseURL: standIns.urls.ninjaone, httpsAgent: standIns.httpsAgent });
    const { app } = standIns.ninjaone;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: 'monitoring management',
    });
    const token = await http.post<{ access_token: string }>('/ws/oauth/token', form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const run = await http.post(
      `/v2/device/${deviceId}/script/run`,
      { type: 'SCRIPT', id: ROLLBACK_SCRIPT_ID },
      {
        headers: { Authorization: `Bearer ${token.data.access_token}` },
        validateStatus: () => true,
      },
    );
    expect([run.status, run.data]).toEqual([
      403,
      expect.objectContaining({ error: 'user_context_required' }),
    ]);
  });
});

describe('Zabbix stand-in with the real zabbix connector', () => {
  let groupid: string;
  let hostid: string;
  let problemId: string;
  let zabbix: Connector;
  let healthCursor: string | null = null;

  beforeAll(() => {
    const monitoring = standIns.zabbix;
    groupid = monitoring.addHostGroup('Customers/Acme Dental');
    hostid = monitoring.addHost('server-01', ['Customers/Acme Dental'], '10.0.0.5', {
      name: 'Server-01',
    });
    problemId = monitoring.raiseProblem(
      hostid,
      'MSSQLSERVER is not running on Server-01',
      { service: 'MSSQLSERVER' },
      minutesAgo(20),
    );
    zabbix = connect(zabbixConnector, standIns.settings.zabbix);
  });

  it('pullDevices yields the host group as a client and the host as a device', async () => {
    const events = normalized(zabbix, (await walk((c) => zabbix.pullDevices!(c))).records);
    expect(events.filter((e) => e.type === 'client')).toEqual([
      { type: 'client', client: { name: 'Acme Dental', externalId: groupid } },
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'device',
        client: { name: 'Acme Dental', externalId: groupid },
        device: expect.objectContaining({
          externalId: hostid,
          hostname: 'server-01',
          ip: '10.0.0.5',
        }),
        displayName: 'Server-01',
        online: true,
      }),
    );
  });

  it('pullHealth yields service.down for MSSQLSERVER with the problem id', async () => {
    const pulled = await walk((c) => zabbix.pullHealth!(c));
    healthCursor = pulled.cursor;
    expect(normalized(zabbix, pulled.records)).toEqual([
      expect.objectContaining({
        type: 'health',
        kind: 'service.down',
        subject: 'MSSQLSERVER',
        problemId,
        severity: 'important',
        device: { externalId: hostid, hostname: 'server-01' },
      }),
    ]);
  });

  it('pushAlertNote lands on the problem as an acknowledgement message', async () => {
    const note = 'Server-01 is Offline. Trigger: Post-Patch Reboot (KB5034441).';
    await zabbix.pushAlertNote!({ id: problemId }, note);
    expect(standIns.zabbix.acknowledgements(problemId)).toEqual([note]);
  });

  it('after resolveProblem, the next pullHealth yields service.up for the same problem', async () => {
    standIns.zabbix.resolveProblem(problemId, minutesAgo(1));
    const pulled = await walk((c) => zabbix.pullHealth!(c), healthCursor);
    expect(normalized(zabbix, pulled.records)).toEqual([
      expect.objectContaining({ kind: 'service.up', subject: 'MSSQLSERVER', problemId }),
    ]);
  });

  it('accepts a session login, and answers a bad token with an auth error', async () => {
    const { url } = standIns.settings.zabbix;
    const session = connect(zabbixConnector, {
      url,
      username: standIns.zabbix.username,
      password: standIns.zabbix.password,
    });
    await expect(session.pullDevices!(null)).resolves.toMatchObject({ more: false });
    const bad = connect(zabbixConnector, { url, apiToken: 'f'.repeat(64) });
    expect(await reasonOf(bad.pullDevices!(null))).toBe('auth');
  });

  it('check() finds every capability working', async () => {
    const report = await zabbix.check();
    expect(Object.values(report).every((r) => r?.status === 'ok')).toBe(true);
  });
});

describe('ConnectWise Manage stand-in with the real connectwise-manage connector', () => {
  let companyId: number;
  let configurationId: number;
  let psa: Connector;
  const draft = {
    correlationKey: 'inc-42',
    summary: 'Server-01 offline after KB5034441',
    description: 'KB5034441 installed at 02:00, reboot at 02:04, MSSQLSERVER failed to start.',
    priority: 'high' as const,
    client: { name: 'Acme Dental' },
    device: { name: 'SERVER-01' },
  };

  beforeAll(() => {
    const cw = standIns.connectwiseManage;
    companyId = cw.addCompany('ACME', 'Acme Dental');
    configurationId = cw.addConfiguration('ACME', 'SERVER-01', {
      deviceIdentifier: 'ninja-1041',
      ipAddress: '10.0.0.5',
    });
    psa = connect(connectwiseManageConnector, standIns.settings['connectwise-manage']);
  });

  const ours = () =>
    standIns.connectwiseManage.tickets().filter((t) => t.summary.includes('[SB-inc-42]'));

  it('upsertTicket opens one ticket under the company and configuration, and only one', async () => {
    const first = await psa.upsertTicket!(draft);
    const second = await psa.upsertTicket!(draft);
    expect(second).toEqual(first);
    const tickets = ours();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({
      id: Number(first.id),
      summary: 'Server-01 offline after KB5034441 [SB-inc-42]',
      board: { id: 12 },
      status: { name: 'New' },
      company: { id: companyId, identifier: 'ACME' },
      priority: { id: 4 },
      externalXRef: 'SB:inc-42',
      configurationIds: [configurationId],
    });
    expect(tickets[0].notes[0]).toMatchObject({
      text: draft.description,
      detailDescriptionFlag: true,
    });
  });

  it('noteTicket adds an internal note ending with its delivery marker, once per marker', async () => {
    const [ticket] = ours();
    const ref = { id: String(ticket.id) };
    const before = ticket.notes.length;
    await psa.noteTicket!(ref, 'Rollback of KB5034441 queued.', { marker: 'SB-0A1B2C3D4E5F' });
    // The outbox retries the same message (its answer was lost): the stand-in finds the marker.
    await psa.noteTicket!(ref, 'Rollback of KB5034441 queued.', { marker: 'SB-0A1B2C3D4E5F' });
    expect(ours()[0].notes).toHaveLength(before + 1);
    expect(ours()[0].notes.at(-1)).toMatchObject({
      text: 'Rollback of KB5034441 queued.\n\n[SB-0A1B2C3D4E5F]',
      internalAnalysisFlag: true,
      createdBy: 'SwitchboardAPI',
    });
    await psa.noteTicket!(ref, 'Rollback of KB5034441 queued.', { marker: 'SB-99887766AABB' });
    expect(ours()[0].notes).toHaveLength(before + 2);
  });

  it('closeTicket notes and closes it with the configured closed status', async () => {
    const [ticket] = ours();
    const delivery = { marker: 'SB-C105EC105EC1' };
    await psa.closeTicket!({ id: String(ticket.id) }, 'MSSQLSERVER is running again.', delivery);
    expect(ours()[0]).toMatchObject({
      status: { name: '>Closed' },
      closedFlag: true,
      closedBy: 'SwitchboardAPI',
    });
    expect(ours()[0].notes.at(-1)?.text).toBe('MSSQLSERVER is running again.\n\n[SB-C105EC105EC1]');
  });

  it('pullTickets sees a user ticket a technician closed as closed', async () => {
    const cw = standIns.connectwiseManage;
    const id = cw.openUserTicket('ACME', 'SERVER-01', 'Cannot open the patient database');
    const first = await walk((c) => psa.pullTickets!(c));
    expect(normalized(psa, first.records)).toContainEqual(
      expect.objectContaining({
        ticketId: String(id),
        status: 'open',
        device: { externalId: String(configurationId) },
      }),
    );
    cw.closeTicketAsTechnician(id);
    const next = await walk((c) => psa.pullTickets!(c), first.cursor);
    expect(normalized(psa, next.records)).toContainEqual(
      expect.objectContaining({
        type: 'ticket',
        ticketId: String(id),
        status: 'closed',
        closedBy: 'jlee',
        client: { externalId: String(companyId), name: 'Acme Dental' },
      }),
    );
  });

  it('pullDevices yields the company as a client and the configuration as a device', async () => {
    const events = normalized(psa, (await walk((c) => psa.pullDevices!(c))).records);
    expect(events).toContainEqual({
      type: 'client',
      client: { externalId: String(companyId), name: 'Acme Dental' },
    });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'device',
        device: {
          externalId: String(configurationId),
          hostname: 'SERVER-01',
          ip: '10.0.0.5',
          serial: undefined,
        },
      }),
    );
  });

  it('check() finds every capability working', async () => {
    const report = await psa.check();
    expect(Object.values(report).every((r) => r?.status === 'ok')).toBe(true);
  });

  it('refuses a wrong clientId, and answers unsupported conditions with a 400', async () => {
    const wrong = { ...standIns.settings['connectwise-manage'], clientId: 'not-ours' };
    expect(await reasonOf(connect(connectwiseManageConnector, wrong).pullDevices!(null))).toBe(
      'auth',
    );
    const {
      companyId: company,
      publicKey,
      privateKey,
      clientId,
    } = standIns.connectwiseManage.credentials;
    const answer = await axios.get(
      `${standIns.urls.connectwiseManage}/v4_6_release/apis/3.0/service/tickets`,
      {
        params: { conditions: 'summary ~ "x"' },
        auth: { username: `${company}+${publicKey}`, password: privateKey },
        headers: { clientId },
        httpsAgent: standIns.httpsAgent,
        validateStatus: () => true,
      },
    );
    expect(answer.status).toBe(400);
  });
});

describe('the demo settings of the ConnectWise Automate and SolarWinds stand-ins', () => {
  it('let the real connectwise-automate connector pass every check and read the computer', async () => {
    const rmm = standIns.connectwiseAutomate;
    const computerId = rmm.addComputer({
      clientId: rmm.addClient('Acme Dental'),
      name: 'SERVER-02',
    });
    rmm.setServiceState(computerId, 'MSSQLSERVER', 'stopped');
    const automate = connect(
      connectwiseAutomateConnector,
      standIns.settings['connectwise-automate'],
    );
    const report = await automate.check();
    expect(Object.entries(report).filter(([, r]) => r?.status !== 'ok')).toEqual([]);
    await expect(automate.getServices!({ id: String(computerId) })).resolves.toContainEqual(
      expect.objectContaining({ name: 'MSSQLSERVER', state: 'stopped', startType: 'auto' }),
    );
  });

  it('let the real solarwinds connector pass every check and read the node', async () => {
    const orion = standIns.solarwinds;
    const nodeId = orion.addNode({ caption: 'SERVER-02', ip: '10.0.0.6', client: 'Acme Dental' });
    const solarwinds = connect(solarwindsConnector, standIns.settings.solarwinds);
    const report = await solarwinds.check();
    expect(Object.entries(report).filter(([, r]) => r?.status !== 'ok')).toEqual([]);
    const events = normalized(solarwinds, (await walk((c) => solarwinds.pullDevices!(c))).records);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'device',
        client: { name: 'Acme Dental' },
        device: expect.objectContaining({ externalId: String(nodeId), hostname: 'SERVER-02' }),
      }),
    );
  });
});
