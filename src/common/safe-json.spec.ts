import { JSON_LIMITS, JsonBodyError, parseJsonBody } from './safe-json';
import { hasUnstorableChar, storableJson, storableText } from './storable';

describe(parseJsonBody.name, () => {
  it('parses ordinary JSON, brackets inside strings not counted as nesting', () => {
    expect(parseJsonBody('{"a":"[[[{{{","b":[1,{"c":"\\"]"}]}')).toEqual({
      a: '[[[{{{',
      b: [1, { c: '"]' }],
    });
  });

  it.each([
    ['objects', '{"x":'.repeat(65) + '1' + '}'.repeat(65)],
    ['arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
  ])('refuses %s nested deeper than the limit, naming the limit', (_name, text) => {
    expect(() => parseJsonBody(text)).toThrow(
      new JsonBodyError(`body: nested deeper than ${JSON_LIMITS.maxDepth} levels`),
    );
  });

  it('takes nesting exactly at the limit', () => {
    const depth = JSON_LIMITS.maxDepth;
    expect(() => parseJsonBody('['.repeat(depth) + ']'.repeat(depth))).not.toThrow();
  });

  it('refuses more keys than the limit', () => {
    const text = `{${Array.from({ length: 11 }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(() => parseJsonBody(text, { maxDepth: 5, maxKeys: 10 })).toThrow('more than 10 keys');
  });

  it('keeps "__proto__" an own key, not a prototype', () => {
    const parsed = parseJsonBody('{"__proto__":{"admin":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect((parsed as { admin?: boolean }).admin).toBeUndefined();
  });

  it('names malformed JSON as such', () => {
    expect(() => parseJsonBody('{"a":')).toThrow(/^body: malformed JSON/);
  });
});

describe('storable text and JSON', () => {
  it.each([
    ['a NUL', 'a\u0000b', 'a\uFFFDb'],
    ['a lone low surrogate', 'x\udfffy', 'x\uFFFDy'],
    ['a lone high surrogate at the end', 'x\ud800', 'x\uFFFD'],
  ])('replaces %s with U+FFFD', (_name, input, expected) => {
    expect(hasUnstorableChar(input)).toBe(true);
    expect(storableText(input)).toBe(expected);
  });

  it('keeps a surrogate pair (an emoji) and ordinary text as they are', () => {
    expect(hasUnstorableChar('💥 ok\t')).toBe(false);
    expect(storableText('💥 ok\t')).toBe('💥 ok\t');
  });

  it('cleans keys and values at any depth, keeping "__proto__" as data', () => {
    const value = JSON.parse('{"__proto__":{"k\\u0000":["\\udfff"]},"ok":"\\\\u0000"}');
    expect(JSON.parse(storableJson(value))).toEqual(
      JSON.parse('{"__proto__":{"k\uFFFD":["\uFFFD"]},"ok":"\\\\u0000"}'),
    );
  });

  it('writes plain JSON unchanged when nothing needs cleaning', () => {
    expect(storableJson({ a: 'b', n: [1, 2] })).toBe('{"a":"b","n":[1,2]}');
  });
});
