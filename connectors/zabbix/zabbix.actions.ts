import type { DeliveryMarker, ExternalRef } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { ZabbixClient } from './zabbix.client';
import { isId, isObj } from './zabbix.validate';

/** event.acknowledge bits valid since 6.0 (later versions add more; never send those). */
export const ACK_ACKNOWLEDGE = 2;
export const ACK_MESSAGE = 4;

/** acknowledges.message is varchar(2048); what Zabbix does beyond that is UNCONFIRMED. */
export const MAX_MESSAGE = 2048;

function clip(text: string, max = MAX_MESSAGE): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** The note with its delivery marker on a last line of its own, kept when the text is clipped. */
function withMarker(text: string, delivery: DeliveryMarker | undefined): string {
  if (!delivery) return clip(text);
  const tail = `\n[${delivery.marker}]`;
  const body = clip(text, MAX_MESSAGE - tail.length);
  return body === '' ? '' : `${body}${tail}`;
}

/**
 * Whether the problem already carries a message with this marker (an earlier attempt whose
 * answer was lost). problem.get's selectAcknowledges has the same name from 6.0 to 7.x; a
 * problem resolved longer ago than Zabbix keeps it under `recent` is not found, and the note
 * is written.
 */
async function alreadyNoted(
  client: ZabbixClient,
  eventId: string,
  { marker }: DeliveryMarker,
): Promise<boolean> {
  const found = await client.call('problem.get', {
    output: ['eventid'],
    eventids: [eventId],
    recent: true,
    selectAcknowledges: ['message'],
  });
  if (!Array.isArray(found)) return false;
  return found.some(
    (p) =>
      isObj(p) &&
      Array.isArray(p.acknowledges) &&
      p.acknowledges.some(
        (a) => isObj(a) && typeof a.message === 'string' && a.message.includes(`[${marker}]`),
      ),
  );
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
  delivery?: DeliveryMarker,
): Promise<void> {
  if (!isId(target.id))
    throw ConnectorError.invalid('zabbix event.acknowledge: the target must be a numeric event id');
  const message = withMarker(text, delivery);
  if (message === '') throw ConnectorError.invalid('zabbix event.acknowledge: empty note');
  if (delivery && (await alreadyNoted(client, target.id, delivery))) return;
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
