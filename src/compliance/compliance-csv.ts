import { toCsv } from './csv';

interface ClientRow {
  clientId: string;
  name: string;
  risk: string;
  devices: number;
  compliantPercent: number;
  byRisk: Record<string, number>;
  byStatus: { missing: number; failed: number; rebootPending: number };
  missingPatches: number;
}

interface DeviceRow {
  deviceId: string;
  name: string;
  os: string | null;
  role: string | null;
  risk: string;
  statuses: string[];
  missing: { total: number; critical: number; important: number; oldestCriticalSince: Date | null };
  failed: number;
  rebootPending: { since: Date | null } | null;
  lastInstalledAt: Date | null;
  lastSeenAt: Date | null;
  blockedPatches: string[];
  openIncidents: number;
}

/** The clients table as a spreadsheet opens it: the columns of the page, in its order. */
export function clientsCsv(items: ClientRow[]): string {
  return toCsv(
    [
      'client',
      'risk',
      'devices',
      'compliant %',
      'critical',
      'high',
      'medium',
      'low',
      'compliant',
      'devices missing patches',
      'devices with failed installs',
      'devices pending reboot',
      'missing patches',
      'client id',
    ],
    items.map((c) => [
      c.name,
      c.risk,
      c.devices,
      c.compliantPercent,
      c.byRisk.critical,
      c.byRisk.high,
      c.byRisk.medium,
      c.byRisk.low,
      c.byRisk.compliant,
      c.byStatus.missing,
      c.byStatus.failed,
      c.byStatus.rebootPending,
      c.missingPatches,
      c.clientId,
    ]),
  );
}

export function devicesCsv(client: string, items: DeviceRow[]): string {
  return toCsv(
    [
      'client',
      'device',
      'risk',
      'status',
      'os',
      'role',
      'missing',
      'missing critical',
      'missing important',
      'oldest critical missing since',
      'failed',
      'reboot pending since',
      'last installed',
      'last seen',
      'blocked KBs',
      'open incidents',
      'device id',
    ],
    items.map((d) => [
      client,
      d.name,
      d.risk,
      d.statuses.join(' '),
      d.os,
      d.role,
      d.missing.total,
      d.missing.critical,
      d.missing.important,
      d.missing.oldestCriticalSince,
      d.failed,
      d.rebootPending ? (d.rebootPending.since ?? 'yes') : '',
      d.lastInstalledAt,
      d.lastSeenAt,
      d.blockedPatches.join(' '),
      d.openIncidents,
      d.deviceId,
    ]),
  );
}

/** A file name from a client's name: letters, digits and dashes only. */
export function csvFileName(client: string): string {
  const slug = client
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `compliance-${slug || 'client'}`;
}
