import type { ZabbixAdmin } from './zabbix-admin';

/** What a real spec creates on the server; all of it is deleted by dropObjects. */
export interface ZabbixObjects {
  groupid?: string;
  hostid?: string;
  triggerid?: string;
  tokenid?: string;
  mediatypeid?: string;
  usrgrpid?: string;
  userid?: string;
  actionid?: string;
}

export const SERVICE_ITEM_KEY = 'service_state[MSSQLSERVER]';

/**
 * A client host group, a Windows SQL host in it, a trapper item for MSSQLSERVER's state and the
 * trigger that fires when it is 0 (tagged service=MSSQLSERVER, as the Windows template does).
 */
export async function createServiceHost(
  admin: ZabbixAdmin,
  created: ZabbixObjects,
  names: { group: string; host: string; visible: string },
): Promise<void> {
  const group = await admin.call<{ groupids: string[] }>('hostgroup.create', { name: names.group });
  created.groupid = group.groupids[0];
  const host = await admin.call<{ hostids: string[] }>('host.create', {
    host: names.host,
    name: names.visible,
    groups: [{ groupid: created.groupid }],
    interfaces: [
      { type: 1, main: 1, useip: 1, ip: '10.20.4.31', dns: 'sql01.acme.example', port: '10050' },
    ],
    inventory_mode: 0,
    inventory: { os: 'Windows Server 2019', serialno_a: 'CZ1234X9' },
  });
  created.hostid = host.hostids[0];
  await admin.call('item.create', {
    hostid: created.hostid,
    name: 'MSSQLSERVER state (1 running, 0 stopped)',
    key_: SERVICE_ITEM_KEY,
    type: 2,
    value_type: 3,
  });
  const trigger = await admin.call<{ triggerids: string[] }>('trigger.create', {
    description: 'MSSQLSERVER is not running on {HOST.NAME}',
    expression: `last(/${names.host}/${SERVICE_ITEM_KEY})=0`,
    priority: 4,
    tags: [{ tag: 'service', value: 'MSSQLSERVER' }],
  });
  created.triggerid = trigger.triggerids[0];
}

/**
 * The install steps of connectors/zabbix/README.md: a user that may read the group, with a
 * media of the Switchboard type sent to `sendTo`, and an action that notifies it of problems,
 * recoveries and updates in that group. Zabbix never notifies the user who acted.
 */
export async function notifyThroughMedia(
  admin: ZabbixAdmin,
  created: ZabbixObjects,
  options: { run: string; sendTo: string },
): Promise<void> {
  const usergroup = await admin.call<{ usrgrpids: string[] }>('usergroup.create', {
    name: `switchboard-${options.run}`,
    rights: [{ permission: 2, id: created.groupid }],
  });
  created.usrgrpid = usergroup.usrgrpids[0];
  const user = await admin.call<{ userids: string[] }>('user.create', {
    username: `switchboard-${options.run}`,
    passwd: `Pw-${options.run}-${Math.random().toString(36).slice(2)}`,
    roleid: '1',
    usrgrps: [{ usrgrpid: created.usrgrpid }],
    medias: [
      {
        mediatypeid: created.mediatypeid,
        sendto: options.sendTo,
        active: 0,
        severity: 63,
        period: '1-7,00:00-24:00',
      },
    ],
  });
  created.userid = user.userids[0];
  const message = {
    opmessage: { default_msg: 1, mediatypeid: created.mediatypeid },
    opmessage_usr: [{ userid: created.userid }],
  };
  const action = await admin.call<{ actionids: string[] }>('action.create', {
    name: `switchboard-${options.run}`,
    eventsource: 0,
    status: 0,
    esc_period: '1h',
    filter: {
      evaltype: 0,
      conditions: [{ conditiontype: 0, operator: 0, value: created.groupid }],
    },
    operations: [{ operationtype: 0, ...message }],
    recovery_operations: [{ operationtype: 0, ...message }],
    update_operations: [{ operationtype: 0, ...message }],
  });
  created.actionid = action.actionids[0];
}

/** An API token of the Admin user, as the README tells an MSP to make one. */
export async function createApiToken(
  admin: ZabbixAdmin,
  created: ZabbixObjects,
  name: string,
): Promise<string> {
  const [me] = await admin.call<{ userid: string }[]>('user.get', {
    output: ['userid'],
    filter: { username: 'Admin' },
  });
  const { tokenids } = await admin.call<{ tokenids: string[] }>('token.create', {
    name,
    userid: me.userid,
  });
  created.tokenid = tokenids[0];
  const [generated] = await admin.call<{ token: string }[]>('token.generate', tokenids);
  return generated.token;
}

export async function dropObjects(admin: ZabbixAdmin, created: ZabbixObjects): Promise<void> {
  const drop = async (method: string, id: string | undefined) => {
    if (id) await admin.call(method, [id]).catch(() => undefined);
  };
  await drop('action.delete', created.actionid);
  await drop('user.delete', created.userid);
  await drop('usergroup.delete', created.usrgrpid);
  await drop('host.delete', created.hostid);
  await drop('hostgroup.delete', created.groupid);
  await drop('token.delete', created.tokenid);
  await drop('mediatype.delete', created.mediatypeid);
}
