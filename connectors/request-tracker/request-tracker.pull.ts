import type { Page, RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { RtClient } from './request-tracker.client';
import { asCollection, asObject, asTicket } from './request-tracker.parse';
import { ticketRecord } from './request-tracker.records';
import type { RequestTrackerSettings } from './request-tracker.settings';
import { allOf, anyOf, dateLiteral, queueIn } from './request-tracker.ticketsql';
import type { RtTicket } from './request-tracker.types';

/**
 * Each incremental query reaches back this far before the newest change seen, so a change
 * written while a walk ran (or within the same second) is read by the next one. Repeats cost
 * nothing: a record's dedupe key is its version.
 */
export const OVERLAP_MS = 10 * 60 * 1000;

/** What a pulled ticket needs: status and who changed it last (a technician's resolve). */
export const PULL_FIELDS =
  'Subject,Status,Queue,Owner,Created,LastUpdated,LastUpdatedBy,Resolved,CustomFields';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where a ticket walk stands: its lower bound, the last id emitted, the newest change seen. */
interface TicketCursor {
  floor: string | null;
  afterId: number;
  high: string | null;
}

function badCursor(): ConnectorError {
  return ConnectorError.invalid('request-tracker: the stored tickets cursor is malformed');
}

function isoOrNull(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
}

function readCursor(cursor: string | null): TicketCursor {
  if (cursor === null) return { floor: null, afterId: 0, high: null };
  let parsed: Record<string, unknown>;
  try {
    parsed = asObject(JSON.parse(cursor), 'cursor');
  } catch {
    throw badCursor();
  }
  const { floor, afterId, high } = parsed;
  if (!isoOrNull(floor) || !isoOrNull(high) || !Number.isInteger(afterId)) throw badCursor();
  return { floor, afterId: afterId as number, high };
}

function newest(tickets: RtTicket[], previous: string | null): string | null {
  const times = tickets
    .map((t) => (t.LastUpdated ? Date.parse(t.LastUpdated) : NaN))
    .filter((t) => !Number.isNaN(t));
  if (previous) times.push(Date.parse(previous));
  return times.length > 0 ? new Date(Math.max(...times)).toISOString() : null;
}

export class RtPull {
  constructor(
    private readonly client: RtClient,
    private readonly settings: RequestTrackerSettings,
    private readonly clock: () => Date,
  ) {}

  /**
   * First walk: active tickets plus those changed within the lookback. Later walks: tickets
   * changed since the newest change seen, minus the overlap. Within a walk the position is an
   * id keyset (`id > afterId`, ordered by id), stable while tickets change, unlike page numbers.
   */
  async tickets(cursor: string | null): Promise<Page> {
    const state = readCursor(cursor);
    const { timezone, pageSize } = this.settings;
    const lookback = new Date(
      this.clock().getTime() - this.settings.closedTicketLookbackDays * DAY_MS,
    );
    const scope = state.floor
      ? `LastUpdated > ${dateLiteral(new Date(state.floor), timezone)}`
      : anyOf([`Status = '__Active__'`, `LastUpdated > ${dateLiteral(lookback, timezone)}`]);
    const queues = this.settings.readQueues ?? [this.settings.queue];
    const page = asCollection(
      await this.client.get('/tickets', {
        query: allOf(queueIn(queues), scope, `id > ${state.afterId}`),
        fields: PULL_FIELDS,
        orderby: 'id',
        order: 'ASC',
        per_page: pageSize,
        page: 1,
      }),
      'tickets',
      asTicket,
    );
    const batch = page.items;
    const records: RawRecord[] = batch.map((t) => ticketRecord(t, this.settings));
    const high = newest(batch, state.high);
    const last = batch[batch.length - 1];
    if (batch.length === pageSize && last) {
      const afterId = Number(last.id);
      if (!Number.isInteger(afterId) || afterId <= state.afterId)
        throw ConnectorError.invalid('request-tracker: ticket ids are not increasing');
      return { records, cursor: JSON.stringify({ ...state, afterId, high }), more: true };
    }
    const floor = high
      ? new Date(Date.parse(high) - OVERLAP_MS).toISOString()
      : (state.floor ?? lookback.toISOString());
    return { records, cursor: JSON.stringify({ floor, afterId: 0, high }), more: false };
  }
}
