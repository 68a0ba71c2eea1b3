import { json, type StandInResponse } from '../../shared/stand-in/http-kit';

/**
 * Automate's common list options (api doc §3.1–3.2) as far as the connector uses them: page /
 * pageSize, a condition of `field op value` terms joined by `and`, orderBy "Field asc|desc",
 * and includedFields. Anything else is refused with a 400 in Automate's error shape, so a
 * connector change that sends something new fails loudly here.
 */

export function badRequest(message: string): StandInResponse {
  return json(400, { Message: message });
}

type Row = Record<string, unknown>;
type Test = (row: Row) => boolean;

const TERM =
  /^\(?\s*([A-Za-z][A-Za-z0-9.]*)\s+(=|eq|!=|>=|<=|>|<|like)\s+('[^']*'|"[^"]*"|true|false|-?\d+(?:\.\d+)?|\d{4}-\d{2}-\d{2}T[0-9:.]+Z?)\s*\)?$/i;

function fieldOf(row: Row, path: string): unknown {
  let value: unknown = row;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    const found = Object.keys(value as Row).find((k) => k.toLowerCase() === key.toLowerCase());
    value = found === undefined ? undefined : (value as Row)[found];
  }
  return value;
}

function literal(text: string): string | number | boolean | Date {
  if (/^['"]/.test(text)) return text.slice(1, -1);
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return new Date(text);
  return Number(text);
}

function compare(left: unknown, right: string | number | boolean | Date): number | undefined {
  if (right instanceof Date) {
    const at = typeof left === 'string' ? Date.parse(left) : NaN;
    return Number.isNaN(at) ? undefined : at - right.getTime();
  }
  if (typeof right === 'number') {
    const n = typeof left === 'string' && left.trim() !== '' ? Number(left) : left;
    return typeof n === 'number' && !Number.isNaN(n) ? n - right : undefined;
  }
  if (typeof right === 'boolean')
    return left === right ? 0 : typeof left === 'boolean' ? 1 : undefined;
  return typeof left === 'string'
    ? left.toLowerCase().localeCompare(right.toLowerCase())
    : undefined;
}

function like(value: unknown, pattern: string): boolean {
  if (typeof value !== 'string') return false;
  const source = pattern
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(value);
}

function term(text: string): Test | undefined {
  const match = TERM.exec(text.trim());
  if (!match) return undefined;
  const [, path, op, raw] = match;
  const right = literal(raw);
  const operator = op.toLowerCase();
  if (operator === 'like')
    return typeof right === 'string' ? (row) => like(fieldOf(row, path), right) : undefined;
  return (row) => {
    const c = compare(fieldOf(row, path), right);
    if (c === undefined) return operator === '!=';
    switch (operator) {
      case '=':
      case 'eq':
        return c === 0;
      case '!=':
        return c !== 0;
      case '>':
        return c > 0;
      case '>=':
        return c >= 0;
      case '<':
        return c < 0;
      default:
        return c <= 0;
    }
  };
}

/** A condition of terms joined by `and`; undefined when the stand-in cannot read it. */
export function parseCondition(condition: string): Test | undefined {
  const tests = condition.split(/\s+and\s+/i).map(term);
  if (tests.some((t) => t === undefined)) return undefined;
  return (row) => tests.every((t) => t!(row));
}

function order(rows: Row[], orderBy: string): Row[] | undefined {
  const match = /^([A-Za-z][A-Za-z0-9.]*)(?:\s+(asc|desc))?$/i.exec(orderBy.trim());
  if (!match) return undefined;
  const sign = match[2]?.toLowerCase() === 'desc' ? -1 : 1;
  const key = (row: Row) => {
    const value = fieldOf(row, match[1]);
    if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
    return typeof value === 'number' ? value : String(value ?? '');
  };
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
}

const KNOWN = ['page', 'pageSize', 'condition', 'orderBy', 'includedFields'];

/** One page of `rows` as the query asks for it, or the 400 Automate would answer. */
export function listRows(
  query: URLSearchParams,
  rows: Row[],
  allowed: string[] = KNOWN,
): StandInResponse {
  const unknown = [...query.keys()].filter((k) => !allowed.includes(k));
  if (unknown.length > 0) return badRequest(`unsupported parameters: ${unknown.join(', ')}`);
  const page = Number(query.get('page') ?? '1');
  const pageSize = Number(query.get('pageSize') ?? '1000');
  if (![page, pageSize].every(Number.isInteger) || page < 1 || pageSize < 1 || pageSize > 1000)
    return badRequest('page must be 1 or more and pageSize 1-1000');
  let selected = rows;
  const condition = query.get('condition');
  if (condition !== null) {
    const test = parseCondition(condition);
    if (!test) return badRequest(`Unable to parse condition: ${condition}`);
    selected = selected.filter(test);
  }
  const orderBy = query.get('orderBy');
  if (orderBy !== null) {
    const ordered = order(selected, orderBy);
    if (!ordered) return badRequest(`Unable to parse orderBy: ${orderBy}`);
    selected = ordered;
  }
  const slice = selected.slice((page - 1) * pageSize, page * pageSize);
  const fields = query
    .get('includedFields')
    ?.split(',')
    .map((f) => f.trim());
  const projected = fields
    ? slice.map((row) => Object.fromEntries(fields.map((f) => [f, fieldOf(row, f)])))
    : slice;
  return json(200, projected);
}
