import type { Page } from '../contract/connector';
import type { NinjaOneClient, QueryParams } from './ninjaone.client';
import {
  readActivitiesCursor,
  readDevicesCursor,
  readPatchesCursor,
  writeCursor,
  type ActivitiesCursor,
  type PatchesCursor,
} from './ninjaone.cursor';
import { activityRecord, patchRecord, snapshotRecord, type ActivityItem } from './ninjaone.records';

const DAY_S = 86_400;
/** The first patch round reads a week of install history. */
const FIRST_PATCH_HISTORY_S = 7 * DAY_S;
/** Installs are reported after they happen; re-read this much so late reports are not missed. */
const INSTALL_OVERLAP_S = 6 * 3_600;
/** The first activity round reads a day back; later rounds continue from the last id. */
const FIRST_ACTIVITY_LOOKBACK_S = DAY_S;

/**
 * One vendor request per call. The cursor says where the next request starts, `more` whether
 * to call again now; a finished round returns the cursor that starts the next one.
 */
export class NinjaOnePulls {
  constructor(
    private readonly client: NinjaOneClient,
    private readonly pageSize: number,
    private readonly clock: () => Date,
  ) {}

  private nowSeconds(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  /** Organizations, then devices-detailed, both walked with `after` = last id of the page. */
  async devices(text: string | null): Promise<Page> {
    const cursor = readDevicesCursor(text);
    const onOrganizations = cursor.stream === 'organizations';
    const params: QueryParams = { pageSize: this.pageSize };
    if (cursor.after !== undefined) params.after = cursor.after;
    const items = await this.client.listPage(
      onOrganizations ? '/v2/organizations' : '/v2/devices-detailed',
      params,
    );
    const built = items.map((item) =>
      snapshotRecord(onOrganizations ? 'organization' : 'device', item),
    );
    const records = built.map((b) => b.record);
    if (items.length >= this.pageSize) {
      const after = built[built.length - 1].id;
      return { records, cursor: writeCursor({ stream: cursor.stream, after }), more: true };
    }
    if (onOrganizations) return { records, cursor: writeCursor({ stream: 'devices' }), more: true };
    return { records, cursor: writeCursor({ stream: 'organizations' }), more: false };
  }

  /** Install history since the watermark, then the pending/approved report. */
  async patches(text: string | null): Promise<Page> {
    const cursor = readPatchesCursor(text, this.nowSeconds() - FIRST_PATCH_HISTORY_S);
    return cursor.stream === 'installs' ? this.installs(cursor) : this.pending(cursor);
  }

  private async installs(cursor: PatchesCursor): Promise<Page> {
    const params: QueryParams = cursor.next
      ? { pageSize: this.pageSize, cursor: cursor.next }
      : { pageSize: this.pageSize, installedAfter: cursor.since };
    const page = await this.client.queryPage('/v2/queries/os-patch-installs', params);
    const items = page.results.map((item) => patchRecord('os-patch-install', item));
    const records = items.flatMap((i) => (i.record ? [i.record] : []));
    const newest = items.reduce(
      (max, i) => (i.occurredAt ? Math.max(max, i.occurredAt.getTime() / 1000) : max),
      cursor.newest ?? -1,
    );
    if (page.results.length > 0 && page.next !== null) {
      const next: PatchesCursor = { stream: 'installs', since: cursor.since, next: page.next };
      if (newest >= 0) next.newest = newest;
      return { records, cursor: writeCursor(next), more: true };
    }
    const since =
      newest >= 0 ? Math.max(cursor.since, Math.floor(newest - INSTALL_OVERLAP_S)) : cursor.since;
    return { records, cursor: writeCursor({ stream: 'pending', since }), more: true };
  }

  private async pending(cursor: PatchesCursor): Promise<Page> {
    const params: QueryParams = cursor.next
      ? { pageSize: this.pageSize, cursor: cursor.next }
      : { pageSize: this.pageSize };
    const page = await this.client.queryPage('/v2/queries/os-patches', params);
    const records = page.results.flatMap((item) => {
      const { record } = patchRecord('os-patch', item);
      return record ? [record] : [];
    });
    if (page.results.length > 0 && page.next !== null) {
      const next = { stream: 'pending' as const, since: cursor.since, next: page.next };
      return { records, cursor: writeCursor(next), more: true };
    }
    return {
      records,
      cursor: writeCursor({ stream: 'installs', since: cursor.since }),
      more: false,
    };
  }

  /**
   * Device activities newer than the floor. Which end of a burst `newerThan` returns is
   * unconfirmed, so after a full page we walk back with `olderThan` until we meet the floor:
   * correct either way, at worst one extra request.
   */
  async activities(text: string | null): Promise<Page> {
    const cursor = readActivitiesCursor(text, this.nowSeconds() - FIRST_ACTIVITY_LOOKBACK_S);
    const params: QueryParams = { class: 'DEVICE', pageSize: this.pageSize };
    if (cursor.olderThan !== undefined) params.olderThan = cursor.olderThan;
    else if (cursor.floorId !== undefined) params.newerThan = cursor.floorId;
    const page = await this.client.activitiesPage('/v2/activities', params);
    const seen = page.activities.map(activityRecord);
    const fresh = seen.filter((a) => isAboveFloor(cursor, a));
    const records = fresh.flatMap((a) => (a.record ? [a.record] : []));
    const top = maxId([...fresh, ...(cursor.top === undefined ? [] : [{ id: cursor.top }])]);
    const metFloor = page.activities.length < this.pageSize || fresh.length < seen.length;
    if (!metFloor) {
      const walking: ActivitiesCursor = {
        floorId: cursor.floorId,
        floorTime: cursor.floorTime,
        olderThan: Math.min(...seen.map((a) => a.id)),
        top,
      };
      return { records, cursor: writeCursor(walking), more: true };
    }
    // Nothing fresh on a first round: the newest id seen (or reported) is still a valid floor.
    const floorId = top ?? cursor.floorId ?? maxId(seen) ?? page.lastActivityId;
    const done: ActivitiesCursor =
      floorId === undefined ? { floorTime: cursor.floorTime } : { floorId };
    return { records, cursor: writeCursor(done), more: false };
  }
}

function isAboveFloor(cursor: ActivitiesCursor, activity: ActivityItem): boolean {
  if (cursor.floorId !== undefined && activity.id <= cursor.floorId) return false;
  return cursor.floorTime === undefined || activity.time >= cursor.floorTime;
}

function maxId(items: { id: number }[]): number | undefined {
  return items.length === 0 ? undefined : Math.max(...items.map((i) => i.id));
}
