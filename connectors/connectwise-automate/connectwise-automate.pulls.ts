import type { Page, RawRecord } from '../contract/connector';
import type { AutomateApi, QueryParams } from './connectwise-automate.client';
import {
  readDevicesCursor,
  readPatchesCursor,
  writeCursor,
  type PatchesCursor,
} from './connectwise-automate.cursor';
import {
  clientRecord,
  computerRecords,
  microsoftUpdateRecord,
  patchHistoryRecord,
} from './connectwise-automate.records';
import type { ConnectWiseAutomateSettings } from './connectwise-automate.settings';
import { AutomateRecord } from './connectwise-automate.validate';

const DAY_S = 86_400;
/** The first round reads a week of patch history. */
const FIRST_HISTORY_S = 7 * DAY_S;
/**
 * Agents upload their update history after the fact, so rows appear with an ActionDate in the
 * past: each round re-reads this much before the newest row seen; the inbox drops the repeats.
 */
const HISTORY_OVERLAP_S = 6 * 3_600;
/** Microsoft updates exist only on Windows agents (condition language: api doc §3.2). */
const WINDOWS_ONLY = "OperatingSystemName like '%Windows%'";

/** ISO-8601 to the second, as the condition language takes dates (api doc §3.2). */
export function conditionDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * One vendor request per call. List endpoints answer bare arrays with no count (api doc §3.1):
 * a full page means "ask for the next page number", a short one ends the list.
 */
export class AutomatePulls {
  constructor(
    private readonly api: AutomateApi,
    private readonly settings: ConnectWiseAutomateSettings,
    private readonly clock: () => Date,
  ) {}

  private nowSeconds(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  private paged(page: number, extra: QueryParams = {}): QueryParams {
    return { ...extra, page, pageSize: this.settings.pageSize };
  }

  private full(items: unknown[]): boolean {
    return items.length >= this.settings.pageSize;
  }

  /**
   * Clients, then Computers, every round: a computer going offline changes no date Automate
   * could filter on, so only a whole walk sees it. Unchanged rows keep their dedupe keys.
   */
  async devices(text: string | null): Promise<Page> {
    const cursor = readDevicesCursor(text);
    const onClients = cursor.stage === 'clients';
    const path = onClients ? '/cwa/api/v1/Clients' : '/cwa/api/v1/Computers';
    const items = await this.api.list(path, this.paged(cursor.page, { orderBy: 'Id asc' }));
    const records = onClients ? items.map(clientRecord) : items.flatMap(computerRecords);
    if (this.full(items))
      return { records, cursor: writeCursor({ ...cursor, page: cursor.page + 1 }), more: true };
    if (onClients)
      return { records, cursor: writeCursor({ stage: 'computers', page: 1 }), more: true };
    return { records, cursor: writeCursor({ stage: 'clients', page: 1 }), more: false };
  }

  async patches(text: string | null): Promise<Page> {
    const cursor = readPatchesCursor(text, this.nowSeconds() - FIRST_HISTORY_S);
    switch (cursor.stage) {
      case 'history':
        return this.history(cursor);
      case 'computers':
        return this.computers(cursor);
      case 'updates':
        return this.updates(cursor);
    }
  }

  /** PatchHistory since the watermark, oldest first, so later pages hold the newer rows. */
  private async history(cursor: Extract<PatchesCursor, { stage: 'history' }>): Promise<Page> {
    const items = await this.api.list(
      '/cwa/api/v1/PatchHistory',
      this.paged(cursor.page, {
        condition: `ActionDate > ${conditionDate(cursor.since)}`,
        orderBy: 'ActionDate asc',
      }),
    );
    const built = items.map(patchHistoryRecord);
    const records = built.flatMap((b) => (b.record ? [b.record] : []));
    const newest = built.reduce(
      (max, b) => (b.at ? Math.max(max, Math.floor(b.at.getTime() / 1000)) : max),
      cursor.newest ?? -1,
    );
    if (this.full(items)) {
      const next = { ...cursor, page: cursor.page + 1, ...(newest >= 0 ? { newest } : {}) };
      return { records, cursor: writeCursor(next), more: true };
    }
    const since = newest >= 0 ? Math.max(cursor.since, newest - HISTORY_OVERLAP_S) : cursor.since;
    const now = this.nowSeconds();
    const sweepDue =
      cursor.sweptAt === undefined ||
      now - cursor.sweptAt >= this.settings.missingPatchSweepMinutes * 60;
    if (!sweepDue) return this.roundDone(records, since, cursor.sweptAt);
    const sweep: PatchesCursor = { stage: 'computers', since, page: 1, sweptAt: now };
    return { records, cursor: writeCursor(sweep), more: true };
  }

  /** One page of Windows computer ids to sweep (only Id is read from each row). */
  private async computers(cursor: Extract<PatchesCursor, { stage: 'computers' }>): Promise<Page> {
    const items = await this.api.list(
      '/cwa/api/v1/Computers',
      this.paged(cursor.page, { condition: WINDOWS_ONLY, orderBy: 'Id asc', includedFields: 'Id' }),
    );
    const queue = items.map((item) => AutomateRecord.of('computer', item).id('Id'));
    if (queue.length === 0) return this.roundDone([], cursor.since, cursor.sweptAt);
    const next: PatchesCursor = {
      stage: 'updates',
      since: cursor.since,
      sweptAt: cursor.sweptAt,
      computersPage: cursor.page,
      moreComputers: this.full(items),
      queue,
      page: 1,
    };
    return { records: [], cursor: writeCursor(next), more: true };
  }

  /** One page of one computer's Microsoft updates; the failed and missing ones are kept. */
  private async updates(cursor: Extract<PatchesCursor, { stage: 'updates' }>): Promise<Page> {
    const [computerId, ...rest] = cursor.queue;
    const items = await this.api.list(
      `/cwa/api/v1/Computers/${computerId}/MicrosoftUpdates`,
      this.paged(cursor.page),
    );
    const records = items.flatMap((item) => microsoftUpdateRecord(item) ?? []);
    let next: PatchesCursor | undefined;
    if (this.full(items)) next = { ...cursor, page: cursor.page + 1 };
    else if (rest.length > 0) next = { ...cursor, queue: rest, page: 1 };
    else if (cursor.moreComputers)
      next = {
        stage: 'computers',
        since: cursor.since,
        page: cursor.computersPage + 1,
        sweptAt: cursor.sweptAt,
      };
    if (next) return { records, cursor: writeCursor(next), more: true };
    return this.roundDone(records, cursor.since, cursor.sweptAt);
  }

  private roundDone(records: RawRecord[], since: number, sweptAt: number | undefined): Page {
    const next: PatchesCursor = {
      stage: 'history',
      since,
      page: 1,
      ...(sweptAt === undefined ? {} : { sweptAt }),
    };
    return { records, cursor: writeCursor(next), more: false };
  }
}
