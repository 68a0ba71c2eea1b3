import type { ExternalRef } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { ZabbixClient } from './zabbix.client';
import { isId, isObj } from './zabbix.validate';

/** event.acknowledge bits valid since 6.0 (later versions add more; never send those). */
export const ACK_ACKNOWLEDGE = 2;
export const ACK_MESSAGE = 4;

/** acknowledges.message is varchar(2048); what Zabbix does beyond that is UNCONFIRMED. */
export const MAX_MESSAGE = 2048;

function clip(text: string): string {
  const chars = Array.from(text.trim());
  return chars.length <= MAX_MESSAGE
    ? chars.join('')
    : `${chars.slice(0, MAX_MESSAGE - 1).join('')}…`;
}

/**
 * Writes a note onto a problem: action 4 (add message), or 6 (also acknowledge) when the
 * instance says so. `target.id` is the problem's event id (HealthSeen.problemId).
 */
export async function pushAlertNote(
  client: ZabbixClient,
  target: ExternalRef,
  text: string,
  acknowledge: boolean,
): Promise<void> {
  if (!isId(target.id))
    throw ConnectorError.invalid('zabbix event.acknowledge: the target must be a numeric event id');
  const message = clip(text);
  if (message === '') throw ConnectorError.invalid('zabbix event.acknowledge: empty note');
  const action = ACK_MESSAGE | (acknowledge ? ACK_ACKNOWLEDGE : 0);
  const result = await client.call('event.acknowledge', {
    eventids: [target.id],
    action,
    message,
  });
  const ids = isObj(result) ? result.eventids : undefined;
  if (!Array.isArray(ids) || !ids.map(String).includes(target.id))
    throw ConnectorError.invalid('zabbix event.acknowledge: the answer does not name the event');
}
