import type { ConnectWiseManageSettings } from './connectwise-manage.settings';
import type { ManageBoardStatus, ManageTicket } from './connectwise-manage.types';

/** Board status rules: which status is "new", which one closes, and when a ticket was worked. */

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The configured new status, or the board's default status when none is configured. */
export function newStatusOf(
  statuses: ManageBoardStatus[],
  settings: ConnectWiseManageSettings,
): ManageBoardStatus | undefined {
  const wanted = settings.newStatusName;
  return wanted
    ? statuses.find((s) => sameName(s.name, wanted))
    : statuses.find((s) => s.defaultFlag === true);
}

/** The configured closing status; it must be a closed status, or closing would not close. */
export function closedStatusOf(
  statuses: ManageBoardStatus[],
  settings: ConnectWiseManageSettings,
): ManageBoardStatus | undefined {
  return statuses.find(
    (s) => s.closedStatus === true && sameName(s.name, settings.closedStatusName),
  );
}

/**
 * A technician has worked the ticket when it left our board, has hours logged (actualHours,
 * fed by time entries), or moved away from the new status. When the board's new status cannot
 * be determined the ticket counts as worked: closing something a person may own is the worse
 * mistake.
 */
export function isWorked(
  ticket: ManageTicket,
  settings: ConnectWiseManageSettings,
  newStatus: ManageBoardStatus | undefined,
): boolean {
  if (ticket.board?.id !== settings.boardId) return true;
  if ((ticket.actualHours ?? 0) > 0) return true;
  return !newStatus || ticket.status?.id !== newStatus.id;
}
