/**
 * Raw Zabbix shapes as the JSON-RPC API returns them (6.0 names). Every number arrives as a
 * string; ids are 64-bit, so they stay strings.
 */

export interface ZabbixTag {
  tag: string;
  value: string;
}

export interface ZabbixHostGroup {
  groupid: string;
  name: string;
}

export interface ZabbixInterface {
  interfaceid?: string;
  /** 1 agent, 2 SNMP, 3 IPMI, 4 JMX. */
  type: string;
  /** "1" on the default interface of its type. */
  main: string;
  /** "1": connect by ip, "0": by dns. */
  useip: string;
  ip: string;
  dns: string;
  port?: string;
  /** 0 unknown, 1 available, 2 unavailable (6.0 keeps availability per interface). */
  available?: string;
  error?: string;
}

/** host_inventory fields we read; `[]` when inventory is disabled on the host. */
export interface ZabbixInventory {
  os?: string;
  os_short?: string;
  serialno_a?: string;
  macaddress_a?: string;
}

export interface ZabbixHost {
  hostid: string;
  /** Technical name: unique, what agents and senders use. */
  host: string;
  /** Visible name; equals `host` when not set. */
  name: string;
  status?: string;
  maintenance_status?: string;
  interfaces?: ZabbixInterface[];
  /** selectGroups (6.0). */
  groups?: ZabbixHostGroup[];
  /** selectHostGroups (6.2+). */
  hostgroups?: ZabbixHostGroup[];
  tags?: ZabbixTag[];
  inventory?: ZabbixInventory | [];
}

export interface ZabbixEventHost {
  hostid: string;
  host: string;
  name: string;
}

export interface ZabbixEvent {
  eventid: string;
  source: string;
  object: string;
  objectid: string;
  clock: string;
  ns?: string;
  /** "1" problem, "0" OK (recovery). */
  value: string;
  name: string;
  /** 0–5; a recovery event carries 0. */
  severity: string;
  /** On a problem event: the OK event that closed it, "0" while open. */
  r_eventid?: string;
  acknowledged?: string;
  suppressed?: string;
  opdata?: string;
  hosts?: ZabbixEventHost[];
  tags?: ZabbixTag[];
}

export interface ZabbixTriggerItems {
  triggerid: string;
  items: { itemid: string; key_: string }[];
}

/**
 * What pullHealth stores per event: the event as event.get returned it, the keys of the items
 * its trigger reads (service names live there), and for a recovery the problem events it closed.
 */
export interface ZabbixEventRecord {
  event: ZabbixEvent;
  itemKeys: string[];
  problemEventIds?: string[];
}

/**
 * Body the shipped Switchboard media type posts (media-type/switchboard.media.js). Values are
 * macro expansions, so any of them may still read like "{EVENT.RECOVERY.ID}" when it does not
 * apply; the script adds the *_timestamp fields (ISO, UTC) from the server's local date/time.
 */
export interface ZabbixWebhookBody {
  event_source: string;
  event_value: string;
  event_update_status?: string;
  event_id: string;
  event_recovery_id?: string;
  event_name?: string;
  event_status?: string;
  event_nseverity?: string;
  event_severity?: string;
  event_date?: string;
  event_time?: string;
  event_recovery_date?: string;
  event_recovery_time?: string;
  event_update_date?: string;
  event_update_time?: string;
  event_timestamp?: string;
  event_recovery_timestamp?: string;
  event_update_timestamp?: string;
  event_tags?: ZabbixTag[] | string;
  event_opdata?: string;
  event_ack_status?: string;
  event_update_action?: string;
  event_update_message?: string;
  event_update_user?: string;
  host_id?: string;
  host_host?: string;
  host_name?: string;
  host_ip?: string;
  host_dns?: string;
  trigger_id?: string;
  trigger_status?: string;
  item_key?: string;
  alert_subject?: string;
  alert_message?: string;
  zabbix_url?: string;
}

export interface JsonRpcError {
  code: number;
  message: string;
  data?: string;
}

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: number | string | null;
  result?: unknown;
  error?: JsonRpcError;
}

/** The API version as apiinfo.version reports it, e.g. 6.0.14 → { major: 6, minor: 0 }. */
export interface ZabbixVersion {
  text: string;
  major: number;
  minor: number;
}
