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

/** A tool's record linked before, and its device, in one round trip (the storm's common case). */
async function linkedDevice(
  m: EntityManager,
  instanceId: string,
  key: string,
): Promise<{ device: Device; link: SeenLink } | null> {
  const { entities, raw } = await m
    .getRepository(Device)
    .createQueryBuilder('d')
    .innerJoin(DeviceLink, 'l', 'l.device_id = d.id')
    .addSelect('l.id', 'link_id')
    .addSelect('l.hostname', 'link_hostname')
    .addSelect('l.fqdn', 'link_fqdn')
    .addSelect('l.ip', 'link_ip')
    .addSelect('l.serial', 'link_serial')
    .addSelect('l.last_seen_at', 'link_last_seen_at')
    .where('l.instance_id = :instanceId AND l.external_key = :key', { instanceId, key })
    .getRawAndEntities<Record<string, string | Date | null>>();
  if (entities.length === 0) return null;
  const r = raw[0];
  return {
    device: entities[0],
    link: {
      id: r.link_id as string,
      hostname: r.link_hostname as string | null,
      fqdn: r.link_fqdn as string | null,
      ip: r.link_ip as string | null,
      serial: r.link_serial as string | null,
      lastSeenAt: r.link_last_seen_at as Date,
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
