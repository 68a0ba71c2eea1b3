import { createHash } from 'node:crypto';
import type { DeliveryMarker, PagingMessage } from '../contract/connector';
import { clip, oneLine } from '../shared/notify';

const MAX_SUBJECT = 200;

/** The fields of one message, as nodemailer takes them. */
export interface EmailMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string;
  date: Date;
  headers: Record<string, string>;
}

/** The domain of the sender's address: Message-IDs are made unique under it. */
export function senderDomain(from: string): string {
  const address = /<([^>]+)>\s*$/.exec(from)?.[1] ?? from;
  return address
    .slice(address.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
}

/** A stable, header-safe stand-in for the incident key (which may hold any character). */
function incidentToken(incidentKey: string): string {
  return createHash('sha256').update(incidentKey).digest('hex').slice(0, 32);
}

/**
 * The opening's Message-ID is made from the incident key alone, so that every later message
 * can name it in In-Reply-To/References without knowing the opening's delivery marker. There is
 * one opening per incident, so it stays unique; a retry of it keeps the same id.
 */
export function openingMessageId(incidentKey: string, domain: string): string {
  return `<sb.${incidentToken(incidentKey)}.opened@${domain}>`;
}

/** Every other message: incident key, event and delivery marker, so a retry keeps its id. */
export function followUpMessageId(
  message: PagingMessage,
  delivery: DeliveryMarker,
  domain: string,
): string {
  const marker = delivery.marker.replace(/[^A-Za-z0-9-]/g, '');
  return `<sb.${incidentToken(message.incidentKey)}.${message.event}.${marker}@${domain}>`;
}

export function toSubject(message: PagingMessage): string {
  const summary = oneLine(message.summary);
  const text = message.event === 'resolved' ? `Resolved: ${summary}` : summary;
  return clip(`[Switchboard] ${text}`, MAX_SUBJECT);
}

/** One mail per message; all of an incident's mails thread under its opening. */
export function toMail(
  message: PagingMessage,
  delivery: DeliveryMarker,
  settings: { from: string; to: string[] },
  now: Date,
): EmailMail {
  const domain = senderDomain(settings.from);
  const opening = openingMessageId(message.incidentKey, domain);
  const mail: EmailMail = {
    from: settings.from,
    to: [...settings.to],
    subject: toSubject(message),
    text: `${message.text.trimEnd()}\n\nOpen the incident: ${message.link}\n`,
    messageId: opening,
    date: now,
    // RFC 3834: an out-of-office reply must not answer this mail.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
  if (message.event !== 'opened') {
    mail.messageId = followUpMessageId(message, delivery, domain);
    mail.inReplyTo = opening;
    mail.references = opening;
  }
  return mail;
}
