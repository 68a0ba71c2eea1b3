import type { TicketSeen } from '../contract/canonical';
import { ConnectorError } from '../contract/connector-error';
import { correlationKeyOf } from './request-tracker.marker';
import { isInactive } from './request-tracker.status';
import type { RtTicketRecord } from './request-tracker.types';

/** Pure RT → canonical mapping; inputs have passed request-tracker.parse. */

/** RT writes unset dates as the epoch. */
function date(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) || at.getTime() <= 0 ? undefined : at;
}

export function toTicketSeen({
  ticket,
  client,
  keyField,
  resolvedStatus,
}: RtTicketRecord): TicketSeen {
  const occurredAt = date(ticket.LastUpdated) ?? date(ticket.Created);
  if (!occurredAt) {
    throw ConnectorError.invalid(
      `request-tracker: ticket ${ticket.id} has neither LastUpdated nor Created`,
    );
  }
  const closed = isInactive(ticket.Status, resolvedStatus);
  const by = ticket.LastUpdatedBy?.id;
  return {
    type: 'ticket',
    sourceId: String(ticket.id),
    occurredAt,
    ...(client ? { client: { name: client } } : {}),
    ticketId: String(ticket.id),
    summary: ticket.Subject,
    status: closed ? 'closed' : 'open',
    // RT names no resolver on the ticket; the last updater of a resolved ticket is the closest.
    ...(closed && by !== undefined ? { closedBy: String(by) } : {}),
    correlationKey: correlationKeyOf(ticket, keyField),
  };
}
