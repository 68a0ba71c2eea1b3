import type { DataSource } from 'typeorm';
import type { Principal } from '../access/principal';
import { OutboxMessage, type OutboxStatus } from '../outbox/entities/outbox-message.entity';
import type { OutboxCommand } from '../outbox/outbox-command';
import { Incident } from './entities/incident.entity';
import { toolNames } from './incident-board';

/** One message an incident made Switchboard send, with the text exactly as the tool got it. */
export interface SentText {
  id: string;
  action: OutboxCommand['action'];
  /** What the message does, in words ("Ticket created", "Note on the monitoring problem"). */
  what: string;
  tool: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  /** A short heading the text carries (a ticket's summary, a page's one line), if any. */
  heading: string | null;
  text: string;
}

const WHAT: Record<OutboxCommand['action'], string> = {
  pushAlertNote: 'Note on the monitoring problem',
  upsertTicket: 'Ticket created',
  noteTicket: 'Note on the ticket',
  closeTicket: 'Ticket closed, with a note',
  reopenTicket: 'Ticket reopened, with a note',
  runRollback: 'Rollback script run',
  notify: 'Page to the people on call',
  silenceDevice: "Device's alerts silenced during the rollback",
  expireSilence: 'Silence lifted',
};

/**
 * The texts of an incident's outbox messages, read from their stored payloads: the very
 * strings the dispatcher hands to the connectors, never rendered a second time. Answers
 * nothing for an incident the principal may not see (callers check that first; this repeats
 * it so the texts never leak on their own).
 */
export async function incidentTexts(
  ds: DataSource,
  who: Principal,
  incidentId: string,
): Promise<SentText[]> {
  const qb = ds
    .getRepository(OutboxMessage)
    .createQueryBuilder('o')
    .innerJoin(Incident, 'i', 'i.id = o.incidentId')
    .where('o.incidentId = :incidentId', { incidentId })
    .orderBy('o.id', 'ASC');
  if (who.clientId) qb.andWhere('i.clientId = :clientId', { clientId: who.clientId });
  const messages = await qb.getMany();
  const tools = await toolNames(
    ds,
    messages.map((m) => m.instanceId),
  );
  return messages.map((m) => ({
    id: m.id,
    action: m.action,
    what: WHAT[m.action] ?? m.action,
    tool: tools.get(m.instanceId) ?? 'a removed tool',
    status: m.status,
    attempts: m.attempts,
    lastError: m.lastError,
    createdAt: m.createdAt,
    deliveredAt: m.deliveredAt,
    ...textOf({ action: m.action, payload: m.payload } as OutboxCommand),
  }));
}

/** Where each command keeps its text (the outbox command types say which field). */
function textOf(c: OutboxCommand): { heading: string | null; text: string } {
  switch (c.action) {
    case 'pushAlertNote':
    case 'noteTicket':
      return { heading: null, text: c.payload.text };
    case 'closeTicket':
    case 'reopenTicket':
      return { heading: null, text: c.payload.note };
    case 'upsertTicket':
      return { heading: c.payload.draft.summary, text: c.payload.draft.description };
    case 'notify':
      return { heading: c.payload.message.summary, text: c.payload.message.text };
    case 'silenceDevice':
      return { heading: null, text: `${c.payload.reason} (until ${c.payload.endsAt})` };
    case 'runRollback':
      // No text goes out: the RMM gets the device and the KB for its removal script.
      return { heading: null, text: `Remove ${c.payload.patchId} (device ${c.payload.device.id})` };
    default:
      return { heading: null, text: '' };
  }
}
