import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '../contract/canonical';
import type { RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { toTicketSeen } from './request-tracker.mapper';
import { asTicketRecord } from './request-tracker.parse';
import type { RequestTrackerSettings } from './request-tracker.settings';
import type { RtTicket, RtTicketRecord } from './request-tracker.types';

/**
 * One record per ticket version: LastUpdated moves on every transaction (comment, status,
 * field), so overlapping polls store each version once. The status is part of the key because
 * LastUpdated has one-second resolution.
 */
export function ticketRecord(ticket: RtTicket, settings: RequestTrackerSettings): RawRecord {
  const version =
    ticket.LastUpdated ??
    createHash('sha256').update(JSON.stringify(ticket)).digest('hex').slice(0, 32);
  const payload: RtTicketRecord = {
    ticket,
    ...(settings.clientName ? { client: settings.clientName } : {}),
    ...(settings.keyField ? { keyField: settings.keyField } : {}),
    ...(settings.resolvedStatus !== 'resolved' ? { resolvedStatus: settings.resolvedStatus } : {}),
  };
  return {
    type: 'ticket',
    dedupeKey: `ticket:${ticket.id}:${version}:${ticket.Status}`,
    payload,
  };
}

export function normalizeRecord(raw: RawRecord): CanonicalEvent[] {
  if (raw.type !== 'ticket')
    throw ConnectorError.invalid(`request-tracker: unknown record type ${raw.type}`);
  return [toTicketSeen(asTicketRecord(raw.payload))];
}
