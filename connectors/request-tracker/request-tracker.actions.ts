import type { DeliveryMarker, ExternalRef, TicketDraft } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { RtClient } from './request-tracker.client';
import {
  carriesKey,
  commentSubject,
  commentText,
  dataCarriesDelivery,
  deliveryLine,
  isDeliveryMarker,
  markerFor,
  subjectWithMarker,
} from './request-tracker.marker';
import { asCollection, asCreated, asTicket, asTransaction } from './request-tracker.parse';
import type { RequestTrackerSettings } from './request-tracker.settings';
import { isInactive, shouldResolve } from './request-tracker.status';
import { anyOf, cf, quote } from './request-tracker.ticketsql';
import type { RtComment, RtTicket, RtTicketCreate } from './request-tracker.types';

/** More tickets than this carrying one key would already be a bug; the oldest wins. */
export const SEARCH_PAGE_SIZE = 25;
/** The fields a key search needs to tell our ticket from a loose LIKE match. */
export const SEARCH_FIELDS = 'Subject,Status,CustomFields';

/** RT's numeric priorities (0–100); README: "Priority". */
export const PRIORITY: Record<TicketDraft['priority'], number> = {
  low: 25,
  medium: 50,
  high: 75,
  critical: 100,
};

function ticketId(ref: ExternalRef): string {
  if (!/^\d+$/.test(ref?.id ?? '')) {
    throw ConnectorError.invalid('request-tracker: ticket reference is not a ticket id');
  }
  return ref.id;
}

/** Checked before any call, so a bad note or marker costs no request. */
function checkNote(text: string, delivery: DeliveryMarker): void {
  if (!text?.trim()) throw ConnectorError.invalid('request-tracker: note text is empty');
  if (!isDeliveryMarker(delivery?.marker ?? '')) {
    throw ConnectorError.invalid('request-tracker: delivery marker is not SB- and letters/digits');
  }
}

/** The TicketSQL that finds the tickets carrying one incident key, in any queue and status. */
export function keyQuery(key: string, keyField: string | undefined): string {
  const bySubject = `Subject LIKE ${quote(markerFor(key))}`;
  return keyField ? anyOf([`${cf(keyField)} = ${quote(key)}`, bySubject]) : bySubject;
}

/** Ticket write-backs; every method is safe to retry (README: "Idempotency"). */
export class RtActions {
  constructor(
    private readonly client: RtClient,
    private readonly settings: RequestTrackerSettings,
  ) {}

  /** Search first (any queue, any status); create only when no ticket carries the key. */
  async upsertTicket(draft: TicketDraft): Promise<ExternalRef> {
    const key = draft?.correlationKey?.trim();
    if (!key) throw ConnectorError.invalid('request-tracker: draft has no correlationKey');
    const existing = await this.findByKey(key);
    if (existing) return { id: String(existing.id) };
    const { keyField, queue } = this.settings;
    const body: RtTicketCreate = {
      Queue: queue,
      Subject: subjectWithMarker(draft.summary, key),
      Content: draft.description,
      ContentType: 'text/plain',
      Priority: PRIORITY[draft.priority] ?? PRIORITY.medium,
      ...(keyField ? { CustomFields: { [keyField]: key } } : {}),
    };
    const created = asCreated(await this.client.post('/ticket', body));
    return { id: String(created.id) };
  }

  /** Comments once per delivery marker: a retry that finds the marker adds nothing. */
  async noteTicket(target: ExternalRef, text: string, delivery: DeliveryMarker): Promise<void> {
    const id = ticketId(target);
    checkNote(text, delivery);
    if (await this.hasComment(id, delivery.marker)) return;
    await this.comment(id, text, delivery.marker);
  }

  /**
   * Comments and resolves in one call (RT applies `Status` in the comment's transaction). An
   * inactive ticket is left alone; an owned one only gets the comment unless closeOwnedTickets.
   * A retry that finds the comment only sets the status.
   */
  async closeTicket(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void> {
    const id = ticketId(target);
    checkNote(note, delivery);
    const ticket = await this.ticket(id);
    const { resolvedStatus } = this.settings;
    if (isInactive(ticket.Status, resolvedStatus)) return;
    const status = shouldResolve(ticket, this.settings) ? resolvedStatus : undefined;
    await this.commentOnce(id, note, delivery.marker, status);
  }

  /**
   * An inactive ticket goes back to reopenStatus with the comment, in one call; an active one
   * only gets the comment. Once per marker, so a retry reopens and comments at most once.
   */
  async reopenTicket(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void> {
    const id = ticketId(target);
    checkNote(note, delivery);
    const ticket = await this.ticket(id);
    const inactive = isInactive(ticket.Status, this.settings.resolvedStatus);
    await this.commentOnce(
      id,
      note,
      delivery.marker,
      inactive ? this.settings.reopenStatus : undefined,
    );
  }

  private async ticket(id: string): Promise<RtTicket> {
    return asTicket(await this.client.get(`/ticket/${id}`));
  }

  private async findByKey(key: string): Promise<RtTicket | undefined> {
    const { keyField } = this.settings;
    const page = asCollection(
      await this.client.get('/tickets', {
        query: keyQuery(key, keyField),
        fields: SEARCH_FIELDS,
        orderby: 'id',
        order: 'ASC',
        per_page: SEARCH_PAGE_SIZE,
      }),
      'tickets',
      asTicket,
    );
    // LIKE is a substring match (and `_` a wildcard); only the exact key counts.
    const ours = page.items.filter((t) => carriesKey(t, key, keyField));
    return ours.find((t) => !isInactive(t.Status, this.settings.resolvedStatus)) ?? ours[0];
  }

  /** Comment unless one with the marker exists; a status change is made either way. */
  private async commentOnce(
    id: string,
    text: string,
    marker: string,
    status: string | undefined,
  ): Promise<void> {
    if (await this.hasComment(id, marker)) {
      if (status) await this.client.put(`/ticket/${id}`, { Status: status });
      return;
    }
    await this.comment(id, text, marker, status);
  }

  private async comment(id: string, text: string, marker: string, status?: string): Promise<void> {
    const body: RtComment = {
      Subject: commentSubject(marker),
      Content: commentText(text, marker),
      ContentType: 'text/plain',
      ...(status ? { Status: status } : {}),
    };
    await this.client.post(`/ticket/${id}/comment`, body);
  }

  /**
   * The ticket's history searched for the marker in a transaction's Data (a comment's subject).
   * The JSON form of `query` keeps the search within this ticket's history; TicketSQL-like text
   * would replace it (README: "History search").
   */
  private async hasComment(id: string, marker: string): Promise<boolean> {
    const page = asCollection(
      await this.client.get(`/ticket/${id}/history`, {
        query: JSON.stringify([{ field: 'Data', operator: 'LIKE', value: deliveryLine(marker) }]),
        fields: 'Type,Data',
        per_page: SEARCH_PAGE_SIZE,
      }),
      'history',
      asTransaction,
    );
    return page.items.some((t) => dataCarriesDelivery(t.Data, marker));
  }
}
