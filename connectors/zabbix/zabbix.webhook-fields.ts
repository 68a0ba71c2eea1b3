import type { ZabbixTag } from './zabbix.types';

/**
 * Zabbix leaves a macro that does not apply as its own text ("{EVENT.RECOVERY.ID}" on a problem),
 * and writes "*UNKNOWN*" for one it cannot resolve: both mean "no value".
 */
export function absent(value: string | undefined | null): boolean {
  if (value === undefined || value === null) return true;
  const text = value.trim();
  return text === '' || text === '*UNKNOWN*' || /^\{[$#]?[A-Z][^{}]*\}$/.test(text);
}

/** {EVENT.TAGSJSON}: the script sends it parsed; a different script may send the string. */
export function webhookTags(value: unknown): ZabbixTag[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(list)) return [];
  return list.filter(
    (t): t is ZabbixTag =>
      t !== null &&
      typeof t === 'object' &&
      typeof t.tag === 'string' &&
      typeof t.value === 'string',
  );
}
