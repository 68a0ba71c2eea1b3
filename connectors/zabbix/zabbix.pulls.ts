import { createHash } from 'node:crypto';
import type { Page, RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { ZabbixClient } from './zabbix.client';
import type { ZabbixSettings } from './zabbix.settings';
import type { ZabbixEvent, ZabbixEventRecord, ZabbixVersion } from './zabbix.types';
import {
  expectList,
  isEvent,
  isHost,
  isHostGroup,
  isId,
  isObj,
  isTriggerItems,
} from './zabbix.validate';

export const HOSTGROUP_RECORD = 'hostgroup';
export const HOST_RECORD = 'host';
export const EVENT_RECORD = 'event';

const EVENT_OUTPUT = [
  'eventid',
  'source',
  'object',
  'objectid',
  'clock',
  'ns',
  'value',
  'name',
  'severity',
  'r_eventid',
  'acknowledged',
  'suppressed',
  'opdata',
];
const INTERFACE_OUTPUT = ['interfaceid', 'type', 'main', 'useip', 'ip', 'dns', 'port', 'available'];

/** Ids are 64-bit decimal strings: compare by length, then text. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** A host or group record changes when its content does; the key names that version. */
function versionKey(kind: string, id: string, payload: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(payload)).digest('hex').slice(0, 16);
  return `${kind}:${id}:${hash}`;
}

function cursorId(stream: string, cursor: string | null): string | null {
  if (cursor === null) return null;
  if (!isId(cursor)) throw ConnectorError.invalid(`zabbix ${stream} cursor: not a numeric id`);
  return cursor;
}

/** 6.2 moved templates out of host groups and renamed host.get's selectGroups. */
function groupSelector(version: ZabbixVersion): string {
  return version.major > 6 || (version.major === 6 && version.minor >= 2)
    ? 'selectHostGroups'
    : 'selectGroups';
}

function isHostId(value: unknown): value is { hostid: string } {
  return isObj(value) && isId(value.hostid);
}

function isProblemLink(value: unknown): value is { eventid: string; r_eventid: string } {
  return isObj(value) && isId(value.eventid) && isId(value.r_eventid);
}

/**
 * The two pulls. The API has no offset: hosts are paged by walking the sorted id list, events
 * by `eventid_from` after the last id seen (the health cursor).
 */
export class ZabbixPulls {
  constructor(
    private readonly client: ZabbixClient,
    private readonly settings: ZabbixSettings,
    private readonly clock: () => Date,
  ) {}

  /** Cursor = last hostid of the previous page; "0" (or null) starts a full walk with groups. */
  async devices(cursor: string | null): Promise<Page> {
    const after = cursorId('devices', cursor) ?? '0';
    const version = await this.client.version();
    const records: RawRecord[] = [];
    if (after === '0') {
      const params = { output: ['groupid', 'name'], sortfield: 'groupid' };
      const groups = expectList(
        'hostgroup.get',
        await this.client.call('hostgroup.get', params),
        isHostGroup,
      );
      for (const g of groups)
        records.push({
          type: HOSTGROUP_RECORD,
          dedupeKey: versionKey('hostgroup', g.groupid, g),
          payload: g,
        });
    }
    const listed = await this.client.call('host.get', { output: ['hostid'], sortfield: 'hostid' });
    const ids = expectList('host.get', listed, isHostId)
      .map((h) => h.hostid)
      .filter((id) => compareIds(id, after) > 0)
      .sort(compareIds);
    const chunk = ids.slice(0, this.settings.pageSize);
    if (chunk.length > 0) {
      const params = {
        hostids: chunk,
        output: ['hostid', 'host', 'name', 'status', 'maintenance_status'],
        selectInterfaces: INTERFACE_OUTPUT,
        [groupSelector(version)]: ['groupid', 'name'],
        selectInventory: ['os', 'os_short', 'serialno_a', 'macaddress_a'],
        sortfield: 'hostid',
      };
      const hosts = expectList('host.get', await this.client.call('host.get', params), isHost);
      for (const h of hosts)
        records.push({ type: HOST_RECORD, dedupeKey: versionKey('host', h.hostid, h), payload: h });
    }
    const more = ids.length > chunk.length;
    // At the end the cursor goes back to "0", so the next poll walks everything again.
    return { records, cursor: more ? chunk[chunk.length - 1] : '0', more };
  }

  /** Cursor = last event id stored; without one, events of the last initialLookbackHours. */
  async health(cursor: string | null): Promise<Page> {
    const after = cursorId('health', cursor);
    const params: Record<string, unknown> = {
      output: EVENT_OUTPUT,
      source: 0,
      object: 0,
      selectHosts: ['hostid', 'host', 'name'],
      selectTags: ['tag', 'value'],
      sortfield: ['eventid'],
      sortorder: 'ASC',
      limit: this.settings.pageSize,
    };
    // eventid_from is inclusive.
    if (after !== null) params.eventid_from = (BigInt(after) + 1n).toString();
    else
      params.time_from =
        Math.floor(this.clock().getTime() / 1000) - this.settings.initialLookbackHours * 3600;
    const events = expectList('event.get', await this.client.call('event.get', params), isEvent);
    if (events.length === 0) return { records: [], cursor: null, more: false };
    const itemKeys = await this.itemKeys(events);
    const closed = await this.closedProblems(events.filter((e) => e.value === '0'));
    const records = events.map((event): RawRecord => {
      const payload: ZabbixEventRecord = { event, itemKeys: itemKeys.get(event.objectid) ?? [] };
      if (event.value === '0') payload.problemEventIds = closed.get(event.eventid) ?? [];
      return { type: EVENT_RECORD, dedupeKey: `event:${event.eventid}`, payload };
    });
    return {
      records,
      cursor: events[events.length - 1].eventid,
      more: events.length >= this.settings.pageSize,
    };
  }

  /** Item keys per trigger: the reliable place for a service name (service.info[MSSQLSERVER]). */
  private async itemKeys(events: ZabbixEvent[]): Promise<Map<string, string[]>> {
    const triggerids = [...new Set(events.map((e) => e.objectid))];
    const params = { triggerids, output: ['triggerid'], selectItems: ['itemid', 'key_'] };
    const triggers = expectList(
      'trigger.get',
      await this.client.call('trigger.get', params),
      isTriggerItems,
    );
    return new Map(triggers.map((t) => [t.triggerid, t.items.map((i) => i.key_)]));
  }

  /**
   * OK event id → the problem events it closed. An OK event does not name its problem; the
   * problem names its OK event (r_eventid), so read the trigger's latest problems before it.
   * The look-back is bounded (one per recovery + 20), enough unless problems were closed
   * out of order in bulk; a miss leaves the recovery without a problemId.
   */
  private async closedProblems(recoveries: ZabbixEvent[]): Promise<Map<string, string[]>> {
    const byTrigger = new Map<string, ZabbixEvent[]>();
    for (const e of recoveries)
      byTrigger.set(e.objectid, [...(byTrigger.get(e.objectid) ?? []), e]);
    const closed = new Map<string, string[]>();
    for (const [objectid, oks] of byTrigger) {
      const params = {
        output: ['eventid', 'r_eventid'],
        source: 0,
        object: 0,
        objectids: [objectid],
        value: [1],
        eventid_till: oks[oks.length - 1].eventid,
        sortfield: ['eventid'],
        sortorder: 'DESC',
        limit: oks.length + 20,
      };
      const rows = expectList(
        'event.get',
        await this.client.call('event.get', params),
        isProblemLink,
      );
      const wanted = new Set(oks.map((e) => e.eventid));
      for (const row of [...rows].reverse()) {
        if (wanted.has(row.r_eventid))
          closed.set(row.r_eventid, [...(closed.get(row.r_eventid) ?? []), row.eventid]);
      }
    }
    return closed;
  }
}
