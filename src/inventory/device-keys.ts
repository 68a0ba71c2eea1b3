import { isIP } from 'node:net';
import type { DeviceRef } from '../../connectors/contract/canonical';

/** Serials that firmware ships unset: they match everything, so they identify nothing. */
const JUNK_SERIALS = new Set([
  '',
  '0',
  'NONE',
  'N/A',
  'DEFAULT STRING',
  'TO BE FILLED BY O.E.M.',
  'SYSTEM SERIAL NUMBER',
  '0123456789',
  'NOT SPECIFIED',
  'CHASSIS SERIAL NUMBER',
]);

export interface DeviceKeys {
  hostname: string | null;
  fqdn: string | null;
  ip: string | null;
  serial: string | null;
}

const clean = (v: string | undefined) => (v ?? '').trim();

/** Normalised identifiers: short hostname, FQDN, IP and serial as matching compares them. */
export function deviceKeys(ref: DeviceRef): DeviceKeys {
  const host = clean(ref.hostname).toLowerCase().replace(/\.$/, '');
  const isIp = isIP(host) !== 0;
  const fqdnRaw =
    clean(ref.fqdn).toLowerCase().replace(/\.$/, '') || (host.includes('.') && !isIp ? host : '');
  const shortName = host && !isIp ? host.split('.')[0] : fqdnRaw ? fqdnRaw.split('.')[0] : '';
  const serial = clean(ref.serial).toUpperCase();
  const given = clean(ref.ip).toLowerCase();
  // Only a real address is a key: "not-an-ip" or "999.1.1.1" would match every such record.
  const ip = isIP(given) !== 0 ? given : isIp ? host : '';
  const usableIp = ip && !/^(127\.|169\.254\.|0\.0\.0\.0$|::1$|fe80:)/.test(ip) ? ip : '';
  return {
    hostname: shortName || null,
    fqdn: fqdnRaw.includes('.') ? fqdnRaw : null,
    ip: usableIp || null,
    serial: JUNK_SERIALS.has(serial) ? null : serial,
  };
}

/** The key a tool's record is linked by: its own id, else its most specific identifier. */
export function externalKey(ref: DeviceRef, keys: DeviceKeys): string | null {
  if (ref.externalId) return `id:${ref.externalId}`;
  if (keys.serial) return `serial:${keys.serial}`;
  if (keys.fqdn) return `fqdn:${keys.fqdn}`;
  if (keys.hostname) return `host:${keys.hostname}`;
  if (keys.ip) return `ip:${keys.ip}`;
  return null;
}

export function displayNameOf(ref: DeviceRef): string {
  return (
    clean(ref.hostname) ||
    clean(ref.fqdn) ||
    clean(ref.ip) ||
    clean(ref.serial) ||
    clean(ref.externalId) ||
    'unknown'
  );
}
