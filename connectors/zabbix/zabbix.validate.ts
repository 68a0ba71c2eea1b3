import { ConnectorError } from '../contract/connector-error';
import type {
  ZabbixEvent,
  ZabbixEventRecord,
  ZabbixHost,
  ZabbixHostGroup,
  ZabbixTag,
  ZabbixTriggerItems,
} from './zabbix.types';

type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const ID = /^\d{1,20}$/;

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string';
}

function isTagList(value: unknown): value is ZabbixTag[] {
  return Array.isArray(value) && value.every((t) => isObj(t) && isText(t.tag) && isText(t.value));
}

export function isHostGroup(value: unknown): value is ZabbixHostGroup {
  return isObj(value) && isId(value.groupid) && isText(value.name);
}

export function isHost(value: unknown): value is ZabbixHost {
  if (!isObj(value) || !isId(value.hostid) || !isText(value.host) || !isText(value.name))
    return false;
  const lists = [value.groups, value.hostgroups].filter((l) => l !== undefined);
  if (!lists.every((l) => Array.isArray(l) && l.every(isHostGroup))) return false;
  if (value.interfaces !== undefined && !Array.isArray(value.interfaces)) return false;
  return value.tags === undefined || isTagList(value.tags);
}

export function isEvent(value: unknown): value is ZabbixEvent {
  return (
    isObj(value) &&
    isId(value.eventid) &&
    isId(value.objectid) &&
    isText(value.clock) &&
    /^\d+$/.test(value.clock) &&
    (value.value === '0' || value.value === '1') &&
    isText(value.name) &&
    isText(value.severity) &&
    (value.hosts === undefined ||
      (Array.isArray(value.hosts) &&
        value.hosts.every((h) => isObj(h) && isId(h.hostid) && isText(h.host)))) &&
    (value.tags === undefined || isTagList(value.tags))
  );
}

export function isTriggerItems(value: unknown): value is ZabbixTriggerItems {
  return (
    isObj(value) &&
    isId(value.triggerid) &&
    Array.isArray(value.items) &&
    value.items.every((i) => isObj(i) && isText(i.key_))
  );
}

export function isEventRecord(value: unknown): value is ZabbixEventRecord {
  return (
    isObj(value) &&
    isEvent(value.event) &&
    Array.isArray(value.itemKeys) &&
    value.itemKeys.every(isText) &&
    (value.problemEventIds === undefined ||
      (Array.isArray(value.problemEventIds) && value.problemEventIds.every(isId)))
  );
}

/** A `*.get` result must be an array of the expected objects; anything else is 'invalid'. */
export function expectList<T>(method: string, result: unknown, guard: (v: unknown) => v is T): T[] {
  if (!Array.isArray(result)) throw ConnectorError.invalid(`zabbix ${method}: expected a list`);
  const bad = result.findIndex((r) => !guard(r));
  if (bad >= 0) throw ConnectorError.invalid(`zabbix ${method}: malformed entry at index ${bad}`);
  return result as T[];
}
