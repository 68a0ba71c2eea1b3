import { createHash } from 'node:crypto';
import type { ManageTicket } from './connectwise-manage.types';

/**
 * How a Switchboard correlation key lives in a ticket (README: "Idempotency").
 *
 * The summary carries `[SB-<token>]`: summary is a string field the guide shows searchable with
 * `conditions`, while externalXRef's searchability is unconfirmed and custom fields need setup
 * in each tenant. The token is the key itself when it is short and made of characters that mean
 * nothing to the server's matcher; otherwise `#` + a hash prefix. externalXRef additionally
 * holds `SB:<key>` so the full key can be read back from a hashed marker.
 */

export const SUMMARY_MAX = 100;
const SAFE_KEY = /^[A-Za-z0-9._:-]{1,40}$/;
const MARKER = /\[SB-(#[0-9a-f]{24}|[A-Za-z0-9._:-]{1,40})\]/;
const XREF_PREFIX = 'SB:';

export function markerToken(key: string): string {
  if (SAFE_KEY.test(key)) return key;
  return `#${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 24)}`;
}

export function markerFor(key: string): string {
  return `[SB-${markerToken(key)}]`;
}

/**
 * The text searched with `summary contains`: the marker without its opening bracket, because
 * `[` opens a character class in the server's matcher. The closing `]` keeps `SB-inc-1]` from
 * matching `SB-inc-12]`; callers still compare the full marker.
 */
export function searchFragment(key: string): string {
  return `SB-${markerToken(key)}]`;
}

/** Title with the marker appended, whitespace collapsed, within the 100-character limit. */
export function summaryWithMarker(title: string, key: string): string {
  const marker = markerFor(key);
  const room = SUMMARY_MAX - marker.length - 1;
  const flat = title.replace(/\s+/g, ' ').trim();
  const cut = flat.length > room ? `${flat.slice(0, Math.max(0, room - 1))}…` : flat;
  return cut ? `${cut} ${marker}` : marker;
}

export function externalXRefFor(key: string): string | undefined {
  const value = `${XREF_PREFIX}${key}`;
  return value.length <= SUMMARY_MAX ? value : undefined;
}

export function carriesKey(ticket: ManageTicket, key: string): boolean {
  return ticket.summary.includes(markerFor(key)) || ticket.externalXRef === externalXRefFor(key);
}

/** The key Switchboard wrote into this ticket, if any. */
export function correlationKeyOf(ticket: ManageTicket): string | undefined {
  const xref = ticket.externalXRef;
  if (typeof xref === 'string' && xref.startsWith(XREF_PREFIX) && xref.length > XREF_PREFIX.length)
    return xref.slice(XREF_PREFIX.length);
  const token = MARKER.exec(ticket.summary)?.[1];
  return token && !token.startsWith('#') ? token : undefined;
}

/**
 * How an outbox delivery lives in a note (README: "Notes once per delivery"): the note ends with
 * its own line `[SB-…]`. The marker is the core's `SB-` + hex; anything else is refused, so it
 * never holds a character that means something to the server's matcher (`_`, `%`, `[`).
 */
const DELIVERY_MARKER = /^SB-[A-Za-z0-9]{1,40}$/;

export function isDeliveryMarker(marker: string): boolean {
  return DELIVERY_MARKER.test(marker);
}

export function deliveryLine(marker: string): string {
  return `[${marker}]`;
}

/** The note text with the delivery line last, after a blank line. */
export function noteWithDelivery(text: string, marker: string): string {
  return `${text.replace(/\s+$/, '')}\n\n${deliveryLine(marker)}`;
}

/**
 * The text searched with `text contains`: the line without its opening bracket, as for the
 * summary marker; the exact line is compared afterwards.
 */
export function deliverySearchFragment(marker: string): string {
  return `${marker}]`;
}

/** Exact check, whatever the server did to the line breaks before it. */
export function noteCarriesDelivery(text: string | undefined, marker: string): boolean {
  return typeof text === 'string' && text.includes(deliveryLine(marker));
}
