/**
 * PostgreSQL refuses two things a JavaScript string can hold: the NUL character (in text and
 * jsonb) and lone UTF-16 surrogates (in jsonb, where JSON.stringify writes them as `\udXXX`).
 * Anything we store from outside goes through here, so one such character costs a replacement
 * character (U+FFFD) instead of the whole row.
 */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const REPLACEMENT = '\uFFFD';

/** True when the string holds a character PostgreSQL cannot store. */
export function hasUnstorableChar(s: string): boolean {
  NUL.lastIndex = 0;
  LONE_SURROGATE.lastIndex = 0;
  return NUL.test(s) || LONE_SURROGATE.test(s);
}

/** The string with those characters replaced; anything else (a connector's null) as it is. */
export function storableText<T>(s: T): T {
  if (typeof s !== 'string') return s;
  return s.replace(NUL, REPLACEMENT).replace(LONE_SURROGATE, REPLACEMENT) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(clean);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // defineProperty keeps a key such as "__proto__" an own property, as JSON.parse made it.
    Object.defineProperty(out, storableText(k), {
      value: clean(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** JSON text that PostgreSQL's jsonb accepts, for any value JSON.stringify can write. */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  // JSON.stringify escapes NUL as \u0000 and a lone surrogate as \udXXX; anything else is fine.
  if (!json.includes('\\u0000') && !/\\ud[89a-f]/i.test(json)) return json;
  return JSON.stringify(clean(value)) ?? 'null';
}
