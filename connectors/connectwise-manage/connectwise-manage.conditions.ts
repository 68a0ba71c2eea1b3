/**
 * Builders for the `conditions` query language (strings in double quotes, dates in square
 * brackets, references with `/`). URL encoding happens later, in the client.
 */

/**
 * A string literal. The developer guide writes a literal `[` as `[[]` (the server hands
 * strings to a LIKE-style matcher); `\` and `"` get a backslash as in JSON.
 */
export function quote(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\[/g, '[[]');
  return `"${escaped}"`;
}

/** A UTC date-time literal, whole seconds: [2025-06-01T00:00:00Z]. */
export function dateLiteral(at: Date): string {
  return `[${at.toISOString().replace(/\.\d{3}Z$/, 'Z')}]`;
}

/** Joins clauses with `and`, wrapping each that contains an `or` in parentheses. */
export function allOf(...clauses: (string | undefined)[]): string {
  return clauses
    .filter((c): c is string => Boolean(c))
    .map((c) => (/\sor\s/i.test(c) ? `(${c})` : c))
    .join(' and ');
}

export function idIn(field: string, ids: readonly number[]): string | undefined {
  return ids.length > 0 ? `${field} in (${ids.join(', ')})` : undefined;
}
