import type { DeviceRef } from '../contract/canonical';
import type { ExternalRef } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { AutomateRecord } from './connectwise-automate.validate';

const KB_IN_TEXT = /\bKB\s?(\d{4,8})\b/i;

/** 'KB5046616' from KnowledgeBaseId (digits, no prefix: api doc §4.3), else from a title. */
export function kbOf(
  knowledgeBaseId: number | string | undefined,
  title?: string,
): string | undefined {
  const digits = String(knowledgeBaseId ?? '')
    .trim()
    .replace(/^KB\s?/i, '');
  if (/^\d{4,8}$/.test(digits)) return `KB${digits}`;
  const inText = title?.match(KB_IN_TEXT);
  return inText ? `KB${inText[1]}` : undefined;
}

/** The identifiers of a Computer, in the shapes DeviceRef matching expects. */
export function toDeviceRef(computer: AutomateRecord, id: number): DeviceRef {
  const name = computer.optStr('ComputerName');
  const domain = computer.optStr('DomainName');
  return {
    externalId: String(id),
    hostname: name,
    // DomainName is an AD domain: a dotted one makes an FQDN, a NetBIOS one ("CONTOSO") does not.
    fqdn: name && domain?.includes('.') ? `${name}.${domain}`.toLowerCase() : undefined,
    ip: computer.optStr('LocalIPAddress'),
    serial: computer.optStr('SerialNumber'),
  };
}

/** The numeric Automate computer id of a reference, checked before it goes into a path. */
export function computerIdOf(device: ExternalRef): number {
  if (!/^\d{1,15}$/.test(device.id))
    throw ConnectorError.invalid(
      'connectwise-automate: a device id must be the numeric Automate computer id',
    );
  return Number(device.id);
}
