/**
 * SWIS DateTime values arrive as strings whose format and zone are UNCONFIRMED (the API notes
 * show "2026-11-02T04:11:23.0000000Z"). A string with a zone (Z or ±hh:mm) is exact; one
 * without is read as UTC, which alerting tables are believed to use (Orion.Events, which we do
 * not read, is documented as local time). Seven fractional digits are cut to milliseconds.
 */
export function parseSwisDate(value: string | null | undefined): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const iso =
    /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!iso) return undefined;
  const [, day, time, fraction = '', zone] = iso;
  const millis = fraction ? `.${fraction.padEnd(3, '0').slice(0, 3)}` : '';
  const at = new Date(`${day}T${time}${millis}${zone ?? 'Z'}`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
