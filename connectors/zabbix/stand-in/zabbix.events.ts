import {
  applicationError,
  compareValues,
  fieldList,
  idList,
  intValue,
  invalidParams,
  limitRows,
  paramsObject,
  pick,
  sortRows,
  type Params,
} from './zabbix.params';
import type { ZbxAcknowledge, ZbxEvent, ZbxHost, ZbxTrigger } from './zabbix.state';

/** event.get, problem.get and trigger.get over the in-memory events (api doc §6). */

export interface EventData {
  hosts: ZbxHost[];
  triggers: ZbxTrigger[];
  events: ZbxEvent[];
  now: () => Date;
}

const EVENT_FIELDS = [
  'eventid',
  'source',
  'object',
  'objectid',
  'clock',
  'ns',
  'value',
  'acknowledged',
  'name',
  'severity',
  'r_eventid',
  'c_eventid',
  'correlationid',
  'userid',
  'suppressed',
  'opdata',
  'urls',
] as const;

const PROBLEM_FIELDS = [
  'eventid',
  'source',
  'object',
  'objectid',
  'clock',
  'ns',
  'r_eventid',
  'r_clock',
  'r_ns',
  'correlationid',
  'userid',
  'name',
  'acknowledged',
  'severity',
  'suppressed',
  'opdata',
  'urls',
] as const;

const TRIGGER_FIELDS = [
  'triggerid',
  'description',
  'expression',
  'priority',
  'value',
  'status',
  'state',
  'lastchange',
  'error',
  'manual_close',
  'opdata',
  'comments',
  'url',
  'recovery_mode',
  'event_name',
  'flags',
] as const;

const HOST_REF_FIELDS = ['hostid', 'host', 'name', 'status'] as const;
const ITEM_FIELDS = ['itemid', 'hostid', 'key_', 'name', 'type', 'value_type', 'status'] as const;
export const ACK_FIELDS = [
  'acknowledgeid',
  'userid',
  'eventid',
  'clock',
  'message',
  'action',
  'old_severity',
  'new_severity',
] as const;

/** problem.get with recent=true also lists problems resolved within ok_period (default 5m). */
const OK_PERIOD_S = 300;

function eventRow(e: ZbxEvent): Params {
  const { hostid: _h, tags: _t, acknowledges: _a, ...fields } = e;
  return { ...fields, c_eventid: '0', correlationid: '0', userid: '0', urls: [] };
}

function hostRef(data: EventData, hostid: string): Params {
  const h = data.hosts.find((x) => x.hostid === hostid);
  return h ? { hostid: h.hostid, host: h.host, name: h.name, status: h.status } : {};
}

function inRange(value: string, from: string | undefined, till: string | undefined): boolean {
  return (
    (from === undefined || compareValues(value, from) >= 0) &&
    (till === undefined || compareValues(value, till) <= 0)
  );
}

function optId(value: unknown, path: string): string | undefined {
  return idList(value, path)?.[0];
}

function optClock(value: unknown, path: string): string | undefined {
  const n = intValue(value, path);
  return n === undefined ? undefined : String(n);
}

/** The filters event.get and problem.get share. */
function filterEvents(data: EventData, p: Params, rows: ZbxEvent[]): ZbxEvent[] {
  const eventids = idList(p.eventids, '/eventids');
  const objectids = idList(p.objectids, '/objectids');
  const hostids = idList(p.hostids, '/hostids');
  const from = optId(p.eventid_from, '/eventid_from');
  const till = optId(p.eventid_till, '/eventid_till');
  const timeFrom = optClock(p.time_from, '/time_from');
  const timeTill = optClock(p.time_till, '/time_till');
  // Only trigger events (source 0, object 0) exist here; asking for others finds none.
  const source = intValue(p.source, '/source') ?? 0;
  const object = intValue(p.object, '/object') ?? 0;
  if (source !== 0 || object !== 0) return [];
  return rows.filter(
    (e) =>
      (!eventids || eventids.includes(e.eventid)) &&
      (!objectids || objectids.includes(e.objectid)) &&
      (!hostids || hostids.includes(e.hostid)) &&
      inRange(e.eventid, from, till) &&
      inRange(e.clock, timeFrom, timeTill),
  );
}

function values(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    const text = String(v);
    if (text !== '0' && text !== '1')
      throw invalidParams(`Invalid parameter "/value/${i + 1}": value must be one of 0, 1.`);
    return text;
  });
}

export function eventGet(params: unknown, data: EventData): unknown {
  const p = paramsObject(params, [
    'output',
    'eventids',
    'objectids',
    'hostids',
    'source',
    'object',
    'value',
    'eventid_from',
    'eventid_till',
    'time_from',
    'time_till',
    'sortfield',
    'sortorder',
    'limit',
    'selectHosts',
    'selectTags',
    'select_acknowledges',
  ]);
  const output = fieldList(p.output, EVENT_FIELDS, '/output') ?? [...EVENT_FIELDS];
  const hostFields = fieldList(p.selectHosts, HOST_REF_FIELDS, '/selectHosts');
  const tagFields = fieldList(p.selectTags, ['tag', 'value'], '/selectTags');
  const ackFields = fieldList(p.select_acknowledges, ACK_FIELDS, '/select_acknowledges');
  const wanted = values(p.value);
  const rows = filterEvents(data, p, data.events).filter(
    (e) => !wanted || wanted.includes(e.value),
  );
  const sorted = sortRows(rows, p.sortfield, p.sortorder, ['eventid', 'objectid', 'clock']);
  return limitRows(sorted, p.limit).map((e) => {
    const out = pick(eventRow(e), output);
    // An event of a deleted host lists no host; ours never lose theirs.
    if (hostFields) out.hosts = [pick(hostRef(data, e.hostid), hostFields)];
    if (tagFields) out.tags = e.tags.map((t) => pick(t, tagFields));
    if (ackFields) out.acknowledges = e.acknowledges.map((a) => pick(a, ackFields));
    return out;
  });
}

export function problemGet(params: unknown, data: EventData): unknown {
  const p = paramsObject(params, [
    'output',
    'eventids',
    'objectids',
    'hostids',
    'source',
    'object',
    'recent',
    'eventid_from',
    'eventid_till',
    'time_from',
    'time_till',
    'sortfield',
    'sortorder',
    'limit',
    'selectTags',
    'selectAcknowledges',
  ]);
  const output = fieldList(p.output, PROBLEM_FIELDS, '/output') ?? [...PROBLEM_FIELDS];
  const tagFields = fieldList(p.selectTags, ['tag', 'value'], '/selectTags');
  const ackFields = fieldList(p.selectAcknowledges, ACK_FIELDS, '/selectAcknowledges');
  const recentSince = Math.floor(data.now().getTime() / 1000) - OK_PERIOD_S;
  const recovery = (e: ZbxEvent) => data.events.find((x) => x.eventid === e.r_eventid);
  const problems = data.events.filter((e) => {
    if (e.value !== '1') return false;
    const ok = recovery(e);
    return !ok || (p.recent === true && Number(ok.clock) >= recentSince);
  });
  const rows = filterEvents(data, p, problems);
  const sorted = sortRows(rows, p.sortfield, p.sortorder, ['eventid']);
  return limitRows(sorted, p.limit).map((e) => {
    const ok = recovery(e);
    const row = { ...eventRow(e), r_clock: ok?.clock ?? '0', r_ns: ok?.ns ?? '0' };
    const out = pick(row, output);
    if (tagFields) out.tags = e.tags.map((t) => pick(t, tagFields));
    if (ackFields) out.acknowledges = e.acknowledges.map((a: ZbxAcknowledge) => pick(a, ackFields));
    return out;
  });
}

function triggerRow(data: EventData, t: ZbxTrigger): Params {
  const own = data.events.filter((e) => e.objectid === t.triggerid);
  const last = own[own.length - 1];
  const host = data.hosts.find((h) => h.hostid === t.hostid);
  return {
    triggerid: t.triggerid,
    description: t.description,
    expression: `last(/${host?.host ?? t.hostid}/${t.itemKey})<>0`,
    priority: t.priority,
    value: own.some((e) => e.value === '1' && e.r_eventid === '0') ? '1' : '0',
    status: '0',
    state: '0',
    lastchange: last?.clock ?? '0',
    error: '',
    manual_close: '0',
    opdata: '',
    comments: '',
    url: '',
    recovery_mode: '0',
    event_name: '',
    flags: '0',
  };
}

export function triggerGet(params: unknown, data: EventData): unknown {
  const p = paramsObject(params, [
    'output',
    'triggerids',
    'hostids',
    'expandDescription',
    'sortfield',
    'sortorder',
    'limit',
    'selectItems',
    'selectHosts',
    'selectTags',
  ]);
  const output = fieldList(p.output, TRIGGER_FIELDS, '/output') ?? [...TRIGGER_FIELDS];
  const itemFields = fieldList(p.selectItems, ITEM_FIELDS, '/selectItems');
  const hostFields = fieldList(p.selectHosts, HOST_REF_FIELDS, '/selectHosts');
  const tagFields = fieldList(p.selectTags, ['tag', 'value'], '/selectTags');
  const triggerids = idList(p.triggerids, '/triggerids');
  const hostids = idList(p.hostids, '/hostids');
  const rows = data.triggers
    .filter(
      (t) =>
        (!triggerids || triggerids.includes(t.triggerid)) &&
        (!hostids || hostids.includes(t.hostid)),
    )
    .map((t) => ({ ...triggerRow(data, t), _trigger: t }));
  const sortable = ['triggerid', 'description', 'status', 'priority', 'lastchange'];
  if (p.sortfield === 'hostname')
    throw applicationError('Sorting by field "hostname" is not supported by the stand-in.');
  return limitRows(sortRows(rows, p.sortfield, p.sortorder, sortable), p.limit).map(
    ({ _trigger: t, ...row }) => {
      const out = pick(row, output);
      if (itemFields) {
        const item = {
          itemid: t.itemid,
          hostid: t.hostid,
          key_: t.itemKey,
          name: t.itemKey,
          type: '0',
          value_type: '3',
          status: '0',
        };
        out.items = [pick(item, itemFields)];
      }
      if (hostFields) out.hosts = [pick(hostRef(data, t.hostid), hostFields)];
      if (tagFields) out.tags = t.tags.map((x) => pick(x, tagFields));
      return out;
    },
  );
}
