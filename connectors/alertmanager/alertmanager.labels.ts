import { isIP } from 'node:net';
import type { ClientRef, DeviceRef, Severity } from '../contract/canonical';
import type { AlertmanagerSettings } from './alertmanager.settings';
import type { AlertmanagerLabels } from './alertmanager.types';

/** The label an alert's device was found by, and its cleaned value. */
export interface DeviceLabel {
  label: string;
  value: string;
}

/**
 * A label value as a machine name: `srv-web-01:9182` → `srv-web-01`, `[fe80::1]:9100` →
 * `fe80::1`, `https://srv-web-01.acme.local:8443/health` → `srv-web-01.acme.local` (blackbox
 * targets). A bare IPv6 address keeps its colons. Empty when nothing is left.
 */
export function machineName(raw: string): string {
  let value = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      value = new URL(value).hostname;
    } catch {
      return '';
    }
  }
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1];
  if (isIP(value) === 6) return value;
  return value.replace(/:\d+$/, '').replace(/\.$/, '');
}

/** The first configured device label the alert carries with a usable value. */
export function deviceLabelOf(
  labels: AlertmanagerLabels,
  deviceLabels: readonly string[],
): DeviceLabel | undefined {
  for (const label of deviceLabels) {
    const raw = labels[label];
    if (typeof raw !== 'string') continue;
    const value = machineName(raw);
    if (value) return { label, value };
  }
  return undefined;
}

/**
 * The device reference: the label and value as the instance's own id for the device
 * (`instance=srv-web-01`, so a silence can name the same label again), and the value as the
 * hostname or IP Switchboard matches other tools' devices by.
 */
export function toDeviceRef(found: DeviceLabel): DeviceRef {
  const externalId = deviceExternalId(found);
  return isIP(found.value) !== 0
    ? { externalId, ip: found.value }
    : { externalId, hostname: found.value };
}

export function deviceExternalId(found: DeviceLabel): string {
  return `${found.label}=${found.value}`;
}

/** `instance=srv-web-01` back into its label and value; undefined when it is not one of ours. */
export function parseDeviceExternalId(id: string): DeviceLabel | undefined {
  const match = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.+)$/.exec(id);
  return match ? { label: match[1], value: match[2] } : undefined;
}

export function clientOf(
  labels: AlertmanagerLabels,
  settings: Pick<AlertmanagerSettings, 'clientLabel' | 'clientMap'>,
): ClientRef | undefined {
  const value = labels[settings.clientLabel]?.trim();
  if (!value) return undefined;
  const name = settings.clientMap?.[value] ?? value;
  return { externalId: `${settings.clientLabel}=${value}`, name };
}

/** Common severity label values; the instance's severityMap is laid over it. */
const SEVERITY: Record<string, Severity> = {
  critical: 'critical',
  page: 'critical',
  disaster: 'critical',
  emergency: 'critical',
  error: 'important',
  high: 'important',
  major: 'important',
  warning: 'moderate',
  warn: 'moderate',
  average: 'moderate',
  medium: 'moderate',
  minor: 'low',
  low: 'low',
  info: 'info',
  informational: 'info',
  none: 'info',
};

export function severityOf(
  labels: AlertmanagerLabels,
  settings: Pick<AlertmanagerSettings, 'severityLabel' | 'severityMap'>,
): Severity | undefined {
  const value = labels[settings.severityLabel]?.trim().toLowerCase();
  if (!value) return undefined;
  const own = Object.entries(settings.severityMap ?? {}).find(
    ([k]) => k.trim().toLowerCase() === value,
  );
  return (own?.[1] as Severity | undefined) ?? SEVERITY[value];
}

/** What an alert is about: the device itself, one service on it, or another check. */
export type AlertTarget =
  | { target: 'device' }
  | { target: 'service'; subject: string }
  | { target: 'check'; subject: string };

export function targetOf(
  labels: AlertmanagerLabels,
  settings: Pick<AlertmanagerSettings, 'deviceDownAlerts' | 'serviceLabels'>,
): AlertTarget {
  const name = labels.alertname?.trim() ?? '';
  const down = new Set(settings.deviceDownAlerts.map((a) => a.trim().toLowerCase()));
  if (name && down.has(name.toLowerCase())) return { target: 'device' };
  for (const label of settings.serviceLabels) {
    const service = labels[label]?.trim();
    if (service) return { target: 'service', subject: service };
  }
  // The alert name is stable between firing and resolved (a summary may carry values).
  return { target: 'check', subject: name || 'alert' };
}
