import {
  fieldList,
  idList,
  limitRows,
  paramsObject,
  pick,
  sortRows,
  type Params,
} from './zabbix.params';
import type { ZbxHost, ZbxHostGroup } from './zabbix.state';

/** hostgroup.get and host.get (6.0 parameter names: selectGroups, not selectHostGroups). */

export const GROUP_FIELDS = ['groupid', 'name', 'internal', 'flags', 'uuid'] as const;

const HOST_FIELDS = [
  'hostid',
  'proxy_hostid',
  'host',
  'status',
  'maintenanceid',
  'maintenance_status',
  'maintenance_type',
  'maintenance_from',
  'name',
  'flags',
  'description',
  'inventory_mode',
] as const;

const INTERFACE_FIELDS = [
  'interfaceid',
  'hostid',
  'main',
  'type',
  'useip',
  'ip',
  'dns',
  'port',
  'available',
  'error',
  'errors_from',
  'disable_until',
  'details',
] as const;

const INVENTORY_FIELDS = [
  'type',
  'name',
  'alias',
  'os',
  'os_full',
  'os_short',
  'serialno_a',
  'serialno_b',
  'tag',
  'asset_tag',
  'macaddress_a',
  'macaddress_b',
  'hardware',
  'software',
  'contact',
  'location',
  'vendor',
  'model',
] as const;

export function groupRow(g: ZbxHostGroup): Params {
  const internal = g.name === 'Discovered hosts' ? '1' : '0';
  return { groupid: g.groupid, name: g.name, internal, flags: '0', uuid: '' };
}

export function hostGroupGet(params: unknown, groups: ZbxHostGroup[]): unknown {
  const p = paramsObject(params, ['output', 'groupids', 'sortfield', 'sortorder', 'limit']);
  const output = fieldList(p.output, GROUP_FIELDS, '/output') ?? [...GROUP_FIELDS];
  const ids = idList(p.groupids, '/groupids');
  const rows = groups.filter((g) => !ids || ids.includes(g.groupid)).map(groupRow);
  const sorted = sortRows(rows, p.sortfield, p.sortorder, ['groupid', 'name']);
  return limitRows(sorted, p.limit).map((r) => pick(r, output));
}

function hostRow(h: ZbxHost): Params {
  return {
    hostid: h.hostid,
    proxy_hostid: '0',
    host: h.host,
    status: h.status,
    maintenanceid: '0',
    maintenance_status: h.maintenance_status,
    maintenance_type: '0',
    maintenance_from: '0',
    name: h.name,
    flags: '0',
    description: '',
    inventory_mode: h.inventory ? '0' : '-1',
  };
}

export function hostGet(params: unknown, hosts: ZbxHost[], groups: ZbxHostGroup[]): unknown {
  const p = paramsObject(params, [
    'output',
    'hostids',
    'groupids',
    'sortfield',
    'sortorder',
    'limit',
    'selectInterfaces',
    'selectGroups',
    'selectInventory',
    'selectTags',
  ]);
  const output = fieldList(p.output, HOST_FIELDS, '/output') ?? [...HOST_FIELDS];
  const interfaces = fieldList(p.selectInterfaces, INTERFACE_FIELDS, '/selectInterfaces');
  const groupFields = fieldList(p.selectGroups, GROUP_FIELDS, '/selectGroups');
  const inventory = fieldList(p.selectInventory, INVENTORY_FIELDS, '/selectInventory');
  const tags = fieldList(p.selectTags, ['tag', 'value'], '/selectTags');
  const hostids = idList(p.hostids, '/hostids');
  const groupids = idList(p.groupids, '/groupids');
  const matching = hosts.filter(
    (h) =>
      (!hostids || hostids.includes(h.hostid)) &&
      (!groupids || h.groupids.some((g) => groupids.includes(g))),
  );
  const sorted = sortRows(
    matching.map((h) => ({ ...hostRow(h), _host: h })),
    p.sortfield,
    p.sortorder,
    ['hostid', 'host', 'name', 'status'],
  );
  return limitRows(sorted, p.limit).map(({ _host: h, ...row }) => {
    const out = pick(row, output);
    if (interfaces)
      out.interfaces = h.interfaces.map((i) =>
        pick(
          { ...i, hostid: h.hostid, error: '', errors_from: '0', disable_until: '0', details: [] },
          interfaces,
        ),
      );
    if (groupFields)
      out.groups = h.groupids
        .map((id) => groups.find((g) => g.groupid === id))
        .filter((g): g is ZbxHostGroup => g !== undefined)
        .map((g) => pick(groupRow(g), groupFields));
    if (inventory)
      out.inventory = h.inventory
        ? Object.fromEntries(inventory.map((f) => [f, h.inventory?.[f] ?? '']))
        : []; // inventory disabled: Zabbix answers an empty array, not an object
    if (tags) out.tags = h.tags.map((t) => pick(t, tags));
    return out;
  });
}
