/**
 * Zabbix 6.0 objects held in memory, shaped like the rows the 6.0.14 API returns (every number
 * a string, ids 64-bit decimal strings; see connectors/zabbix/fixtures, recorded from 6.0.14).
 */

export interface ZbxTag {
  tag: string;
  value: string;
}

export interface ZbxHostGroup {
  groupid: string;
  name: string;
}

export interface ZbxInterface {
  interfaceid: string;
  type: string;
  main: string;
  useip: string;
  ip: string;
  dns: string;
  port: string;
  available: string;
}

export interface ZbxHost {
  hostid: string;
  host: string;
  name: string;
  status: string;
  maintenance_status: string;
  groupids: string[];
  interfaces: ZbxInterface[];
  /** null: inventory disabled, which the API returns as []. */
  inventory: Record<string, string> | null;
  tags: ZbxTag[];
}

export interface ZbxTrigger {
  triggerid: string;
  hostid: string;
  description: string;
  priority: string;
  itemid: string;
  itemKey: string;
  tags: ZbxTag[];
}

export interface ZbxAcknowledge {
  acknowledgeid: string;
  userid: string;
  eventid: string;
  clock: string;
  message: string;
  action: string;
  old_severity: string;
  new_severity: string;
}

export interface ZbxEvent {
  eventid: string;
  source: string;
  object: string;
  objectid: string;
  clock: string;
  ns: string;
  value: '0' | '1';
  name: string;
  severity: string;
  r_eventid: string;
  acknowledged: string;
  suppressed: string;
  opdata: string;
  hostid: string;
  tags: ZbxTag[];
  acknowledges: ZbxAcknowledge[];
}

export interface NewHostOptions {
  /** Visible name; defaults to the technical name. */
  name?: string;
  dns?: string;
  /** Agent interface availability: true 1, false 2, undefined 0 (unknown). Default true. */
  available?: boolean;
  os?: string;
  serial?: string;
}

export interface ProblemOptions {
  /** 0–5; default 4 (High), what the Windows template gives a stopped automatic service. */
  severity?: number;
  /** Item the trigger reads; default service.info["<service tag>",state], else a neutral key. */
  itemKey?: string;
}

/** Groups a stock 6.0 database ships with; the connector ignores them by default. */
const STOCK_GROUPS = [
  ['1', 'Templates'],
  ['2', 'Linux servers'],
  ['4', 'Zabbix servers'],
  ['5', 'Discovered hosts'],
  ['6', 'Virtual machines'],
  ['7', 'Hypervisors'],
];

function clockOf(at: Date): { clock: string; ns: string } {
  const ms = at.getTime();
  return { clock: String(Math.floor(ms / 1000)), ns: String((ms % 1000) * 1_000_000) };
}

export class ZabbixState {
  protected readonly groups: ZbxHostGroup[] = STOCK_GROUPS.map(([groupid, name]) => ({
    groupid,
    name,
  }));
  protected readonly hosts: ZbxHost[] = [];
  protected readonly triggers: ZbxTrigger[] = [];
  protected readonly events: ZbxEvent[] = [];
  private nextGroupId = 22;
  private nextHostId = 10560;
  private nextTriggerId = 23130;
  private nextItemId = 44520;
  private nextEventId = 101;
  private nextAckId = 1;

  constructor(protected readonly now: () => Date = () => new Date()) {}

  addHostGroup(name: string): string {
    const groupid = String(this.nextGroupId++);
    this.groups.push({ groupid, name });
    return groupid;
  }

  /** `groups`: host group names (or groupids). Returns the hostid. */
  addHost(host: string, groups: string[], ip: string, options: NewHostOptions = {}): string {
    const groupids = groups.map((g) => {
      const group =
        this.groups.find((x) => x.name === g) ?? this.groups.find((x) => x.groupid === g);
      if (!group) throw new Error(`stand-in: no host group ${g}`);
      return group.groupid;
    });
    const hostid = String(this.nextHostId++);
    const available = options.available === undefined ? '1' : options.available ? '1' : '2';
    this.hosts.push({
      hostid,
      host,
      name: options.name ?? host,
      status: '0',
      maintenance_status: '0',
      groupids,
      interfaces: [
        {
          interfaceid: String(Number(hostid) - 10_000),
          type: '1',
          main: '1',
          useip: '1',
          ip,
          dns: options.dns ?? '',
          port: '10050',
          available,
        },
      ],
      inventory:
        options.os || options.serial
          ? {
              os: options.os ?? '',
              os_short: '',
              serialno_a: options.serial ?? '',
              macaddress_a: '',
            }
          : null,
      tags: [],
    });
    return hostid;
  }

  /** Agent interface availability, as the server would set it after its checks. */
  setAvailability(hostid: string, available: boolean): void {
    for (const i of this.host(hostid).interfaces) i.available = available ? '1' : '2';
  }

  /**
   * A trigger on the host fires: a problem event (value 1) with the trigger's tags. The same
   * host + name reuses its trigger, as a real trigger fires again. Returns the eventid, which is
   * what event.acknowledge takes and what the connector reports as problemId.
   */
  raiseProblem(
    hostid: string,
    triggerName: string,
    tags: Record<string, string> = {},
    at: Date = this.now(),
    options: ProblemOptions = {},
  ): string {
    this.host(hostid);
    const tagList = Object.entries(tags).map(([tag, value]) => ({ tag, value }));
    const trigger = this.trigger(hostid, triggerName, tagList, options);
    const event = this.event(trigger, '1', at);
    event.severity = String(options.severity ?? trigger.priority);
    return event.eventid;
  }

  /** The trigger recovers: an OK event (value 0, severity 0), linked from the problem. */
  resolveProblem(eventid: string, at: Date = this.now()): string {
    const problem = this.problemEvent(eventid);
    if (problem.r_eventid !== '0') throw new Error(`stand-in: problem ${eventid} already resolved`);
    const trigger = this.triggers.find((t) => t.triggerid === problem.objectid);
    if (!trigger) throw new Error(`stand-in: no trigger for event ${eventid}`);
    const ok = this.event(trigger, '0', at);
    ok.severity = '0';
    problem.r_eventid = ok.eventid;
    return ok.eventid;
  }

  /** Messages written onto the problem with event.acknowledge, oldest first. */
  acknowledgements(eventid: string): string[] {
    return this.problemEvent(eventid)
      .acknowledges.filter((a) => a.message !== '')
      .map((a) => a.message);
  }

  protected host(hostid: string): ZbxHost {
    const host = this.hosts.find((h) => h.hostid === hostid);
    if (!host) throw new Error(`stand-in: no host ${hostid}`);
    return host;
  }

  protected problemEvent(eventid: string): ZbxEvent {
    const event = this.events.find((e) => e.eventid === eventid && e.value === '1');
    if (!event) throw new Error(`stand-in: no problem event ${eventid}`);
    return event;
  }

  protected addAcknowledge(event: ZbxEvent, userid: string, fields: Partial<ZbxAcknowledge>): void {
    const { clock } = clockOf(this.now());
    event.acknowledges.push({
      acknowledgeid: String(this.nextAckId++),
      userid,
      eventid: event.eventid,
      clock,
      message: '',
      action: '0',
      old_severity: '0',
      new_severity: '0',
      ...fields,
    });
  }

  private trigger(
    hostid: string,
    description: string,
    tags: ZbxTag[],
    options: ProblemOptions,
  ): ZbxTrigger {
    const existing = this.triggers.find(
      (t) => t.hostid === hostid && t.description === description,
    );
    if (existing) return existing;
    const service = tags.find((t) => t.tag === 'service')?.value;
    const trigger: ZbxTrigger = {
      triggerid: String(this.nextTriggerId++),
      hostid,
      description,
      priority: String(options.severity ?? 4),
      itemid: String(this.nextItemId++),
      itemKey: options.itemKey ?? (service ? `service.info["${service}",state]` : 'demo.check'),
      tags,
    };
    this.triggers.push(trigger);
    return trigger;
  }

  private event(trigger: ZbxTrigger, value: '0' | '1', at: Date): ZbxEvent {
    const event: ZbxEvent = {
      eventid: String(this.nextEventId++),
      source: '0',
      object: '0',
      objectid: trigger.triggerid,
      ...clockOf(at),
      value,
      // OK events carry the problem's name and the trigger's tags (seen on 6.0.14).
      name: trigger.description,
      severity: trigger.priority,
      r_eventid: '0',
      acknowledged: '0',
      suppressed: '0',
      opdata: '',
      hostid: trigger.hostid,
      tags: trigger.tags.map((t) => ({ ...t })),
      acknowledges: [],
    };
    this.events.push(event);
    return event;
  }
}
