import type { Page, RawRecord } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { lastPage } from '../shared/paging';
import type { ManageClient } from './connectwise-manage.client';
import { allOf, dateLiteral, idIn } from './connectwise-manage.conditions';
import {
  asCompany,
  asConfiguration,
  asConfigurationReference,
  asListOf,
  asObject,
  asTicket,
} from './connectwise-manage.parse';
import { companyRecord, configurationRecord, ticketRecord } from './connectwise-manage.records';
import type { ConnectWiseManageSettings } from './connectwise-manage.settings';
import type { ManageInfo, ManageTicket } from './connectwise-manage.types';

/**
 * Each incremental query reaches back this far before the newest change seen, so an update
 * written while a walk was running is picked up by the next one. Repeats are harmless: the
 * record's dedupe key is its version.
 */
export const OVERLAP_MS = 10 * 60 * 1000;

/** Tickets are fetched one page per call because each costs one more call for its devices. */
export const TICKET_PAGE_SIZE = 100;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where a ticket walk stands: its lower bound, the last id emitted, the newest change seen. */
interface TicketCursor {
  floor: string | null;
  afterId: number;
  high: string | null;
}

function badCursor(stream: string): ConnectorError {
  return ConnectorError.invalid(`connectwise-manage: the stored ${stream} cursor is malformed`);
}

function isoOrNull(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
}

function readTicketCursor(cursor: string | null): TicketCursor {
  if (cursor === null) return { floor: null, afterId: 0, high: null };
  let parsed: Record<string, unknown>;
  try {
    parsed = asObject(JSON.parse(cursor), 'cursor');
  } catch {
    throw badCursor('tickets');
  }
  const { floor, afterId, high } = parsed;
  if (!isoOrNull(floor) || !isoOrNull(high) || !Number.isInteger(afterId))
    throw badCursor('tickets');
  return { floor, afterId: afterId as number, high };
}

function readDeviceCursor(cursor: string | null): Date | null {
  if (cursor === null) return null;
  const at = Date.parse(cursor);
  if (Number.isNaN(at)) throw badCursor('devices');
  return new Date(at);
}

/** The newest lastUpdated among the records and the previous high mark. */
function newest(infos: (ManageInfo | undefined)[], previous: string | null): string | null {
  const times = infos
    .map((info) => (info?.lastUpdated ? Date.parse(info.lastUpdated) : NaN))
    .filter((t) => !Number.isNaN(t));
  if (previous) times.push(Date.parse(previous));
  return times.length > 0 ? new Date(Math.max(...times)).toISOString() : null;
}

function before(iso: string, ms: number): Date {
  return new Date(Date.parse(iso) - ms);
}

export class ManagePull {
  constructor(
    private readonly client: ManageClient,
    private readonly settings: ConnectWiseManageSettings,
    private readonly clock: () => Date,
  ) {}

  /** Companies (as clients) then configurations (as devices), every page, in one call. */
  async devices(cursor: string | null): Promise<Page> {
    const since = readDeviceCursor(cursor);
    const changed = since
      ? `lastUpdated > ${dateLiteral(new Date(since.getTime() - OVERLAP_MS))}`
      : undefined;
    const companies = asListOf(
      await this.client.all('/company/companies', { conditions: changed, orderBy: 'id asc' }),
      'companies',
      asCompany,
    );
    const types = idIn('type/id', this.settings.configurationTypeIds ?? []);
    const configurations = asListOf(
      await this.client.all('/company/configurations', {
        conditions: allOf(changed, types) || undefined,
        orderBy: 'id asc',
      }),
      'configurations',
      asConfiguration,
    );
    const records: RawRecord[] = [
      ...companies.map(companyRecord),
      ...configurations.map(configurationRecord),
    ];
    const high = newest(
      [...companies, ...configurations].map((r) => r._info),
      since ? since.toISOString() : null,
    );
    return lastPage(records, high);
  }

  /**
   * First walk: open tickets plus those changed within the lookback (recently closed). Later
   * walks: tickets changed since the newest change seen, minus the overlap. Within a walk the
   * position is an id keyset (`id > afterId`, ordered by id), which stays stable while tickets
   * change during the walk, unlike page numbers.
   */
  async tickets(cursor: string | null): Promise<Page> {
    const state = readTicketCursor(cursor);
    const lookback = new Date(
      this.clock().getTime() - this.settings.closedTicketLookbackDays * DAY_MS,
    );
    const scope = state.floor
      ? `lastUpdated > ${dateLiteral(new Date(state.floor))}`
      : `closedFlag=false or lastUpdated > ${dateLiteral(lookback)}`;
    const size = Math.min(this.settings.pageSize, TICKET_PAGE_SIZE);
    const batch = asListOf(
      await this.client.page(
        '/service/tickets',
        { conditions: allOf(scope, `id > ${state.afterId}`), orderBy: 'id asc' },
        1,
        size,
      ),
      'tickets',
      asTicket,
    );
    const records: RawRecord[] = [];
    for (const ticket of batch) records.push(ticketRecord(ticket, await this.attached(ticket)));
    const high = newest(
      batch.map((t) => t._info),
      state.high,
    );
    const last = batch[batch.length - 1];
    if (batch.length === size && last) {
      return { records, cursor: JSON.stringify({ ...state, afterId: last.id, high }), more: true };
    }
    const floor = high
      ? before(high, OVERLAP_MS).toISOString()
      : (state.floor ?? lookback.toISOString());
    return { records, cursor: JSON.stringify({ floor, afterId: 0, high }), more: false };
  }

  /** The ticket model has no configurations array; devices hang off a sub-resource. */
  private async attached(ticket: ManageTicket) {
    const path = `/service/tickets/${ticket.id}/configurations`;
    return asListOf(
      await this.client.all(path),
      `configurations of ticket ${ticket.id}`,
      asConfigurationReference,
    );
  }
}
