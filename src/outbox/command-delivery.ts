import { createHash } from 'node:crypto';
import type { Connector, DeliveryMarker, ExternalRef } from '../../connectors/contract/connector';
import { ConnectorError } from '../../connectors/contract/connector-error';
import { classifyDbError } from '../common/db-errors';
import { unhandledCommand, type OutboxCommand } from './outbox-command';

/** What a delivered command returned, stored on the message (a ticket's ref, a job id). */
export type Result = Record<string, unknown> | null;

export const DELIVERED_EVENT: Record<OutboxCommand['action'], string> = {
  upsertTicket: 'ticket.upserted',
  noteTicket: 'ticket.noted',
  closeTicket: 'ticket.closed',
  reopenTicket: 'ticket.reopened',
  pushAlertNote: 'alert.noted',
  runRollback: 'rollback.started',
  notify: 'page.sent',
  silenceDevice: 'alerts.silenced',
  expireSilence: 'alerts.unsilenced',
};

export const DELIVERED_TEXT: Record<OutboxCommand['action'], string> = {
  upsertTicket: 'ticket opened (or found) for the incident',
  noteTicket: 'note added to the ticket',
  closeTicket: 'ticket closed',
  reopenTicket: 'ticket reopened',
  pushAlertNote: 'note pushed to the monitoring alert',
  runRollback: 'rollback script started on the device',
  notify: 'page sent',
  silenceDevice: "device's alerts silenced while the rollback runs",
  expireSilence: "device's alerts silence lifted",
};

/** Stable for one message across its retries (and replicas), distinct between messages. */
export function deliveryMarker(message: { idempotencyKey: string }): DeliveryMarker {
  const hash = createHash('sha256').update(message.idempotencyKey).digest('hex');
  return { marker: `SB-${hash.slice(0, 12).toUpperCase()}` };
}

/** The one place a command becomes a connector call; the compiler checks every action is here. */
export async function deliverCommand(
  connector: Connector,
  command: OutboxCommand,
  delivery: DeliveryMarker,
): Promise<Result> {
  const need = <K extends keyof Connector>(name: K): NonNullable<Connector[K]> => {
    const fn = connector[name];
    if (!fn) throw ConnectorError.invalid(`this connector cannot ${name}`);
    return (fn as (...a: unknown[]) => unknown).bind(connector) as NonNullable<Connector[K]>;
  };
  const target = (p: { target?: ExternalRef }): ExternalRef => {
    if (!p.target) throw new Error('ticket target was not prepared');
    return p.target;
  };
  switch (command.action) {
    case 'pushAlertNote':
      await need('pushAlertNote')(command.payload.target, command.payload.text, delivery);
      return null;
    case 'upsertTicket':
      return { ref: await need('upsertTicket')(command.payload.draft) };
    case 'noteTicket':
      await need('noteTicket')(target(command.payload), command.payload.text, delivery);
      return null;
    case 'closeTicket':
      await need('closeTicket')(target(command.payload), command.payload.note, delivery);
      return null;
    case 'reopenTicket':
      await need('reopenTicket')(target(command.payload), command.payload.note, delivery);
      return null;
    case 'runRollback':
      return {
        job: await need('runRollback')(command.payload.device, command.payload.patchId),
      };
    case 'notify':
      await need('notify')(command.payload.message, delivery);
      return null;
    case 'silenceDevice': {
      const { device, endsAt, reason, link } = command.payload;
      const silence = await need('silenceDevice')(
        { device, endsAt: new Date(endsAt), reason, link },
        delivery,
      );
      return { ref: silence };
    }
    case 'expireSilence':
      // The instance was set not to silence: nothing was made, nothing to lift.
      if (command.payload.silence) await need('expireSilence')(command.payload.silence, delivery);
      return null;
    default:
      return unhandledCommand(command);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * A vendor's classified error keeps its own verdict; a database or network that is away is
 * retried; anything else is a programming error: retrying it eight times only hides it, so it
 * is dead-lettered at once with its stack.
 */
export function classifyDeliveryError(err: unknown): { error: ConnectorError; bug: boolean } {
  if (err instanceof ConnectorError) return { error: err, bug: false };
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (err as { code?: unknown } | null)?.code;
  const transient =
    classifyDbError(err) === 'unavailable' ||
    (err as { isAxiosError?: unknown } | null)?.isAxiosError === true ||
    (typeof code === 'string' && NETWORK_CODES.has(code));
  if (transient) return { error: new ConnectorError(e.message, 'unavailable', true), bug: false };
  const where = (e.stack ?? '')
    .split('\n')
    .slice(1, 4)
    .map((l) => l.trim())
    .join(' < ');
  return {
    error: new ConnectorError(`bug: ${e.name}: ${e.message} at ${where}`, 'invalid', false),
    bug: true,
  };
}
