import type { RequestTrackerSettings } from './request-tracker.settings';
import type { RtTicket } from './request-tracker.types';

/**
 * The default lifecycle's inactive statuses (RT_Config.pm: resolved, rejected, deleted), plus the
 * configured resolvedStatus for a queue with a lifecycle of its own.
 */
const INACTIVE = ['resolved', 'rejected', 'deleted'];

export function isInactive(status: string, resolvedStatus?: string): boolean {
  const s = status.toLowerCase();
  return (
    INACTIVE.includes(s) || (resolvedStatus !== undefined && s === resolvedStatus.toLowerCase())
  );
}

/** Someone took the ticket: RT's unowned tickets are owned by the user "Nobody" (REST 2.0 names users by Name). */
export function isOwned(ticket: RtTicket): boolean {
  const owner = ticket.Owner?.id;
  return owner !== undefined && owner !== 'Nobody';
}

export function shouldResolve(ticket: RtTicket, settings: RequestTrackerSettings): boolean {
  return !isOwned(ticket) || settings.closeOwnedTickets;
}
