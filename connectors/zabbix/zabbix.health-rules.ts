import type { ZabbixTag } from './zabbix.types';

/** What a trigger is about, decided from its tags, item keys and name (README "Health rules"). */
export type HealthTarget =
  | { target: 'device' }
  | { target: 'service'; subject: string }
  | { target: 'check'; subject: string };

export interface HealthFacts {
  name: string;
  tags: ZabbixTag[];
  itemKeys: string[];
}

/** Keys whose trigger says the host itself is gone: ping, agent, interface availability. */
const DEVICE_KEY = /^(icmpping|agent\.ping|zabbix\[host,(agent|snmp|ipmi|jmx),available\])(\[|$)/i;

/** Keys that watch one service; its name is the first key parameter. */
const SERVICE_KEY =
  /^(service\.info|service_state|net\.tcp\.service|net\.udp\.service|proc\.num|systemd\.unit\.info|systemd\.unit\.get|systemd\.service\.active_state)\[/i;

const DEVICE_NAME =
  /unavailable by icmp|icmp ping|agent is not available|agent (is )?unreachable|host (is )?(down|unreachable|unavailable)|\bis unreachable\b/i;

/** Windows template: "Print Spooler" (Spooler) is not running (startup type automatic). */
const WINDOWS_SERVICE_NAME = /^"[^"]*" \(([^)]+)\) is not running/i;
/** 'Service "nginx" is down', 'service sshd stopped on web01'. */
const SERVICE_WORD_NAME =
  /\bservice\s+"?([^"\s]+)"?\s+(?:is\s+)?(?:not running|stopped|down|failed|has stopped)/i;
/** 'MSSQLSERVER is not running on Server-01' ('down' left out: hosts are "down" too). */
const NOT_RUNNING_NAME =
  /^"?([^"\s]+)"?\s+(?:service\s+)?(?:is\s+)?(?:not running|stopped|has stopped|failed to start)\b/i;

/** First parameter of an item key, unquoted: service.info["MSSQL$SQLEXPRESS",state]. */
export function firstKeyParameter(key: string): string | undefined {
  const open = key.indexOf('[');
  if (open < 0 || !key.endsWith(']')) return undefined;
  const params = key.slice(open + 1, -1).trimStart();
  if (params.startsWith('"')) {
    let out = '';
    for (let i = 1; i < params.length; i++) {
      const c = params[i];
      if (c === '\\' && params[i + 1] === '"') {
        out += '"';
        i++;
      } else if (c === '"') return out.trim() || undefined;
      else out += c;
    }
    return undefined;
  }
  const first = params.split(',')[0].trim();
  return first === '' ? undefined : first;
}

export function classifyHealth(facts: HealthFacts, serviceTags: string[]): HealthTarget {
  const wanted = new Set(serviceTags.map((t) => t.toLowerCase()));
  const tag = facts.tags.find((t) => wanted.has(t.tag.toLowerCase()) && t.value.trim() !== '');
  if (tag) return { target: 'service', subject: tag.value.trim() };
  if (facts.itemKeys.some((k) => DEVICE_KEY.test(k))) return { target: 'device' };
  for (const key of facts.itemKeys) {
    const subject = SERVICE_KEY.test(key) ? firstKeyParameter(key) : undefined;
    if (subject) return { target: 'service', subject };
  }
  if (DEVICE_NAME.test(facts.name)) return { target: 'device' };
  for (const re of [WINDOWS_SERVICE_NAME, SERVICE_WORD_NAME, NOT_RUNNING_NAME]) {
    const match = re.exec(facts.name);
    if (match) return { target: 'service', subject: match[1] };
  }
  return { target: 'check', subject: facts.name };
}
