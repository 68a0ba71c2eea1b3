import type { DeviceRef } from '../contract/canonical';
import type { ExternalRef } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { VendorRecord } from './ninjaone.validate';

const KB_IN_TEXT = /\bKB\s?(\d{4,8})\b/i;

/** 'KB5046616' from a kbNumber written with or without the prefix, or from a title. */
export function kbOf(kbNumber: string | undefined, text?: string): string | undefined {
  const digits = kbNumber?.trim().replace(/^KB\s?/i, '');
  if (digits && /^\d+$/.test(digits)) return `KB${digits}`;
  const inText = text?.match(KB_IN_TEXT);
  return inText ? `KB${inText[1]}` : undefined;
}

/** The identifiers of a device record, in the shapes DeviceRef matching expects. */
export function toDeviceRef(device: VendorRecord, id: number): DeviceRef {
  const systemName = device.optStr('systemName');
  const dnsName = device.optStr('dnsName');
  const ip = device.optStrings('ipAddresses')?.find((a) => a.trim() !== '');
  return {
    externalId: String(id),
    hostname: systemName ?? dnsName?.split('.')[0],
    fqdn: dnsName?.includes('.') ? dnsName : undefined,
    ip,
    serial: device.optObject('system')?.optStr('serialNumber'),
  };
}

/** The numeric NinjaOne device id of a reference, checked before it goes into a path. */
export function deviceIdOf(device: ExternalRef): string {
  if (!/^\d{1,18}$/.test(device.id))
    throw ConnectorError.invalid('ninjaone: a device id must be the numeric NinjaOne device id');
  return device.id;
}
