/**
 * Seeded generators of hostile requests for the fuzz test: every category an outside sender can
 * try against a webhook or an API route. Same seed, same requests.
 */

export type Rng = () => number;

/** mulberry32: small, seeded, good enough to pick cases. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, items: readonly T[]): T =>
  items[Math.floor(rng() * items.length)];
export const int = (rng: Rng, min: number, max: number) =>
  min + Math.floor(rng() * (max - min + 1));

/** Strings PostgreSQL, validators or renderers have choked on somewhere. */
export const NASTY_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\udfff',
  '\ud800',
  'x\ud800y',
  '\u001b[31mred',
  '\u0007\u0008\u000b\u000c',
  '\u007f',
  '\u202e\u2066',
  '\ufeff',
  '💥'.repeat(50),
  "'; DROP TABLE device; --",
  '%00',
  '%',
  '../../etc/passwd',
  '{{constructor.constructor("return process")()}}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  ' ',
  '',
  'A'.repeat(10_000),
];

export const NASTY_VALUES: readonly unknown[] = [
  ...NASTY_STRINGS,
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  '9007199254740993',
  [],
  {},
  [null],
  JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  { constructor: { prototype: { polluted: true } } },
];

export const EXTREME_DATES: readonly unknown[] = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '1899-12-31T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  '2026-13-45T25:61:61Z',
  '2026-02-30T00:00:00Z',
  '2026-11-24T02:00:00',
  '2026-11-24',
  'yesterday',
  '1e20',
  8.64e15,
  -8.64e15,
  0,
  '2026-11-24T02:00:00.1234567890123Z',
  '2026-11-24T02:00:00+99:99',
  '\u00002026-11-24T02:00:00Z',
];

export const CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/octet-stream',
  '',
  '*/*',
  'application/vnd.api+json',
];

/** `{"x":{"x":…}}` or `[[[…]]]` nested `depth` levels, built as text (no stack needed). */
export function nested(depth: number, kind: 'object' | 'array'): string {
  return kind === 'object'
    ? '{"x":'.repeat(depth) + '1' + '}'.repeat(depth)
    : '['.repeat(depth) + '1' + ']'.repeat(depth);
}

/** JSON text with `\u0000` or a lone surrogate written as an escape, as a sender's JSON would. */
export function withEscapes(value: unknown): string {
  return JSON.stringify(value);
}

/** Breaks valid JSON text in one of several ways. */
export function malformed(rng: Rng, valid: string): string | Buffer {
  const cut = int(rng, 0, valid.length - 1);
  return pick(rng, [
    () => valid.slice(0, cut),
    () => valid.slice(cut),
    () => valid.replace(/"/g, "'"),
    () => valid + ',',
    () => valid + valid,
    () => `{${valid}`,
    () => Buffer.concat([Buffer.from(valid.slice(0, cut)), Buffer.from([0xff, 0xfe, 0x00])]),
    () => 'NaN',
    () => '{"a":1,}',
    () => '\u0000',
    () => '{"a":"\u0000"}',
    () => '{"a":"\\x41"}',
    () => '{"a":"\\u12"}',
    () => Buffer.from(Array.from({ length: int(rng, 1, 200) }, () => int(rng, 0, 255))),
  ])();
}

/** Sets `value` at a dotted path inside a copy of `base`, creating objects on the way. */
export function withField(base: object, path: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  Object.defineProperty(at, keys[keys.length - 1], {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}
