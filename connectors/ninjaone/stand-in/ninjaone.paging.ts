import { randomBytes } from 'node:crypto';

/**
 * The two NinjaOne paging styles the connector uses (api doc §3.2): list endpoints with
 * `after` = last id, and report queries with a named server-side cursor that ends on an
 * empty `results`.
 */

export interface ReportPage<T> {
  cursor: { name: string; offset: number; count: number; expires: number };
  results: T[];
}

interface OpenCursor {
  rows: unknown[];
  offset: number;
  count: number;
  expires: number;
}

const CURSOR_LIFETIME_S = 3600;

/** Bare-array list page: ids above `after`, ascending, at most pageSize. */
export function listPage<T extends { id: number }>(
  rows: T[],
  after: number | undefined,
  pageSize: number,
): T[] {
  return rows
    .filter((r) => after === undefined || r.id > after)
    .sort((a, b) => a.id - b.id)
    .slice(0, pageSize);
}

export class ReportCursors {
  private readonly open = new Map<string, OpenCursor>();

  constructor(private readonly now: () => Date) {}

  /** First page of a report: the rows are fixed now, later pages walk this snapshot. */
  first<T>(rows: T[], pageSize: number): ReportPage<T> {
    this.forgetExpired();
    const name = randomBytes(12).toString('base64url');
    const cursor: OpenCursor = { rows, offset: 0, count: 0, expires: this.expiry() };
    this.open.set(name, cursor);
    return this.take<T>(name, cursor, pageSize);
  }

  /** The page after the one last returned under `name`; undefined when unknown or expired. */
  next<T>(name: string, pageSize: number): ReportPage<T> | undefined {
    const cursor = this.open.get(name);
    if (!cursor || cursor.expires * 1000 <= this.now().getTime()) return undefined;
    cursor.offset += cursor.count;
    return this.take<T>(name, cursor, pageSize);
  }

  private take<T>(name: string, cursor: OpenCursor, pageSize: number): ReportPage<T> {
    const results = cursor.rows.slice(cursor.offset, cursor.offset + pageSize) as T[];
    cursor.count = results.length;
    if (results.length === 0) this.open.delete(name);
    const { offset, count, expires } = cursor;
    return { cursor: { name, offset, count, expires }, results };
  }

  private expiry(): number {
    return Math.floor(this.now().getTime() / 1000) + CURSOR_LIFETIME_S;
  }

  private forgetExpired(): void {
    const now = this.now().getTime();
    for (const [name, c] of this.open) if (c.expires * 1000 <= now) this.open.delete(name);
  }
}

/** Query parameters the stand-in does not implement: named in a 400 so mistakes show. */
export function unknownParams(query: URLSearchParams, allowed: readonly string[]): string[] {
  return [...new Set(query.keys())].filter((k) => !allowed.includes(k));
}

/** A whole-number parameter, or undefined if absent; NaN marks a malformed one. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  return /^\d+$/.test(text) ? Number(text) : NaN;
}

/** installedAfter/installedBefore: epoch seconds (preferred) or yyyyMMdd (api doc §3.1). */
export function dateParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (/^\d{8}$/.test(text) && Number(text.slice(0, 4)) < 2200) {
    const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T00:00:00Z`;
    return Date.parse(iso) / 1000;
  }
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
}
