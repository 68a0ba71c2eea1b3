import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { DeviceRef } from '../../connectors/contract/canonical';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { deviceKeys, displayNameOf, externalKey, type DeviceKeys } from './device-keys';
import { Device } from './entities/device.entity';
import { DeviceLink, type MatchedBy } from './entities/device-link.entity';

export interface DeviceHints {
  clientId: string | null;
  displayName?: string;
  role?: string;
  os?: string;
}

const ORDER: {
  by: MatchedBy;
  column: 'serial_key' | 'fqdn_key' | 'hostname_key' | 'ip';
  key: keyof DeviceKeys;
}[] = [
  { by: 'serial', column: 'serial_key', key: 'serial' },
  { by: 'fqdn', column: 'fqdn_key', key: 'fqdn' },
  { by: 'hostname', column: 'hostname_key', key: 'hostname' },
  { by: 'ip', column: 'ip', key: 'ip' },
];

/**
 * Finds or creates the canonical device for one tool's reference. A tool's record keeps its
 * link (manual overrides included); a new record is matched by serial, FQDN, hostname, then
 * IP, within its client when known (IP only within its own client, and never against a device
 * of another name); when nothing or more than one device matches it becomes a device of its
 * own (listed as unmatched), never dropped.
 */
export async function resolveDevice(
  m: EntityManager,
  instanceId: string,
  ref: DeviceRef,
  hints: DeviceHints,
  recent?: RecentDevices,
): Promise<Device> {
  const keys = deviceKeys(ref);
  const key = externalKey(ref, keys);
  if (!key)
    throw ConnectorError.invalid('device: no identifier (id, hostname, fqdn, ip or serial)');
  const seen = recent?.get(recentKey(instanceId, ref));
  if (seen) return remember(recent, instanceId, ref, await refresh(m, seen, keys, hints));
  return remember(recent, instanceId, ref, await matchDevice(m, instanceId, ref, keys, key, hints));
}

/**
 * The devices one record's events already resolved, by the exact reference: a record often
 * says the device's facts and then its news about the same device. Whoever changes a device
 * row some other way (its online state, its boot) clears it.
 */
export type RecentDevices = Map<string, Device>;

const recentKey = (instanceId: string, ref: DeviceRef) => `${instanceId} ${JSON.stringify(ref)}`;

function remember(
  recent: RecentDevices | undefined,
  instanceId: string,
  ref: DeviceRef,
  device: Device,
): Device {
  recent?.set(recentKey(instanceId, ref), device);
  return device;
}

async function matchDevice(
  m: EntityManager,
  instanceId: string,
  ref: DeviceRef,
  keys: DeviceKeys,
  key: string,
  hints: DeviceHints,
): Promise<Device> {
  const now = new Date();
  const links = m.getRepository(DeviceLink);
  const devices = m.getRepository(Device);

  const found = await linkedDevice(m, instanceId, key);
  if (found) {
    const { link } = found;
    const changed = (['hostname', 'fqdn', 'ip', 'serial'] as const).some(
      (k) => ref[k] !== undefined && ref[k] !== link[k],
    );
    // last_seen_at is for people reading the inventory: minutes are precise enough.
    if (changed || now.getTime() - new Date(link.lastSeenAt).getTime() > 5 * 60_000) {
      await links.update(
        { id: link.id },
        {
          lastSeenAt: now,
          hostname: ref.hostname ?? link.hostname,
          fqdn: ref.fqdn ?? link.fqdn,
          ip: ref.ip ?? link.ip,
          serial: ref.serial ?? link.serial,
        },
      );
    }
    return refresh(m, found.device, keys, hints);
  }

  let device: Device | null = null;
  let matchedBy: MatchedBy = 'new';
  for (const step of ORDER) {
    const value = keys[step.key];
    if (!value) continue;
    // MSP clients share private ranges and DHCP moves addresses: an IP may confirm a match
    // within the record's own client, never decide one across clients or hostnames.
    if (step.by === 'ip' && !hints.clientId) continue;
    const scope =
      step.by === 'ip'
        ? 'd.client_id = :client'
        : hints.clientId
          ? '(d.client_id = :client OR d.client_id IS NULL)'
          : 'TRUE';
    const rows: Device[] = await devices
      .createQueryBuilder('d')
      .where(`d.${step.column} = :value`, { value })
      .andWhere(scope, { client: hints.clientId })
      .limit(2)
      .getMany();
    const candidates = step.by === 'ip' ? rows.filter((d) => !namesConflict(d, keys)) : rows;
    if (rows.length === 1 && candidates.length === 1) {
      device = candidates[0];
      matchedBy = step.by;
      break;
    }
  }
  if (!device) {
    device = devices.create({
      id: randomUUID(),
      clientId: hints.clientId,
      displayName: hints.displayName ?? displayNameOf(ref),
      hostnameKey: keys.hostname,
      fqdnKey: keys.fqdn,
      ip: keys.ip,
      serialKey: keys.serial,
      role: hints.role ?? null,
      os: hints.os ?? null,
    });
    await devices.insert(device);
  } else {
    device = await refresh(m, device, keys, hints);
  }
  await links.insert({
    id: randomUUID(),
    deviceId: device.id,
    instanceId,
    externalKey: key,
    externalId: ref.externalId ?? null,
    hostname: ref.hostname ?? null,
    fqdn: ref.fqdn ?? null,
    ip: ref.ip ?? null,
    serial: ref.serial ?? null,
    matchedBy,
    firstSeenAt: now,
    lastSeenAt: now,
  });
  return device;
}

type SeenLink = Pick<DeviceLink, 'id' | 'hostname' | 'fqdn' | 'ip' | 'serial' | 'lastSeenAt'>;

/** The device row as the entity's properties, for raw statements on the hot path. */
const DEVICE_COLUMNS = `d.id, d.client_id AS "clientId", d.display_name AS "displayName",
  d.hostname_key AS "hostnameKey", d.fqdn_key AS "fqdnKey", d.ip, d.serial_key AS "serialKey",
  d.role, d.os, d.online, d.online_at AS "onlineAt", d.last_boot_at AS "lastBootAt",
  d.reboot_pending AS "rebootPending", d.reboot_pending_at AS "rebootPendingAt",
  d.reboot_pending_reason AS "rebootPendingReason", d.created_at AS "createdAt",
  d.updated_at AS "updatedAt"`;

/**
 * A tool's record linked before, and its device, in one round trip (the storm's common case:
 * one per record). Plain SQL, not the query builder: building and hydrating it cost more than
 * the database's answer.
 */
async function linkedDevice(
  m: EntityManager,
  instanceId: string,
  key: string,
): Promise<{ device: Device; link: SeenLink } | null> {
  const rows: (Device & {
    linkId: string;
    linkHostname: string | null;
    linkFqdn: string | null;
    linkIp: string | null;
    linkSerial: string | null;
    linkLastSeenAt: Date;
  })[] = await m.query(
    `SELECT ${DEVICE_COLUMNS}, l.id AS "linkId", l.hostname AS "linkHostname", l.fqdn AS "linkFqdn",
            l.ip AS "linkIp", l.serial AS "linkSerial", l.last_seen_at AS "linkLastSeenAt"
       FROM device_link l JOIN device d ON d.id = l.device_id
      WHERE l.instance_id = $1 AND l.external_key = $2`,
    [instanceId, key],
  );
  if (rows.length === 0) return null;
  const { linkId, linkHostname, linkFqdn, linkIp, linkSerial, linkLastSeenAt, ...device } = rows[0];
  return {
    device: m.getRepository(Device).create(device),
    link: {
      id: linkId,
      hostname: linkHostname,
      fqdn: linkFqdn,
      ip: linkIp,
      serial: linkSerial,
      lastSeenAt: linkLastSeenAt,
    },
  };
}

/** Both name the machine, differently: the same address is then a coincidence, not a match. */
function namesConflict(device: Device, keys: DeviceKeys): boolean {
  if (device.hostnameKey && keys.hostname && device.hostnameKey !== keys.hostname) return true;
  return Boolean(device.fqdnKey && keys.fqdn && device.fqdnKey !== keys.fqdn);
}

/** Fills identifiers the device lacked; never overwrites what another tool established. */
async function refresh(
  m: EntityManager,
  device: Device,
  keys: DeviceKeys,
  hints: DeviceHints,
): Promise<Device> {
  const patch: Partial<Device> = {};
  if (!device.clientId && hints.clientId) patch.clientId = hints.clientId;
  if (!device.hostnameKey && keys.hostname) patch.hostnameKey = keys.hostname;
  if (!device.fqdnKey && keys.fqdn) patch.fqdnKey = keys.fqdn;
  if (!device.ip && keys.ip) patch.ip = keys.ip;
  if (!device.serialKey && keys.serial) patch.serialKey = keys.serial;
  if (hints.role && device.role !== hints.role) patch.role = hints.role;
  if (hints.os && device.os !== hints.os) patch.os = hints.os;
  if (Object.keys(patch).length === 0) return device;
  await m.getRepository(Device).update({ id: device.id }, patch);
  return { ...device, ...patch };
}
