import type { ExternalRef, PagingMessage, TicketDraft } from '../../connectors/contract/connector';

/**
 * Every write-back the outbox can deliver, with the payload each one carries. Ticket commands
 * name a ticket link; the vendor's ticket id (`target`) is filled in just before delivery,
 * once the upsert that creates the ticket has delivered.
 */
export type OutboxCommand =
  | { action: 'pushAlertNote'; payload: { target: ExternalRef; text: string } }
  | { action: 'upsertTicket'; payload: { ticketLinkId: string; draft: TicketDraft } }
  | { action: 'noteTicket'; payload: TicketTextPayload & { text: string } }
  | { action: 'closeTicket'; payload: TicketTextPayload & { note: string } }
  | { action: 'reopenTicket'; payload: TicketTextPayload & { note: string } }
  | { action: 'runRollback'; payload: { device: ExternalRef; patchId: string } }
  | { action: 'notify'; payload: { message: PagingMessage } }
  | {
      action: 'silenceDevice';
      payload: { device: ExternalRef; endsAt: string; reason: string; link: string };
    }
  /** `silenceKey`: the idempotency key of the silenceDevice message whose silence ends. */
  | { action: 'expireSilence'; payload: { silenceKey: string; silence?: ExternalRef | null } };

interface TicketTextPayload {
  ticketLinkId: string;
  target?: ExternalRef;
}

export type OutboxAction = OutboxCommand['action'];
export type PayloadOf<A extends OutboxAction> = Extract<OutboxCommand, { action: A }>['payload'];

/** Compile-time proof that a switch over commands handled every action. */
export function unhandledCommand(command: never): never {
  throw new Error(`outbox: no delivery for action ${(command as { action: string }).action}`);
}
