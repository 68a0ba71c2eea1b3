import { ZABBIX_CLIENT_GROUP_PREFIX, type StandIns } from './stand-ins';
import type { ServerFacts } from './rmm-side';

/**
 * The monitoring tool of the 2 AM story, behind one small interface: it sees the server go
 * down, pushes the problem to Switchboard's webhook, carries Switchboard's notes on its
 * problem, and sees the server again. Zabbix (the shipped media type) or SolarWinds Orion
 * (the alert action of its connector README), each driven through its stand-in.
 */

/** What `--monitoring` accepts. */
export const MONITORING_CHOICES = ['zabbix', 'solarwinds'] as const;
export type MonitoringChoice = (typeof MONITORING_CHOICES)[number];

/** One push of the tool to Switchboard's webhook, once answered. */
export interface MonitoringPush {
  what: 'problem' | 'recovery';
  status: number;
  /** Delivered and accepted, as the tool itself judges it. */
  ok: boolean;
}

export interface MonitoringSide {
  readonly choice: MonitoringChoice;
  /** The connector kind, as in connectors/registry.ts. */
  readonly kind: 'zabbix' | 'solarwinds';
  readonly name: string;
  /** What Switchboard's note lands on, e.g. "Zabbix problem 42". */
  problemName(problemId: string): string;
  /** The vendor call that writes the note. */
  readonly noteCall: string;
  /** The outage as the tool words it, and how it reaches Switchboard. */
  readonly downStory: string;
  /** The client and the server, watched. */
  seed(server: ServerFacts): void;
  /** Aims the tool's push at the instance's webhook (URL and secret from the API). */
  connect(webhookUrl: string, secret: string): void;
  /** The server stops answering: the problem is raised and pushed. Its problem id. */
  serverDown(): Promise<string>;
  /** The server answers again: the problem recovers, and the recovery is pushed. */
  serverUp(problemId: string): Promise<void>;
  /** SQL Server stops again later: a new problem, pushed. Its problem id. */
  serviceStopsAgain(): Promise<string>;
  /** Switchboard's notes on the problem, oldest first. */
  notes(problemId: string): string[];
  /** Every push so far, each answered. */
  pushes(): Promise<MonitoringPush[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Throws when the tool could not deliver a push: the story fails there, not later. */
async function delivered(side: MonitoringSide): Promise<void> {
  const failed = (await side.pushes()).filter((p) => !p.ok);
  if (failed.length > 0)
    throw new Error(
      `demo: ${side.name} could not deliver: ${failed.map((f) => `${f.what} ${f.status}`).join('; ')}`,
    );
}

class ZabbixSide implements MonitoringSide {
  readonly choice = 'zabbix';
  readonly kind = 'zabbix';
  readonly name = 'Zabbix';
  readonly noteCall = 'event.acknowledge';
  private host = '';
  private hostid = '';
  private readonly problems = new Set<string>();

  constructor(private readonly standIns: StandIns) {}

  private get zabbix() {
    return this.standIns.zabbix;
  }

  get downStory(): string {
    return `"${this.host} is unavailable by ICMP", sent by the Switchboard media type`;
  }

  problemName(problemId: string): string {
    return `Zabbix problem ${problemId}`;
  }

  seed(server: ServerFacts): void {
    this.host = server.host;
    const group = this.zabbix.addHostGroup(`${ZABBIX_CLIENT_GROUP_PREFIX}${server.client}`);
    this.hostid = this.zabbix.addHost(server.host, [group], server.ip, {
      dns: server.fqdn,
      serial: server.serial,
    });
  }

  connect(webhookUrl: string, secret: string): void {
    this.zabbix.useMediaType({ sendTo: webhookUrl, token: secret });
  }

  private raise(name: string, tags: Record<string, string>, itemKey?: string): string {
    const id = this.zabbix.raiseProblem(this.hostid, name, tags, undefined, {
      ...(itemKey ? { itemKey, severity: 4 } : {}),
    });
    this.problems.add(id);
    return id;
  }

  async serverDown(): Promise<string> {
    this.zabbix.setAvailability(this.hostid, false);
    const id = this.raise(`${this.host} is unavailable by ICMP`, {}, 'icmpping');
    await delivered(this);
    return id;
  }

  async serverUp(problemId: string): Promise<void> {
    this.zabbix.setAvailability(this.hostid, true);
    this.zabbix.resolveProblem(problemId);
    await delivered(this);
  }

  async serviceStopsAgain(): Promise<string> {
    // Zabbix clocks are whole seconds: in the same second as the recovery the problem would
    // look older than it, and an outage older than its recovery is rightly ignored.
    await sleep(1100);
    const id = this.raise(`"SQL Server (MSSQLSERVER)" (MSSQLSERVER) is not running`, {
      service: 'MSSQLSERVER',
    });
    await delivered(this);
    return id;
  }

  notes(problemId: string): string[] {
    return this.zabbix.acknowledgements(problemId);
  }

  async pushes(): Promise<MonitoringPush[]> {
    return (await this.zabbix.alertsSent()).map((a) => ({
      what: this.problems.has(a.eventid) ? 'problem' : 'recovery',
      status: a.status,
      ok: a.result === 'OK',
    }));
  }
}

/** The SAM component monitor's name is Orion's: the service's display name, as SAM names it. */
const SQL_MONITOR = 'SQL Server (MSSQLSERVER)';

class SolarWindsSide implements MonitoringSide {
  readonly choice = 'solarwinds';
  readonly kind = 'solarwinds';
  readonly name = 'SolarWinds';
  readonly noteCall = 'Orion.AlertActive.AppendNote';
  private host = '';
  private nodeId = 0;
  private sqlMonitor = 0;

  constructor(private readonly standIns: StandIns) {}

  private get orion() {
    return this.standIns.solarwinds;
  }

  get downStory(): string {
    return `"Node ${this.host} is down", sent by the Orion alert action`;
  }

  problemName(problemId: string): string {
    return `Orion alert object ${problemId}`;
  }

  seed(server: ServerFacts): void {
    this.host = server.host;
    // The client comes from the node's "Client" custom property (the connector's default).
    this.nodeId = this.orion.addNode({
      caption: server.host,
      ip: server.ip,
      dns: server.fqdn,
      client: server.client,
      machineType: 'Windows 2022 Server',
    });
    this.sqlMonitor = this.orion.addServiceMonitor(this.nodeId, SQL_MONITOR);
  }

  connect(webhookUrl: string, secret: string): void {
    // The alert action has no header field on every Orion version: the secret rides in the URL.
    const url = new URL(webhookUrl);
    url.searchParams.set('token', secret);
    this.orion.useAlertAction({ url: url.toString() });
  }

  async serverDown(): Promise<string> {
    const id = this.orion.setNodeDown(this.nodeId);
    await delivered(this);
    return String(id);
  }

  async serverUp(): Promise<void> {
    this.orion.setNodeUp(this.nodeId);
    await delivered(this);
  }

  async serviceStopsAgain(): Promise<string> {
    const id = this.orion.setServiceDown(this.sqlMonitor);
    await delivered(this);
    return String(id);
  }

  notes(problemId: string): string[] {
    return this.orion.notes(Number(problemId));
  }

  async pushes(): Promise<MonitoringPush[]> {
    return (await this.orion.alertActionsSent()).map((a) => ({
      what: a.event === 'TRIGGER' ? 'problem' : 'recovery',
      status: a.status,
      ok: a.status >= 200 && a.status < 300,
    }));
  }
}

export function monitoringSide(choice: MonitoringChoice, standIns: StandIns): MonitoringSide {
  return choice === 'solarwinds' ? new SolarWindsSide(standIns) : new ZabbixSide(standIns);
}
