import type { ClientRef } from '../contract/canonical';
import type { SolarWindsSettings } from './solarwinds.settings';
import type { SwisNodeRecord } from './solarwinds.types';

/**
 * A node's client, from the custom property (its value is the client name; empty = none) or
 * from its Orion groups (the first, by ContainerID, whose name matches clientGroupPattern; the
 * named group "client", else group 1, else the whole match is the name).
 */
export function clientOf(
  record: SwisNodeRecord,
  settings: SolarWindsSettings,
): ClientRef | undefined {
  if (settings.clientSource === 'customProperty') {
    const name = record.node.ClientName?.trim();
    return name ? { name } : undefined;
  }
  if (settings.clientSource !== 'group') return undefined;
  const pattern = settings.clientGroupPattern ? new RegExp(settings.clientGroupPattern) : null;
  for (const group of record.groups ?? []) {
    if (!pattern) return { name: group.GroupName, externalId: String(group.ContainerID) };
    const match = pattern.exec(group.GroupName);
    const name = match ? (match.groups?.client ?? match[1] ?? match[0]).trim() : '';
    if (name) return { name, externalId: String(group.ContainerID) };
  }
  return undefined;
}
