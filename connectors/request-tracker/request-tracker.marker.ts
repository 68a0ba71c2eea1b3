import { createHash } from 'node:crypto';
import type { RtTicket } from './request-tracker.types';

/**
 * How a Switchboard incident key lives in an RT ticket (README: "Idempotency"): the subject ends
 * with `[SB-<token>]`, and the key custom field (when configured) holds the key itself. The
 * token is the key when it is short and plain (the core's keys are `SB` + 10 hex digits), else
 * `#` + a hash prefix, so it never holds a character TicketSQL or LIKE would read.
 */

const SAFE_KEY = /^[A-Za-z0-9._:-]{1,40}$/;
const MARKER = /\[SB-(#[0-9a-f]{24}|[A-Za-z0-9._:-]{1,40})\]/;
/** RT keeps Subject in a varchar(200). */
export const SUBJECT_MAX = 200;

export function markerToken(key: string): string {
  if (SAFE_KEY.test(key)) return key;
  return `#${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 24)}`;
}

export function markerFor(key: string): string {
  return `[SB-${markerToken(key)}]`;
}

/** The title with the marker appended, whitespace collapsed, within RT's subject length. */
export function subjectWithMarker(title: string, key: string): string {
  const marker = markerFor(key);
  const room = SUBJECT_MAX - marker.length - 1;
  const flat = title.replace(/\s+/g, ' ').trim();
  const cut = flat.length > room ? `${flat.slice(0, Math.max(0, room - 1))}…` : flat;
  return cut ? `${cut} ${marker}` : marker;
}

/** The key in the ticket's custom field, when that field is set. */
function keyFromField(ticket: RtTicket, keyField: string | undefined): string | undefined {
  if (!keyField) return undefined;
  const field = ticket.CustomFields?.find((cf) => cf.name === keyField);
  const value = field?.values.find((v) => typeof v === 'string' && v.trim() !== '');
  return value?.trim();
}

/** True when the ticket carries this key, in the custom field or in the subject. */
export function carriesKey(ticket: RtTicket, key: string, keyField: string | undefined): boolean {
  return keyFromField(ticket, keyField) === key || ticket.Subject.includes(markerFor(key));
}

/** The key Switchboard wrote into this ticket, if any (a hashed subject marker gives none). */
export function correlationKeyOf(
  ticket: RtTicket,
  keyField: string | undefined,
): string | undefined {
  const fromField = keyFromField(ticket, keyField);
  if (fromField) return fromField;
  const token = MARKER.exec(ticket.Subject)?.[1];
  return token && !token.startsWith('#') ? token : undefined;
}

/**
 * How an outbox delivery lives in a comment (README: "Comments once per delivery"): the
 * comment's subject ends with `[SB-…]` (RT keeps it as the transaction's Data, which the
 * history can be searched by) and its text ends with the same line for people.
 */
const DELIVERY_MARKER = /^SB-[A-Za-z0-9]{1,40}$/;

export function isDeliveryMarker(marker: string): boolean {
  return DELIVERY_MARKER.test(marker);
}

export function deliveryLine(marker: string): string {
  return `[${marker}]`;
}

export function commentSubject(marker: string): string {
  return `Switchboard update ${deliveryLine(marker)}`;
}

export function commentText(text: string, marker: string): string {
  return `${text.replace(/\s+$/, '')}\n\n${deliveryLine(marker)}`;
}

/** Exact check on a history entry's Data (the comment's subject, with RT's trailing newline). */
export function dataCarriesDelivery(data: string | undefined, marker: string): boolean {
  return typeof data === 'string' && data.includes(deliveryLine(marker));
}
