import type { ZabbixSettings } from './zabbix.settings';

/** Host group name → client name, or undefined when the group is not a client. */
export type GroupMapping = (groupName: string) => string | undefined;

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * Rules, first match wins: 1. clientMap (an empty value ignores the group); 2. ignoreGroups;
 * 3. clientGroupPattern, when set, must match (named group "client", else group 1, else the
 * whole match is the name); 4. otherwise the group's own name is the client.
 */
export function groupMapping(
  settings: Pick<ZabbixSettings, 'clientMap' | 'ignoreGroups' | 'clientGroupPattern'>,
): GroupMapping {
  const explicit = settings.clientMap ?? {};
  const ignored = settings.ignoreGroups.map(globToRegExp);
  const pattern = settings.clientGroupPattern ? new RegExp(settings.clientGroupPattern) : null;
  return (groupName) => {
    if (Object.prototype.hasOwnProperty.call(explicit, groupName)) {
      const name = explicit[groupName].trim();
      return name === '' ? undefined : name;
    }
    if (ignored.some((re) => re.test(groupName))) return undefined;
    if (!pattern) return groupName;
    const match = pattern.exec(groupName);
    if (!match) return undefined;
    const name = (match.groups?.client ?? match[1] ?? match[0]).trim();
    return name === '' ? undefined : name;
  };
}
