import { isObject } from '../../shared/stand-in/http-kit';

/**
 * Parameter checks for the stand-in's JSON-RPC methods, answering with the error texts Zabbix
 * 6.0 uses (api doc §3, §4). Unknown parameters are refused (6.0 ignores some silently) so a
 * connector mistake shows up here rather than as a quietly wrong answer.
 */

export class RpcError extends Error {
  constructor(
    readonly code: number,
    readonly rpcMessage: string,
    readonly data: string,
  ) {
    super(data);
  }
}

export function invalidParams(data: string): RpcError {
  return new RpcError(-32602, 'Invalid params.', data);
}

export function applicationError(data: string): RpcError {
  return new RpcError(-32500, 'Application error.', data);
}

export type Params = Record<string, unknown>;

/** `[]` or `{}`: what methods without parameters (apiinfo.version, user.logout) take. */
export function isEmptyParams(params: unknown): boolean {
  return (Array.isArray(params) || isObject(params)) && Object.keys(params).length === 0;
}

export function paramsObject(params: unknown, allowed: readonly string[]): Params {
  if (!isObject(params)) throw invalidParams('Invalid parameter "/": an array is not expected.');
  const unexpected = Object.keys(params).find((k) => !allowed.includes(k));
  if (unexpected !== undefined)
    throw invalidParams(`Invalid parameter "/": unexpected parameter "${unexpected}".`);
  return params;
}

function oneOf(path: string, fields: readonly string[]): RpcError {
  return invalidParams(
    `Invalid parameter "${path}": value must be one of "${fields.join('", "')}".`,
  );
}

/** `output` / `select*`: "extend" or a list of known fields. Undefined when absent. */
export function fieldList(
  value: unknown,
  fields: readonly string[],
  path: string,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (value === 'extend') return [...fields];
  if (!Array.isArray(value))
    throw invalidParams(`Invalid parameter "${path}": an array is expected.`);
  value.forEach((f, i) => {
    if (typeof f !== 'string' || !fields.includes(f)) throw oneOf(`${path}/${i + 1}`, fields);
  });
  return value as string[];
}

export function pick<T extends object>(row: T, fields: string[]): Record<string, unknown> {
  const source = row as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => f in source).map((f) => [f, source[f]]));
}

/** Ids: one id or a list; numbers are accepted as Zabbix accepts them. */
export function idList(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    const text = typeof v === 'number' ? String(v) : v;
    if (typeof text !== 'string' || !/^\d{1,20}$/.test(text))
      throw invalidParams(`Invalid parameter "${path}/${i + 1}": a number is expected.`);
    return text;
  });
}

export function intValue(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw invalidParams(`Invalid parameter "${path}": an integer is expected.`);
  return n;
}

/** Compares decimal-string numbers (64-bit ids, clocks) without losing precision. */
function compareNumeric(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export function compareValues(a: unknown, b: unknown): number {
  const x = String(a ?? '');
  const y = String(b ?? '');
  return /^\d+$/.test(x) && /^\d+$/.test(y) ? compareNumeric(x, y) : x.localeCompare(y);
}

/** sortfield (string or list) validated per method; sortorder ASC/DESC (string or list). */
export function sortRows<T extends object>(
  rows: T[],
  sortfield: unknown,
  sortorder: unknown,
  sortable: readonly string[],
): T[] {
  if (sortfield === undefined) return rows;
  const fields = Array.isArray(sortfield) ? sortfield : [sortfield];
  for (const f of fields)
    if (typeof f !== 'string' || !sortable.includes(f))
      throw applicationError(`Sorting by field "${String(f)}" not allowed.`);
  const orders = Array.isArray(sortorder) ? sortorder : [sortorder ?? 'ASC'];
  const directions = fields.map((_, i) => {
    const o = String(orders[i] ?? orders[0] ?? 'ASC').toUpperCase();
    if (o !== 'ASC' && o !== 'DESC') throw oneOf('/sortorder', ['ASC', 'DESC']);
    return o === 'DESC' ? -1 : 1;
  });
  return [...rows].sort((a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as string;
      const c = compareValues((a as Params)[f], (b as Params)[f]);
      if (c !== 0) return c * directions[i];
    }
    return 0;
  });
}

export function limitRows<T>(rows: T[], limit: unknown): T[] {
  const n = intValue(limit, '/limit');
  if (n !== undefined && n < 1)
    throw invalidParams('Invalid parameter "/limit": value must be 1 or greater.');
  return n === undefined ? rows : rows.slice(0, n);
}
