import type {
  ClientSeen,
  DeviceRef,
  DeviceSeen,
  HealthKind,
  HealthSeen,
  Severity,
} from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import type { GroupMapping } from './zabbix.group-mapping';
import { classifyHealth, type HealthFacts } from './zabbix.health-rules';
import type {
  ZabbixEventRecord,
  ZabbixHost,
  ZabbixHostGroup,
  ZabbixInterface,
  ZabbixTag,
  ZabbixWebhookBody,
} from './zabbix.types';
import { absent, webhookTags } from './zabbix.webhook-fields';

/** Zabbix severities 0–5 (not classified … disaster); names are per-install, numbers are not. */
const SEVERITY: readonly Severity[] = ['info', 'info', 'low', 'moderate', 'important', 'critical'];

export function toSeverity(value: string | undefined): Severity | undefined {
  return value !== undefined && /^[0-5]$/.test(value) ? SEVERITY[Number(value)] : undefined;
}

function present(value: string | undefined): string | undefined {
  return absent(value) ? undefined : value!.trim();
}

export function toClients(group: ZabbixHostGroup, mapping: GroupMapping): ClientSeen[] {
  const name = mapping(group.name);
  return name === undefined
    ? []
    : [{ type: 'client', client: { name, externalId: group.groupid } }];
}

/** The interface Zabbix itself would use: the main agent one, else any main one. */
function mainInterface(list: ZabbixInterface[]): ZabbixInterface | undefined {
  return (
    list.find((i) => i.type === '1' && i.main === '1') ??
    list.find((i) => i.main === '1') ??
    list[0]
  );
}

/** Online when any interface is available (1), offline when all known ones are not (2). */
function onlineFrom(list: ZabbixInterface[]): boolean | undefined {
  if (list.some((i) => i.available === '1')) return true;
  if (list.some((i) => i.available === '2')) return false;
  return undefined;
}

export function toDevice(host: ZabbixHost, mapping: GroupMapping): DeviceSeen {
  const interfaces = host.interfaces ?? [];
  const main = mainInterface(interfaces);
  const inventory = Array.isArray(host.inventory) ? {} : (host.inventory ?? {});
  const groups = host.groups ?? host.hostgroups ?? [];
  // A host in several client groups belongs to the first one the API lists.
  const clientGroup = groups.find((g) => mapping(g.name) !== undefined);
  return {
    type: 'device',
    sourceId: host.hostid,
    client: clientGroup
      ? { name: mapping(clientGroup.name)!, externalId: clientGroup.groupid }
      : undefined,
    device: {
      externalId: host.hostid,
      hostname: host.host,
      ip: present(main?.ip),
      fqdn: present(main?.dns),
      serial: present(inventory.serialno_a),
    },
    displayName: host.name || host.host,
    os: present(inventory.os) ?? present(inventory.os_short),
    online: onlineFrom(interfaces),
  };
}

function healthKind(facts: HealthFacts, serviceTags: string[], problem: boolean) {
  const target = classifyHealth(facts, serviceTags);
  const kinds: Record<typeof target.target, [HealthKind, HealthKind]> = {
    device: ['device.down', 'device.up'],
    service: ['service.down', 'service.up'],
    check: ['check.failed', 'check.ok'],
  };
  const kind = kinds[target.target][problem ? 0 : 1];
  return { kind, subject: target.target === 'device' ? undefined : target.subject };
}

/** A Zabbix id other than the "0" that stands for none. */
const isId = (v: unknown): v is string => typeof v === 'string' && /^[1-9]\d*$/.test(v);

export function toHealthFromEvent(record: ZabbixEventRecord, serviceTags: string[]): HealthSeen[] {
  const { event } = record;
  const host = event.hosts?.[0];
  // Events outlive deleted hosts (until housekeeping) and then list none: no device to report.
  if (!host) return [];
  const problem = event.value === '1';
  const facts = { name: event.name, tags: event.tags ?? [], itemKeys: record.itemKeys };
  const base: HealthSeen = {
    type: 'health',
    sourceId: event.eventid,
    occurredAt: new Date(Number(event.clock) * 1000 + Math.floor(Number(event.ns ?? 0) / 1e6)),
    device: { externalId: host.hostid, hostname: host.host },
    ...healthKind(facts, serviceTags, problem),
    severity: problem ? toSeverity(event.severity) : undefined,
    problemId: problem ? event.eventid : undefined,
    message: event.name,
  };
  // A problem that names its OK event was already over when we read it: history, not news.
  if (problem) return [isId(event.r_eventid) ? { ...base, history: true } : base];
  // A recovery closes one problem, or several in "multiple" problem generation mode.
  const closed = record.problemEventIds ?? [];
  return closed.length === 0 ? [base] : closed.map((id) => ({ ...base, problemId: id }));
}

/** {EVENT.DATE} {EVENT.TIME} are server-local; used only when the script sent no timestamp. */
function webhookTime(iso: string | undefined, date?: string, time?: string): Date | undefined {
  const stamp = present(iso);
  if (stamp && !Number.isNaN(Date.parse(stamp))) return new Date(stamp);
  const d = present(date);
  const t = present(time);
  if (!d || !t || !/^\d{4}\.\d{2}\.\d{2}$/.test(d) || !/^\d{2}:\d{2}:\d{2}$/.test(t))
    return undefined;
  return new Date(`${d.replace(/\./g, '-')}T${t}Z`);
}

function webhookDevice(body: ZabbixWebhookBody): DeviceRef {
  return {
    externalId: present(body.host_id),
    hostname: present(body.host_host),
    ip: present(body.host_ip),
    fqdn: present(body.host_dns),
  };
}

/** Problem and recovery notifications become health events; updates (acks, notes) none. */
export function toHealthFromWebhook(body: ZabbixWebhookBody, serviceTags: string[]): HealthSeen[] {
  if (body.event_source !== '0' || body.event_update_status === '1') return [];
  const problem = body.event_value === '1';
  const occurredAt = problem
    ? webhookTime(body.event_timestamp, body.event_date, body.event_time)
    : webhookTime(
        body.event_recovery_timestamp,
        body.event_recovery_date,
        body.event_recovery_time,
      );
  if (!occurredAt) throw ConnectorError.invalid(`zabbix webhook ${body.event_id}: no event time`);
  const name = present(body.event_name) ?? '';
  const itemKey = present(body.item_key);
  const tags: ZabbixTag[] = webhookTags(body.event_tags);
  const facts = { name, tags, itemKeys: itemKey ? [itemKey] : [] };
  return [
    {
      type: 'health',
      sourceId: problem ? body.event_id : present(body.event_recovery_id),
      occurredAt,
      device: webhookDevice(body),
      ...healthKind(facts, serviceTags, problem),
      severity: problem ? toSeverity(present(body.event_nseverity)) : undefined,
      // {EVENT.ID} is the problem event on recovery notifications too.
      problemId: body.event_id,
      message: name,
    },
  ];
}
