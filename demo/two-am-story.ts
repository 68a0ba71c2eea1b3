import { monitoringSide, type MonitoringChoice, type MonitoringSide } from './monitoring-side';
import {
  rmmSide,
  type RmmChoice,
  type RmmSide,
  type RollbackRun,
  type ServerFacts,
} from './rmm-side';
import { MONITORING_BOARD, type StandIns, type TicketSnapshot } from './stand-ins';

/**
 * The 2 AM update, played against the vendor stand-ins and a running Switchboard, only
 * through Switchboard's public API and the vendors' own paths: the RMM (NinjaOne or
 * ConnectWise Automate) and ConnectWise Manage are polled, the monitoring tool (Zabbix through
 * the shipped media type, or SolarWinds through its alert action) pushes. `npm run demo` prints
 * each step; the e2e test asserts on the same steps, so the demo cannot drift from what is
 * tested.
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
export const SERVER: ServerFacts = {
  client: CLIENT,
  host: HOST,
  fqdn: 'server-01.acme-dental.local',
  domain: 'acme-dental.local',
  ip: '10.20.0.10',
  serial: 'CZ2049X7QK',
};

/** Which RMM and which monitoring tool play the story: NinjaOne and Zabbix unless told. */
export interface StoryOptions {
  rmm?: RmmChoice;
  monitoring?: MonitoringChoice;
}

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
  /** Connector instance ids by kind: the chosen RMM, monitoring tool and ConnectWise Manage. */
  readonly instances: Record<string, string> = {};
  readonly rmm: RmmSide;
  readonly monitoring: MonitoringSide;
  problemId = '';
  cwCompany = 0;
  userTicket = 0;
  rollbackId = '';

  constructor(
    private readonly api: Api,
    private readonly standIns: StandIns,
    options: StoryOptions = {},
  ) {
    this.rmm = rmmSide(options.rmm ?? 'ninjaone', standIns);
    this.monitoring = monitoringSide(options.monitoring ?? 'zabbix', standIns);
  }

  /** The three connector kinds of this story, RMM first. */
  get kinds(): [string, string, string] {
    return [this.rmm.kind, this.monitoring.kind, 'connectwise-manage'];
  }

  private async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.api<T>(method, path, body);
    if (res.status >= 300)
      throw new Error(`demo: ${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** The MSP's tools as they are on the evening before: one client, one SQL server in each. */
  seedVendors(): void {
    const { connectwiseManage } = this.standIns;
    this.rmm.seed(SERVER);
    this.monitoring.seed(SERVER);
    this.cwCompany = connectwiseManage.addCompany('ACMEDENTAL', PSA_COMPANY);
    connectwiseManage.addConfiguration(this.cwCompany, HOST, {
      ipAddress: SERVER.ip,
      serialNumber: SERVER.serial,
    });
  }

  /** Three connector instances through POST /api/v1/connectors; the monitoring push aimed at ours. */
  async configure(
    options: { pollIntervalSeconds?: number; webhookBase?: string } = {},
  ): Promise<void> {
    const { pollIntervalSeconds = 3600, webhookBase } = options;
    const { settings } = this.standIns;
    for (const kind of this.kinds) {
      const created = await this.ok<Instance>('POST', '/api/v1/connectors', {
        kind,
        name: `${CLIENT} ${kind}`,
        settings: settings[kind as keyof StandIns['settings']],
        pollIntervalSeconds,
      });
      this.instances[kind] = created.id;
      if (kind === this.monitoring.kind) {
        if (!created.webhook?.secret) throw new Error(`demo: ${kind} instance has no webhook`);
        this.monitoring.connect(
          // A test app listens on a port its own config does not know: the caller says where.
          webhookBase ? `${webhookBase}/webhooks/${created.id}` : created.webhook.url,
          created.webhook.secret,
        );
      }
    }
  }

  /** POST /api/v1/connectors/:id/poll, then waits until every stream of it has run again. */
  async poll(kind: string): Promise<void> {
    const id = this.instances[kind];
    if (!id) throw new Error(`demo: no ${kind} instance in this story`);
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
    await Promise.all(this.kinds.map((kind) => this.poll(kind)));
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

  /** 02:00 the RMM installs the KB and reboots; SQL Server does not come back (backdated 30 min). */
  async patchNight(): Promise<IncidentView> {
    this.rmm.patchNight(KB, KB_TITLE, minutesAgo(30), minutesAgo(27));
    await this.poll(this.rmm.kind);
    return waitFor('the post-patch verification to open the incident', async () => {
      const incident = await this.incident('open');
      return incident?.details.failed.includes('MSSQLSERVER') ? incident : undefined;
    });
  }

  /** Monitoring loses the server and pushes the problem to Switchboard's webhook. */
  async monitoringSeesIt(): Promise<{ note: string; ticket: TicketSnapshot }> {
    this.problemId = await this.monitoring.serverDown();
    const note = await waitFor(
      `the note on the ${this.monitoring.name} problem`,
      async () => this.monitoring.notes(this.problemId)[0],
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
   * suspect (the click confirms it). Switchboard runs Remove-Patch through the RMM's script
   * runner; the incident is being mitigated.
   */
  async rollback(): Promise<{
    run: RollbackRun;
    incident: IncidentView;
    rollback: RollbackView;
  }> {
    const open = await this.incident('open');
    if (!open) throw new Error(`demo: no open incident with ${KB} as a suspect`);
    const asked = await this.ok<RollbackView>('POST', `/api/v1/incidents/${open.id}/rollback`);
    this.rollbackId = asked.id;
    const run = await waitFor(`the rollback script run in ${this.rmm.name}`, async () =>
      this.rmm.rollbackRun(),
    );
    const incident = await waitFor('the incident to be mitigated', async () =>
      this.incident('mitigating'),
    );
    return { run, incident, rollback: asked };
  }

  /**
   * On the server, Remove-Patch removes the KB with DISM and SQL Server starts again.
   * Switchboard reads the run's result from the RMM, asks the RMM for the services, and
   * resolves: the monitoring problem noted, the ticket noted and closed, the KB blocked for the
   * client so the next cycle does not bring it back.
   */
  async rollbackVerified(): Promise<{
    rollback: RollbackView;
    incident: IncidentView;
    ticket: TicketSnapshot;
    notes: string[];
    blocked: { patchId: string; reason: string }[];
  }> {
    this.rmm.finishRollback(KB);
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
    const notes = await waitFor(
      `the rollback note on the ${this.monitoring.name} problem`,
      async () => {
        const all = this.monitoring.notes(this.problemId);
        return all.length > 1 ? all : undefined;
      },
    );
    const clientId = incident.clientId;
    const blocked = await this.ok<{ items: { patchId: string; reason: string }[] }>(
      'GET',
      `/api/v1/clients/${clientId}/blocked-patches`,
    );
    return { rollback, incident, ticket, notes, blocked: blocked.items };
  }

  /** Monitoring sees the server answer again: the incident is already resolved, nothing reopens. */
  async recovery(): Promise<{ incident: IncidentView; ticket: TicketSnapshot; notes: string[] }> {
    await this.monitoring.serverUp(this.problemId);
    await this.poll(this.rmm.kind);
    const incident = await waitFor('the incident to stay resolved', async () => {
      const found = await this.incident();
      return found?.state === 'resolved' ? found : undefined;
    });
    const ticket = await waitFor('the closed ticket', async () =>
      this.monitoringTickets().find((t) => t.closedFlag),
    );
    return { incident, ticket, notes: this.monitoring.notes(this.problemId) };
  }

  /**
   * An hour later SQL Server stops again: monitoring raises the problem anew, and the resolved
   * incident and its closed ticket are reopened rather than duplicated.
   */
  async recurrence(): Promise<{ incident: IncidentView; ticket: TicketSnapshot }> {
    this.problemId = await this.monitoring.serviceStopsAgain();
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
}
