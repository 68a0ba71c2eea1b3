/**
 * The ConnectWise `conditions` language, enough of it for what connectors/connectwise-manage
 * sends (api doc §3): strings in double quotes (\" and \\ escaped, `[[]` for a literal `[`),
 * dates in square brackets, bare numbers and booleans, reference paths with `/`, the operators
 * = != < <= > >= contains like in (each optionally after `not`), and/or with parentheses.
 * Fields are checked against a table per endpoint, with their types, so an unknown field or an
 * operator that makes no sense for a type is a ConditionsError (the stand-in answers 400).
 */

export type FieldType = 'int' | 'string' | 'bool' | 'date';

export interface FieldSpec<T> {
  type: FieldType;
  get(row: T): unknown;
}

export type FieldTable<T> = Record<string, FieldSpec<T>>;

export class ConditionsError extends Error {}

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'like' | 'in';

type Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'date'; value: number }
  | { type: 'null' };

type Token =
  | { kind: '(' | ')' | ',' }
  | { kind: 'literal'; literal: Literal }
  | { kind: 'word'; text: string }
  | { kind: 'op'; op: Op };

function readString(text: string, start: number): [string, number] {
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) out += text[++i];
    else if (c === '"') return [out, i + 1];
    else out += c;
  }
  throw new ConditionsError('conditions: unterminated string');
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c });
      i++;
    } else if (c === '"') {
      const [value, next] = readString(text, i);
      tokens.push({ kind: 'literal', literal: { type: 'string', value } });
      i = next;
    } else if (c === '[') {
      const end = text.indexOf(']', i);
      const at = end < 0 ? NaN : Date.parse(text.slice(i + 1, end));
      if (Number.isNaN(at)) throw new ConditionsError('conditions: bad date literal');
      tokens.push({ kind: 'literal', literal: { type: 'date', value: at } });
      i = end + 1;
    } else {
      const op = /^(!=|<=|>=|<|>|=)/.exec(rest);
      const num = /^-?\d+(\.\d+)?(?![\w/])/.exec(rest);
      const word = /^[A-Za-z_][A-Za-z0-9_/]*/.exec(rest);
      if (op) tokens.push({ kind: 'op', op: op[1] as Op });
      else if (num)
        tokens.push({ kind: 'literal', literal: { type: 'number', value: Number(num[0]) } });
      else if (word) tokens.push({ kind: 'word', text: word[0] });
      else throw new ConditionsError(`conditions: unexpected character ${JSON.stringify(c)}`);
      i += (op ?? num ?? word)?.[0].length ?? 1;
    }
  }
  return tokens;
}

type Test<T> = (row: T) => boolean;

/** SQL-Server-like LIKE: % and _ (and * for `like`), [..] classes; `[[]` is a literal `[`. */
function likePattern(pattern: string, star: boolean): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const close = c === '[' ? pattern.indexOf(']', i + 1 + (pattern[i + 1] === ']' ? 1 : 0)) : -1;
    if (c === '%' || (star && c === '*')) out += '.*';
    else if (c === '_') out += '.';
    else if (close > i + 1) {
      const body = pattern.slice(i + 1, close);
      const negate = body.startsWith('^');
      const chars = (negate ? body.slice(1) : body).replace(/[\\\][]/g, '\\$&');
      out += `[${negate ? '^' : ''}${chars}]`;
      i = close;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'is');
}

/** `=` on strings: case-insensitive (the PSA database collation), `[[]` read as `[`. */
function plain(value: string): string {
  return value.split('[[]').join('[').toLowerCase();
}

const ORDER_OPS: readonly Op[] = ['=', '!=', '<', '<=', '>', '>='];

/** Applies an ordering operator to a comparison result (negative, zero, positive). */
function ordered(op: Op, c: number): boolean {
  if (op === '=') return c === 0;
  if (op === '!=') return c !== 0;
  if (op === '<') return c < 0;
  if (op === '<=') return c <= 0;
  if (op === '>') return c > 0;
  return c >= 0;
}

function compareWith<T>(spec: FieldSpec<T>, op: Op, lit: Literal, field: string): Test<T> {
  const orderable = ORDER_OPS.includes(op);
  const equality = op === '=' || op === '!=';
  if (lit.type === 'null' && equality)
    return (row) => (spec.get(row) === undefined || spec.get(row) === null) === (op === '=');
  if (spec.type === 'int' && lit.type === 'number' && orderable)
    return (row) => {
      const value = spec.get(row);
      return typeof value === 'number' && ordered(op, value - lit.value);
    };
  if (spec.type === 'bool' && lit.type === 'bool' && equality)
    return (row) => ((spec.get(row) === true) === lit.value) === (op === '=');
  if (spec.type === 'date' && lit.type === 'date' && orderable)
    return (row) => {
      const at = Date.parse(String(spec.get(row) ?? ''));
      return !Number.isNaN(at) && ordered(op, at - lit.value);
    };
  if (spec.type === 'string' && lit.type === 'string') {
    const text = (row: T): string => String(spec.get(row) ?? '');
    if (equality) return (row) => (plain(text(row)) === plain(lit.value)) === (op === '=');
    if (op === 'contains') {
      const re = likePattern(`%${lit.value}%`, false);
      return (row) => re.test(text(row));
    }
    if (op === 'like') {
      const re = likePattern(lit.value, true);
      return (row) => re.test(text(row));
    }
  }
  throw new ConditionsError(
    `conditions: ${field} (${spec.type}) cannot be used with ${op} ${lit.type}`,
  );
}

class Parser<T> {
  private at = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly fields: FieldTable<T>,
  ) {}

  parse(): Test<T> {
    const test = this.or();
    if (this.at < this.tokens.length)
      throw new ConditionsError('conditions: unexpected trailing input');
    return test;
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.at];
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }

  private next(): Token {
    const t = this.tokens[this.at++];
    if (!t) throw new ConditionsError('conditions: unexpected end');
    return t;
  }

  private or(): Test<T> {
    const parts = [this.and()];
    while (this.peekWord('or')) {
      this.at++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0] : (row) => parts.some((p) => p(row));
  }

  private and(): Test<T> {
    const parts = [this.factor()];
    while (this.peekWord('and')) {
      this.at++;
      parts.push(this.factor());
    }
    return parts.length === 1 ? parts[0] : (row) => parts.every((p) => p(row));
  }

  private factor(): Test<T> {
    if (this.tokens[this.at]?.kind === '(') {
      this.at++;
      const inner = this.or();
      if (this.next().kind !== ')') throw new ConditionsError('conditions: missing )');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Test<T> {
    const name = this.next();
    if (name.kind !== 'word') throw new ConditionsError('conditions: a field name is expected');
    const key = Object.keys(this.fields).find((f) => f.toLowerCase() === name.text.toLowerCase());
    if (!key) throw new ConditionsError(`conditions: unknown field ${name.text}`);
    const spec = this.fields[key];
    const negate = this.peekWord('not');
    if (negate) this.at++;
    const opToken = this.next();
    const op: Op | undefined =
      opToken.kind === 'op'
        ? opToken.op
        : opToken.kind === 'word' && ['contains', 'like', 'in'].includes(opToken.text.toLowerCase())
          ? (opToken.text.toLowerCase() as Op)
          : undefined;
    if (!op) throw new ConditionsError(`conditions: an operator is expected after ${key}`);
    const test = op === 'in' ? this.inList(spec, key) : compareWith(spec, op, this.literal(), key);
    return negate ? (row) => !test(row) : test;
  }

  private inList(spec: FieldSpec<T>, field: string): Test<T> {
    if (this.next().kind !== '(') throw new ConditionsError('conditions: in needs a (list)');
    const tests: Test<T>[] = [compareWith(spec, '=', this.literal(), field)];
    while (this.tokens[this.at]?.kind === ',') {
      this.at++;
      tests.push(compareWith(spec, '=', this.literal(), field));
    }
    if (this.next().kind !== ')') throw new ConditionsError('conditions: missing ) after in list');
    return (row) => tests.some((t) => t(row));
  }

  private literal(): Literal {
    const t = this.next();
    if (t.kind === 'literal') return t.literal;
    if (t.kind === 'word' && /^(true|false)$/i.test(t.text))
      return { type: 'bool', value: t.text.toLowerCase() === 'true' };
    if (t.kind === 'word' && t.text.toLowerCase() === 'null') return { type: 'null' };
    throw new ConditionsError('conditions: a value is expected');
  }
}

/** Compiles a conditions string into a row test, or throws ConditionsError saying why not. */
export function compileConditions<T>(text: string, fields: FieldTable<T>): Test<T> {
  if (text.trim() === '') return () => true;
  return new Parser(tokenize(text), fields).parse();
}
