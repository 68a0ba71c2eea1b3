import type { DeliveryMarker, ExternalRef, TicketDraft } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { ManageClient } from './connectwise-manage.client';
import { quote } from './connectwise-manage.conditions';
import type { ManageLookup } from './connectwise-manage.lookup';
import {
  carriesKey,
  deliverySearchFragment,
  externalXRefFor,
  isDeliveryMarker,
  noteCarriesDelivery,
  noteWithDelivery,
  searchFragment,
  summaryWithMarker,
} from './connectwise-manage.marker';
import { asConfigurationReference, asListOf, asNote, asTicket } from './connectwise-manage.parse';
import type { ConnectWiseManageSettings } from './connectwise-manage.settings';
import { closedStatusOf, isWorked, newStatusOf } from './connectwise-manage.status';
import type {
  ManageNote,
  ManagePatchOperation,
  ManageTicket,
  ManageTicketCreate,
} from './connectwise-manage.types';

/** More tickets than this carrying one marker would already be a bug; the oldest wins. */
const SEARCH_PAGE_SIZE = 25;
/**
 * Notes looked at before adding one, newest first. The `text contains` filter should leave at
 * most one; should a server ignore it, a retry still finds a note it added moments ago here.
 */
const NOTE_SEARCH_PAGE_SIZE = 25;

function ticketNumber(ref: ExternalRef): number {
  if (!/^\d+$/.test(ref.id)) {
    throw ConnectorError.invalid('connectwise-manage: ticket reference is not a ticket id');
  }
  return Number(ref.id);
}

function toRef(ticket: ManageTicket): ExternalRef {
  return { id: String(ticket.id) };
}

/** Ticket write-backs. Every method is safe to retry (README: "Idempotency"). */
export class ManageActions {
  constructor(
    private readonly client: ManageClient,
    private readonly lookup: ManageLookup,
    private readonly settings: ConnectWiseManageSettings,
  ) {}

  /** Search first; create only when no ticket, open or closed, carries the key. */
  async upsertTicket(draft: TicketDraft): Promise<ExternalRef> {
    const key = draft.correlationKey?.trim();
    if (!key) throw ConnectorError.invalid('connectwise-manage: draft has no correlationKey');
    const existing = await this.findByKey(key);
    if (existing) return toRef(existing);
    return toRef(await this.create(draft, key));
  }

  /** Adds the note once per delivery marker: a retry that finds the marker adds nothing. */
  async noteTicket(target: ExternalRef, text: string, delivery: DeliveryMarker): Promise<void> {
    const id = ticketNumber(target);
    checkNote(text, delivery);
    await this.addNoteOnce(id, text, delivery);
  }

  /**
   * Notes (once per delivery marker), then moves the ticket to the closed status. A ticket
   * already closed is left alone; a worked ticket only gets the note unless closeWorkedTickets
   * is on. Statuses are resolved before any write, so a misconfigured closed status fails
   * without leaving a note behind. A retry after the note landed but before the status change
   * finds the note and only changes the status.
   */
  async closeTicket(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void> {
    const id = ticketNumber(target);
    checkNote(note, delivery);
    const ticket = asTicket(await this.client.get(`/service/tickets/${id}`));
    if (ticket.closedFlag === true) return;
    const boardId = ticket.board?.id ?? this.settings.boardId;
    const statuses = await this.lookup.boardStatuses(boardId);
    const worked = isWorked(ticket, this.settings, newStatusOf(statuses, this.settings));
    const closeIt = !worked || this.settings.closeWorkedTickets;
    const closed = closeIt ? closedStatusOf(statuses, this.settings) : undefined;
    if (closeIt && !closed) {
      throw ConnectorError.invalid(
        `connectwise-manage: board ${boardId} has no active closed status named ` +
          `"${this.settings.closedStatusName}"`,
      );
    }
    await this.addNoteOnce(id, note, delivery);
    if (!closed) return;
    const operations: ManagePatchOperation[] = [
      { op: 'replace', path: 'status', value: { id: closed.id } },
    ];
    asTicket(await this.client.patch(`/service/tickets/${id}`, operations));
  }

  /**
   * Moves a closed ticket back to the board's new status (newStatusName, else the board
   * default), then notes it once per delivery marker. An open ticket only gets the note, so a
   * retry after the status change does not reopen twice, and one after the note adds nothing.
   */
  async reopenTicket(target: ExternalRef, note: string, delivery: DeliveryMarker): Promise<void> {
    const id = ticketNumber(target);
    checkNote(note, delivery);
    const ticket = asTicket(await this.client.get(`/service/tickets/${id}`));
    if (ticket.closedFlag === true) {
      const boardId = ticket.board?.id ?? this.settings.boardId;
      const open = newStatusOf(await this.lookup.boardStatuses(boardId), this.settings);
      if (!open || open.closedStatus === true) {
        throw ConnectorError.invalid(
          `connectwise-manage: board ${boardId} has no open status to reopen into (newStatusName or the board default)`,
        );
      }
      const operations: ManagePatchOperation[] = [
        { op: 'replace', path: 'status', value: { id: open.id } },
      ];
      asTicket(await this.client.patch(`/service/tickets/${id}`, operations));
    }
    await this.addNoteOnce(id, note, delivery);
  }

  private async findByKey(key: string): Promise<ManageTicket | undefined> {
    const rows = asListOf(
      await this.client.page(
        '/service/tickets',
        { conditions: `summary contains ${quote(searchFragment(key))}`, orderBy: 'id asc' },
        1,
        SEARCH_PAGE_SIZE,
      ),
      'tickets',
      asTicket,
    );
    // The server match is loose (LIKE wildcards); only the exact marker counts.
    const ours = rows.filter((t) => carriesKey(t, key));
    return ours.find((t) => t.closedFlag !== true) ?? ours[0];
  }

  private async create(draft: TicketDraft, key: string): Promise<ManageTicket> {
    const companyId = await this.lookup.companyId(draft.client);
    const configurationId = await this.lookup.configurationId(draft.device, companyId);
    const statusId = await this.newStatusId();
    const priorityId = this.priorityId(draft.priority);
    const externalXRef = externalXRefFor(key);
    const body: ManageTicketCreate = {
      summary: summaryWithMarker(draft.summary, key),
      recordType: 'ServiceTicket',
      board: { id: this.settings.boardId },
      ...(statusId !== undefined && { status: { id: statusId } }),
      company: { id: companyId },
      ...(priorityId !== undefined && { priority: { id: priorityId } }),
      ...(externalXRef !== undefined && { externalXRef }),
      initialDescription: draft.description,
      // Alert tickets should not email anyone on creation; board workflows still run.
      processNotifications: false,
    };
    const ticket = asTicket(await this.client.post('/service/tickets', body));
    if (configurationId !== undefined) {
      const path = `/service/tickets/${ticket.id}/configurations`;
      asConfigurationReference(await this.client.post(path, { id: configurationId }));
    }
    return ticket;
  }

  private async newStatusId(): Promise<number | undefined> {
    const wanted = this.settings.newStatusName;
    if (!wanted) return undefined;
    const statuses = await this.lookup.boardStatuses(this.settings.boardId);
    const status = newStatusOf(statuses, this.settings);
    if (!status) {
      throw ConnectorError.invalid(
        `connectwise-manage: board ${this.settings.boardId} has no active status named "${wanted}"`,
      );
    }
    return status.id;
  }

  private priorityId(priority: TicketDraft['priority']): number | undefined {
    const ids: Record<TicketDraft['priority'], number | undefined> = {
      low: this.settings.priorityLowId,
      medium: this.settings.priorityMediumId,
      high: this.settings.priorityHighId,
      critical: this.settings.priorityCriticalId,
    };
    return ids[priority];
  }

  /**
   * PSA has no idempotency key for notes, so the delivery marker goes into the note's last line
   * and the ticket's notes are searched for it first.
   */
  private async addNoteOnce(
    ticketId: number,
    text: string,
    { marker }: DeliveryMarker,
  ): Promise<void> {
    if (await this.hasNote(ticketId, marker)) return;
    const discussion = this.settings.noteType === 'discussion';
    const note: ManageNote = {
      text: noteWithDelivery(text, marker),
      detailDescriptionFlag: discussion,
      internalAnalysisFlag: !discussion,
      resolutionFlag: false,
      // A customer-visible note is meant to reach the customer; an internal one is not mail.
      processNotifications: discussion,
    };
    asNote(await this.client.post(`/service/tickets/${ticketId}/notes`, note));
  }

  private async hasNote(ticketId: number, marker: string): Promise<boolean> {
    const notes = asListOf(
      await this.client.page(
        `/service/tickets/${ticketId}/notes`,
        {
          conditions: `text contains ${quote(deliverySearchFragment(marker))}`,
          orderBy: 'id desc',
        },
        1,
        NOTE_SEARCH_PAGE_SIZE,
      ),
      'notes',
      asNote,
    );
    // Like the ticket search, the server match is loose; only the exact line counts.
    return notes.some((n) => noteCarriesDelivery(n.text, marker));
  }
}

/** Checked before any call, so a bad note or marker costs no request. */
function checkNote(text: string, delivery: DeliveryMarker): void {
  if (!text.trim()) throw ConnectorError.invalid('connectwise-manage: note text is empty');
  if (!isDeliveryMarker(delivery?.marker ?? '')) {
    throw ConnectorError.invalid(
      'connectwise-manage: delivery marker is not SB- and letters/digits',
    );
  }
}
