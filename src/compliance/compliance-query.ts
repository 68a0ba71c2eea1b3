import { BadRequestException } from '@nestjs/common';
import { DEVICE_STATUSES, RISK_LEVELS, type RiskLevel } from './compliance-settings';

/** Filters, sort and page of GET /api/v1/compliance/clients/:id, checked. */
export interface DeviceQuery {
  risk: RiskLevel[];
  status: string[];
  os?: string;
  q?: string;
  sort: DeviceSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Filters, sort and page of GET /api/v1/compliance, checked. */
export interface ClientQuery {
  risk: RiskLevel[];
  q?: string;
  sort: ClientSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const DEVICE_SORTS = {
  risk: 'level',
  name: 'lower(display_name)',
  os: 'lower(os)',
  missing: 'missing',
  failed: 'failed',
  // Ages, so that the default (descending) puts the longest waiting first.
  'critical-age': '(now() - oldest_critical_at)',
  // A cleared or stale flag keeps its time in the row: only a reboot still pending sorts by it.
  reboot: '(now() - CASE WHEN reboot_pending THEN reboot_pending_at END)',
  'last-seen': 'last_seen_at',
  'last-installed': 'last_installed_at',
} as const;
export type DeviceSort = keyof typeof DEVICE_SORTS;

export const CLIENT_SORTS = {
  risk: 'level',
  name: 'lower(name)',
  devices: 'devices',
  noncompliant: 'noncompliant',
  compliant: 'compliant_percent',
} as const;
export type ClientSort = keyof typeof CLIENT_SORTS;

type Raw = Record<string, unknown>;

function list<T extends string>(raw: unknown, field: string, allowed: readonly T[]): T[] {
  if (raw === undefined || raw === '') return [];
  const values = String(raw)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
  if (bad.length > 0)
    throw new BadRequestException(
      `${field}: ${bad.join(', ')} is not one of ${allowed.join(', ')}`,
    );
  return values as T[];
}

function text(raw: unknown, field: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = String(raw).trim();
  if (value.length > 200) throw new BadRequestException(`${field}: at most 200 characters`);
  return value || undefined;
}

function whole(raw: unknown, field: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new BadRequestException(`${field}: must be a whole number from ${min} to ${max}`);
  return n;
}

function oneOf<T extends string>(
  raw: unknown,
  field: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly unknown[]).includes(raw))
    throw new BadRequestException(`${field}: must be one of ${allowed.join(', ')}`);
  return raw as T;
}

export function deviceQuery(raw: Raw): DeviceQuery {
  const sort = oneOf(raw.sort, 'sort', Object.keys(DEVICE_SORTS) as DeviceSort[], 'risk');
  return {
    risk: list(raw.risk, 'risk', RISK_LEVELS),
    status: list(raw.status, 'status', DEVICE_STATUSES),
    os: text(raw.os, 'os'),
    q: text(raw.q, 'q'),
    sort,
    order: oneOf(
      raw.order,
      'order',
      ['asc', 'desc'] as const,
      sort === 'name' || sort === 'os' ? 'asc' : 'desc',
    ),
    limit: whole(raw.limit, 'limit', 50, 1, 1000),
    offset: whole(raw.offset, 'offset', 0, 0, 10_000_000),
  };
}

export function clientQuery(raw: Raw): ClientQuery {
  const sort = oneOf(raw.sort, 'sort', Object.keys(CLIENT_SORTS) as ClientSort[], 'risk');
  return {
    risk: list(raw.risk, 'risk', RISK_LEVELS),
    q: text(raw.q, 'q'),
    sort,
    order: oneOf(raw.order, 'order', ['asc', 'desc'] as const, sort === 'name' ? 'asc' : 'desc'),
    limit: whole(raw.limit, 'limit', 100, 1, 1000),
    offset: whole(raw.offset, 'offset', 0, 0, 10_000_000),
  };
}

/** `?format=csv` or an Accept header that prefers CSV over JSON. */
export function wantsCsv(format: unknown, accept: string | undefined): boolean {
  if (format !== undefined && format !== '') {
    if (format === 'csv') return true;
    if (format === 'json') return false;
    throw new BadRequestException('format: must be csv or json');
  }
  return /\btext\/csv\b/.test(accept ?? '') && !/application\/json/.test(accept ?? '');
}
