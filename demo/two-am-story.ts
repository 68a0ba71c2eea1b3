import { removePatchOutput } from '../connectors/ninjaone/stand-in/ninjaone.state';
import {
  MONITORING_BOARD,
  type ScriptRunRequest,
  type StandIns,
  type TicketSnapshot,
} from './stand-ins';

/**
 * The 2 AM update, played against the three vendor stand-ins and a running Switchboard, only
 * through Switchboard's public API and the vendors' own paths: NinjaOne and ConnectWise are
 * polled, Zabbix pushes through the shipped media type. `npm run demo` prints each step; the
 * e2e test asserts on the same steps, so the demo cannot drift from what is tested.
 */

export interface ApiResult<T> {
  status: number;
  body: T;
}

export type Api = <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<ApiResult<T>>;

/** A rollback as GET /api/v1/rollbacks/:id answers it (the parts the story reads). */
export interface RollbackView {
  id: string;
  state: string;
  reason: string | null;
  patchId: string;
  steps: { state: string; at: string; by?: string; note?: string }[];
  result: { detail: string } | null;
  verification: {
    patchEvidence: string;
    services: { name: string; state: string }[];
  } | null;
}

export interface IncidentView {
  id: string;
  clientId: string | null;
  title: string;
  state: string;
  cause: string;
  confidence?: number;
  details: { failed: string[]; deviceDown: boolean };
  suspects: {
    id: string;
    kind: string;
    patchId: string | null;
    reasons: string[];
    status: string;
  }[];
  tickets: { relation: string; externalId: string | null }[];
  timeline: { at: string; kind: string; text: string }[];
}

export interface DeviceView {
  id: string;
  displayName: string;
  client: { name: string } | null;
  links: { instanceId: string; externalId: string | null; matchedBy: string }[];
}

interface Instance {
  id: string;
  kind: string;
  webhook?: { url: string; secret: string } | null;
  polling?: {
    lastSuccessAt: string | null;
    lastErrorAt: string | null;
    lastError: string | null;
  }[];
}

export const CLIENT = 'Acme Dental';
/** The same customer as the PSA spells it: matched to CLIENT by its client link. */
export const PSA_COMPANY = 'Acme Dental, Inc.';
export const HOST = 'Server-01';
export const KB = 'KB5034441';
export const KB_TITLE = '2024-01 Security Update for Windows Server 2022 (KB5034441)';
export const USER_TICKET = 'Dental charts app cannot reach its database';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bounded wait: the story fails with `what` instead of hanging. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`demo: timed out waiting for ${what}`);
    await sleep(100);
  }
}

export class TwoAmStory {
  readonly instances: Record<'ninjaone' | 'zabbix' | 'connectwise-manage', string> = {
    ninjaone: '',
    zabbix: '',
    'connectwise-manage': '',
  };
  ninjaDevice = 0;
  zabbixHost = '';
  problemId = '';
  cwCompany = 0;
  userTicket = 0;
  rollbackId = '';

  constructor(
    private readonly api: Api,
    private readonly standIns: StandIns,
  ) {}

  private async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.api<T>(method, path, body);
    if (res.status >= 300)
      throw new Error(`demo: ${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** The MSP's tools as they are on the evening before: one client, one SQL server in each. */
  seedVendors(): void {
    const { ninjaone, zabbix, connectwiseManage } = this.standIns;
    const org = ninjaone.addOrganization(CLIENT, 'Dental practice, 2 sites');
    this.ninjaDevice = ninjaone.addDevice({
      organizationId: org,
      systemName: HOST,
      dnsName: 'server-01.acme-dental.local',
      ip: '10.20.0.10',
      serial: 'CZ2049X7QK',
    });
    ninjaone.setServiceState(this.ninjaDevice, 'MSSQLSERVER', 'running');
    ninjaone.setServiceState(this.ninjaDevice, 'SQLSERVERAGENT', 'running');
    const group = zabbix.addHostGroup(`Customers/${CLIENT}`);
    this.zabbixHost = zabbix.addHost(HOST, [group], '10.20.0.10', {
      dns: 'server-01.acme-dental.local',
      serial: 'CZ2049X7QK',
    });
    this.cwCompany = connectwiseManage.addCompany('ACMEDENTAL', PSA_COMPANY);
    connectwiseManage.addConfiguration(this.cwCompany, HOST, {
      ipAddress: '10.20.0.10',
      serialNumber: 'CZ2049X7QK',
    });
  }

  /** Three connector instances through POST /api/v1/connectors; Zabbix's media type aimed at ours. */
  async configure(
    options: { pollIntervalSeconds?: number; webhookBase?: string } = {},
  ): Promise<void> {
    const { pollIntervalSeconds = 3600, webhookBase } = options;
    const { settings } = this.standIns;
    for (const kind of ['ninjaone', 'zabbix', 'connectwise-manage'] as const) {
      const created = await this.ok<Instance>('POST', '/api/v1/connectors', {
        kind,
        name: `${CLIENT} ${kind}`,
        settings: settings[kind],
        pollIntervalSeconds,
      });
      this.instances[kind] = created.id;
      if (kind === 'zabbix') {
        if (!created.webhook?.secret) throw new Error('demo: zabbix instance has no webhook');
        this.standIns.zabbix.useMediaType({
          // A test app listens on a port its own config does not know: the caller says where.
          sendTo: webhookBase ? `${webhookBase}/webhooks/${created.id}` : created.webhook.url,
          token: created.webhook.secret,
        });
      }
    }
  }

  /** POST /api/v1/connectors/:id/poll, then waits until every stream of it has run again. */
  async poll(kind: keyof TwoAmStory['instances']): Promise<void> {
    const id = this.instances[kind];
    const asked = Date.now();
    await this.ok('POST', `/api/v1/connectors/${id}/poll`);
    await waitFor(`a ${kind} poll`, async () => {
      const instance = await this.ok<Instance>('GET', `/api/v1/connectors/${id}`);
      const streams = instance.polling ?? [];
      const failed = streams.find(
        (s) => s.lastErrorAt && new Date(s.lastErrorAt).getTime() >= asked,
      );
      if (failed) throw new Error(`demo: ${kind} poll failed: ${failed.lastError}`);
      return (
        streams.length > 0 &&
        streams.every((s) => s.lastSuccessAt && new Date(s.lastSuccessAt).getTime() >= asked)
      );
    });
  }

  async pollAll(): Promise<void> {
    await Promise.all([
      this.poll('ninjaone'),
      this.poll('zabbix'),
      this.poll('connectwise-manage'),
    ]);
  }

  /** The device as Switchboard matched it, once all three tools' records are on it. */
  async device(): Promise<DeviceView> {
    return waitFor(`${HOST} known to all three tools`, async () => {
      const list = await this.ok<{ items: { id: string; displayName: string }[] }>(
        'GET',
        `/api/v1/devices?q=${encodeURIComponent(HOST)}`,
      );
      const found = list.items.find((d) => d.displayName.toLowerCase() === HOST.toLowerCase());
      if (!found) return undefined;
      const device = await this.ok<DeviceView>('GET', `/api/v1/devices/${found.id}`);
      return device.links.length >= 3 ? device : undefined;
    });
  }

  async incident(state?: string): Promise<IncidentView | undefined> {
    const list = await this.ok<{ items: { id: string; title: string }[] }>(
      'GET',
      `/api/v1/incidents${state ? `?state=${state}` : ''}`,
    );
    const found = list.items.find((i) => i.title.startsWith(HOST));
    return found ? this.ok<IncidentView>('GET', `/api/v1/incidents/${found.id}`) : undefined;
  }

  /** 02:00 NinjaOne installs the KB and reboots; SQL Server does not come back (backdated 30 min). */
  async patchNight(): Promise<IncidentView> {
    const rmm = this.standIns.ninjaone;
    rmm.installPatch(this.ninjaDevice, KB, KB_TITLE, minutesAgo(30));
    rmm.reboot(this.ninjaDevice, minutesAgo(27));
    rmm.setServiceState(this.ninjaDevice, 'MSSQLSERVER', 'stopped');
    await this.poll('ninjaone');
    return waitFor('the post-patch verification to open the incident', async () => {
      const incident = await this.incident('open');
      return incident?.details.failed.includes('MSSQLSERVER') ? incident : undefined;
    });
  }

  /** Zabbix loses the server; its action sends the problem through the Switchboard media type. */
  async monitoringSeesIt(): Promise<{ note: string; ticket: TicketSnapshot }> {
    const zabbix = this.standIns.zabbix;
    zabbix.setAvailability(this.zabbixHost, false);
    this.problemId = zabbix.raiseProblem(
      this.zabbixHost,
      `${HOST} is unavailable by ICMP`,
      {},
      undefined,
      {
        itemKey: 'icmpping',
        severity: 4,
      },
    );
    await this.mediaDelivered();
    const note = await waitFor(
      'the note on the Zabbix problem',
      async () => zabbix.acknowledgements(this.problemId)[0],
    );
    const ticket = await waitFor('the ConnectWise ticket', async () =>
      this.monitoringTickets().find((t) => t.notes.length > 0),
    );
    return { note, ticket };
  }

  /** 07:55 the practice manager calls: a user ticket on the Help Desk board for the same server. */
  async userCalls(): Promise<IncidentView> {
    const cw = this.standIns.connectwiseManage;
    this.userTicket = cw.openUserTicket(this.cwCompany, HOST, USER_TICKET);
    await this.poll('connectwise-manage');
    const incident = await waitFor('the user ticket to be linked', async () => {
      const found = await this.incident('open');
      return found?.tickets.some((t) => t.externalId === String(this.userTicket))
        ? found
        : undefined;
    });
    await waitFor('the note on the user ticket', async () =>
      cw.tickets().find((t) => t.id === this.userTicket && t.notes.length > 0),
    );
    return incident;
  }

  /**
   * The technician clicks the rollback link on the alert: one click rolls back the top-ranked
   * suspect (the click confirms it). Switchboard runs Remove-Patch through NinjaOne's script
   * runner; the incident is being mitigated.
   */
  async rollback(): Promise<{
    run: ScriptRunRequest;
    incident: IncidentView;
    rollback: RollbackView;
  }> {
    const rmm = this.standIns.ninjaone;
    const open = await this.incident('open');
    if (!open) throw new Error(`demo: no open incident with ${KB} as a suspect`);
    const asked = await this.ok<RollbackView>('POST', `/api/v1/incidents/${open.id}/rollback`);
    this.rollbackId = asked.id;
    const run = await waitFor('the rollback script run in NinjaOne', async () =>
      rmm.scriptRuns().find((r) => r.deviceId === this.ninjaDevice),
    );
    const incident = await waitFor('the incident to be mitigated', async () =>
      this.incident('mitigating'),
    );
    return { run, incident, rollback: asked };
  }

  /**
   * On the server, Remove-Patch removes the KB with DISM and SQL Server starts again.
   * Switchboard reads the run's result from NinjaOne's activities, asks NinjaOne for the
   * services, and resolves: the Zabbix problem noted, the ticket noted and closed, the KB
   * blocked for the client so the next cycle does not bring it back.
   */
  async rollbackVerified(): Promise<{
    rollback: RollbackView;
    incident: IncidentView;
    ticket: TicketSnapshot;
    notes: string[];
    blocked: { patchId: string; reason: string }[];
  }> {
    const rmm = this.standIns.ninjaone;
    const zabbix = this.standIns.zabbix;
    rmm.setServiceState(this.ninjaDevice, 'MSSQLSERVER', 'running');
    rmm.finishScriptRun(this.ninjaDevice, {
      result: 'SUCCESS',
      output: removePatchOutput(KB, 'removed', { rebootRequired: false }),
    });
    const rollback = await waitFor('the rollback to be verified', async () => {
      const r = await this.ok<RollbackView>('GET', `/api/v1/rollbacks/${this.rollbackId}`);
      if (r.state === 'failed') throw new Error(`demo: the rollback failed: ${r.reason}`);
      return r.state === 'succeeded' ? r : undefined;
    });
    const incident = await waitFor('the incident to resolve', async () => {
      const found = await this.incident();
      return found?.state === 'resolved' ? found : undefined;
    });
    const ticket = await waitFor('the ticket to close', async () =>
      this.monitoringTickets().find((t) => t.closedFlag),
    );
    const notes = await waitFor('the rollback note on the Zabbix problem', async () => {
      const all = zabbix.acknowledgements(this.problemId);
      return all.length > 1 ? all : undefined;
    });
    const clientId = incident.clientId;
    const blocked = await this.ok<{ items: { patchId: string; reason: string }[] }>(
      'GET',
      `/api/v1/clients/${clientId}/blocked-patches`,
    );
    return { rollback, incident, ticket, notes, blocked: blocked.items };
  }

  /** Zabbix sees the server answer again: the incident is already resolved, nothing reopens. */
  async recovery(): Promise<{ incident: IncidentView; ticket: TicketSnapshot; notes: string[] }> {
    const zabbix = this.standIns.zabbix;
    zabbix.setAvailability(this.zabbixHost, true);
    zabbix.resolveProblem(this.problemId);
    await this.mediaDelivered();
    await this.poll('ninjaone');
    const incident = await waitFor('the incident to stay resolved', async () => {
      const found = await this.incident();
      return found?.state === 'resolved' ? found : undefined;
    });
    const ticket = await waitFor('the closed ticket', async () =>
      this.monitoringTickets().find((t) => t.closedFlag),
    );
    return { incident, ticket, notes: zabbix.acknowledgements(this.problemId) };
  }

  /**
   * An hour later SQL Server stops again: Zabbix raises the problem anew, and the resolved
   * incident and its closed ticket are reopened rather than duplicated.
   */
  async recurrence(): Promise<{ incident: IncidentView; ticket: TicketSnapshot }> {
    const zabbix = this.standIns.zabbix;
    // Zabbix clocks are whole seconds: in the same second as the recovery the problem would
    // look older than it, and an outage older than its recovery is rightly ignored.
    await sleep(1100);
    this.problemId = zabbix.raiseProblem(
      this.zabbixHost,
      `"SQL Server (MSSQLSERVER)" (MSSQLSERVER) is not running`,
      { service: 'MSSQLSERVER' },
    );
    await this.mediaDelivered();
    const incident = await waitFor('the incident to reopen', async () => {
      const found = await this.incident('open');
      return found?.timeline.some((e) => e.kind === 'recurred') ? found : undefined;
    });
    const ticket = await waitFor('the ticket to reopen', async () =>
      this.monitoringTickets().find(
        (t) => !t.closedFlag && t.notes.some((n) => /recur/i.test(n.text)),
      ),
    );
    return { incident, ticket };
  }

  /** Tickets Switchboard opened (the Monitoring board), not the user's. */
  monitoringTickets(): TicketSnapshot[] {
    return this.standIns.connectwiseManage.tickets().filter((t) => t.board.id === MONITORING_BOARD);
  }

  private async mediaDelivered(): Promise<void> {
    const failed = (await this.standIns.zabbix.alertsSent()).filter((a) => a.result !== 'OK');
    if (failed.length > 0)
      throw new Error(`demo: media type failed: ${failed.map((f) => f.result).join('; ')}`);
  }
}
