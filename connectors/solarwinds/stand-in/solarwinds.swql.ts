/**
 * A tiny SWQL: exactly the forms connectors/solarwinds sends, nothing more.
 *
 *   SELECT [TOP n] a.Path [AS Name], …
 *   FROM Entity a [INNER JOIN Entity b ON a.X = b.Y]…
 *   [WHERE a.Path (= | >) operand | a.Path IN operand | a.Path LIKE operand [AND …]]
 *   [ORDER BY a.Path [DESC]] [WITH ROWS m TO n]
 *
 * operand: @parameter, 'text' or a number. Paths may navigate (n.CustomProperties.Client,
 * c.CurrentStatus.TimeStamp): rows are plain objects with nested objects for navigations.
 * Anything else is refused with the 400 and error body SWIS uses (S7), so a query the
 * connector starts sending without this file learning it fails loudly.
 */

export type Rows = Record<string, unknown>[];
export type Tables = (entity: string) => Rows | undefined;

export class SwqlError extends Error {
  constructor(
    message: string,
    readonly exceptionType = 'SolarWinds.Data.Query.ParserException',
  ) {
    super(message);
  }
}

interface Column {
  alias: string;
  path: string[];
  name: string;
}
interface Condition {
  alias: string;
  path: string[];
  op: '=' | '>' | 'IN' | 'LIKE';
  operand: string;
}
interface Parsed {
  top?: number;
  columns: Column[];
  from: { entity: string; alias: string };
  joins: { entity: string; alias: string; left: Column; right: Column }[];
  where: Condition[];
  order?: { ref: Column; desc: boolean };
  rows?: [string, string];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function ref(text: string): Column {
  const parts = text.split('.');
  if (parts.length < 2 || !parts.every((p) => IDENT.test(p)))
    throw new SwqlError(`mismatched input '${text}' expecting alias.Property`);
  return { alias: parts[0], path: parts.slice(1), name: parts[parts.length - 1] };
}

function column(text: string): Column {
  const m = /^(\S+)(?:\s+AS\s+([A-Za-z_][A-Za-z0-9_]*))?$/i.exec(text.trim());
  if (!m) throw new SwqlError(`mismatched input '${text}'`);
  const c = ref(m[1]);
  return m[2] ? { ...c, name: m[2] } : c;
}

function condition(text: string): Condition {
  const m = /^(\S+)\s+(=|>|IN|LIKE)\s+(@[A-Za-z_]\w*|'[^']*'|\d+)$/i.exec(text.trim());
  if (!m) throw new SwqlError(`unsupported condition '${text}'`);
  const c = ref(m[1]);
  return { alias: c.alias, path: c.path, op: m[2].toUpperCase() as Condition['op'], operand: m[3] };
}

export function parseSwql(query: string): Parsed {
  const q = query.replace(/\s+/g, ' ').trim();
  const m =
    /^SELECT (?:TOP (\d+) )?(.+?) FROM ([A-Za-z.]+) ([a-z]+)((?: INNER JOIN [A-Za-z.]+ [a-z]+ ON \S+ = \S+)*)(?: WHERE (.+?))?(?: ORDER BY (\S+)( DESC)?)?(?: WITH ROWS (\S+) TO (\S+))?$/i.exec(
      q,
    );
  if (!m) throw new SwqlError(`the stand-in cannot parse: ${q.slice(0, 120)}`);
  const joins = [
    ...(m[5] ?? '').matchAll(/ INNER JOIN ([A-Za-z.]+) ([a-z]+) ON (\S+) = (\S+)/gi),
  ].map((j) => ({ entity: j[1], alias: j[2], left: ref(j[3]), right: ref(j[4]) }));
  return {
    top: m[1] ? Number(m[1]) : undefined,
    columns: m[2].split(',').map(column),
    from: { entity: m[3], alias: m[4] },
    joins,
    where: m[6] ? m[6].split(/ AND /i).map(condition) : [],
    order: m[7] ? { ref: ref(m[7]), desc: Boolean(m[8]) } : undefined,
    rows: m[9] && m[10] ? [m[9], m[10]] : undefined,
  };
}

type Joined = Record<string, Record<string, unknown>>;

function resolve(
  row: Joined,
  c: { alias: string; path: string[] },
  entities: Record<string, string>,
) {
  let value: unknown = row[c.alias];
  if (value === undefined) throw new SwqlError(`unknown alias '${c.alias}'`);
  for (const key of c.path) {
    if (value === null) return null;
    if (typeof value !== 'object' || !(key in (value as object)))
      throw new SwqlError(`Cannot resolve property ${key} on entity ${entities[c.alias]}`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function operandValue(operand: string, parameters: Record<string, unknown>): unknown {
  if (operand.startsWith('@')) {
    const name = operand.slice(1);
    if (!(name in parameters)) throw new SwqlError(`Must declare the scalar variable "${operand}"`);
    return parameters[name];
  }
  if (operand.startsWith("'")) return operand.slice(1, -1);
  return Number(operand);
}

function likeRegex(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

function matches(value: unknown, cond: Condition, wanted: unknown): boolean {
  switch (cond.op) {
    case '=':
      return value === wanted;
    case '>':
      return typeof value === 'number' && typeof wanted === 'number' && value > wanted;
    case 'IN':
      if (!Array.isArray(wanted)) throw new SwqlError('IN expects an array parameter');
      return wanted.includes(value);
    case 'LIKE':
      return (
        typeof value === 'string' && typeof wanted === 'string' && likeRegex(wanted).test(value)
      );
  }
}

function bound(text: string, parameters: Record<string, unknown>): number {
  const v = operandValue(text, parameters);
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new SwqlError('WITH ROWS needs integers');
  return v;
}

/** Runs a parsed query over the tables; rows come back as SWIS sends them (flat columns). */
export function runSwql(query: string, parameters: Record<string, unknown>, tables: Tables): Rows {
  const p = parseSwql(query);
  const entities: Record<string, string> = { [p.from.alias]: p.from.entity };
  const table = (entity: string) => {
    const rows = tables(entity);
    if (!rows) throw new SwqlError(`Source entity [${entity}] not found in catalog`);
    return rows;
  };
  let joined: Joined[] = table(p.from.entity).map((r) => ({ [p.from.alias]: r }));
  for (const j of p.joins) {
    entities[j.alias] = j.entity;
    const right = table(j.entity);
    joined = joined.flatMap((row) =>
      right
        .map((r) => ({ ...row, [j.alias]: r }))
        .filter(
          (combined) =>
            resolve(combined, j.left, entities) === resolve(combined, j.right, entities),
        ),
    );
  }
  for (const cond of p.where) {
    const wanted = operandValue(cond.operand, parameters);
    joined = joined.filter((row) => matches(resolve(row, cond, entities), cond, wanted));
  }
  if (p.order) {
    const { ref: by, desc } = p.order;
    joined.sort((a, b) => {
      const x = resolve(a, by, entities) as number;
      const y = resolve(b, by, entities) as number;
      return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
    });
  }
  if (p.rows) {
    const first = bound(p.rows[0], parameters);
    const last = bound(p.rows[1], parameters);
    joined = joined.slice(first - 1, last);
  }
  if (p.top !== undefined) joined = joined.slice(0, p.top);
  return joined.map((row) =>
    Object.fromEntries(p.columns.map((c) => [c.name, resolve(row, c, entities) ?? null])),
  );
}
