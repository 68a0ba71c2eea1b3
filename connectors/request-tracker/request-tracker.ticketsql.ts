/**
 * TicketSQL building. Values are single-quoted with `\` and `'` escaped by a backslash, as RT's
 * parser (RT::SQL, Regexp::Common delimited) reads them; names in settings are refused when
 * they hold quotes or braces, so `'CF.{name}'` stays one token.
 */

export function quote(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

export function cf(name: string): string {
  return `'CF.{${name}}'`;
}

/** Alternatives; allOf parenthesises them. */
export function anyOf(parts: string[]): string {
  return parts.join(' OR ');
}

/** Conditions that must all hold; a part with OR is parenthesised. */
export function allOf(...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => Boolean(p))
    .map((p) => (/ OR /i.test(p) ? `(${p})` : p))
    .join(' AND ');
}

export function queueIn(queues: string[]): string {
  return anyOf(queues.map((q) => `Queue = ${quote(q)}`));
}

/**
 * A date literal RT reads as wall time in the API user's zone (RT::Date 'unknown' format with
 * the user's Timezone), so the instant is written out in that zone, to the second.
 */
export function dateLiteral(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return quote(
    `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`,
  );
}
