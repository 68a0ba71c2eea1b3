import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '../contract/canonical';
import type { RawRecord } from '../contract/connector';
import { mapRecord, type NinjaOneRecordType } from './ninjaone.mapper';
import { VendorRecord } from './ninjaone.validate';

/**
 * Inbox records built from vendor items. Each item is normalized once here, so a malformed
 * page fails as a whole before anything is stored, and items that mean nothing canonical
 * (a user login, a rejected patch) are never stored.
 */

/** Hash of what we map, minus the contact time: a new version only when something we use changed. */
function versionOf(events: CanonicalEvent[]): string {
  const stable = events.map((e) => ({ ...e, occurredAt: undefined }));
  return createHash('sha256').update(JSON.stringify(stable)).digest('hex').slice(0, 16);
}

/** Snapshot nouns (organization, device): keyed by id and content version. */
export function snapshotRecord(
  type: Extract<NinjaOneRecordType, 'organization' | 'device'>,
  item: unknown,
): { record: RawRecord; id: number } {
  const events = mapRecord(type, item);
  const id = VendorRecord.of(type, item).int('id');
  return { record: { type, dedupeKey: `${type}:${id}:${versionOf(events)}`, payload: item }, id };
}

export interface PatchItem {
  record?: RawRecord;
  occurredAt?: Date;
}

/** An install attempt never changes; a pending patch is new again when its status moves. */
export function patchRecord(
  type: Extract<NinjaOneRecordType, 'os-patch' | 'os-patch-install'>,
  item: unknown,
): PatchItem {
  const [event] = mapRecord(type, item);
  if (!event || event.type !== 'patch') return {};
  const key =
    type === 'os-patch'
      ? `os-patch:${event.device.externalId}:${event.sourceId}:${event.status}`
      : `os-patch-install:${event.sourceId}`;
  return { record: { type, dedupeKey: key, payload: item }, occurredAt: event.occurredAt };
}

export interface ActivityItem {
  id: number;
  /** Epoch seconds. */
  time: number;
  record?: RawRecord;
}

/** Keyed by the vendor's activity id, the same for a webhook delivery and a pulled entry. */
export function activityRecord(item: unknown): ActivityItem {
  const events = mapRecord('activity', item);
  const activity = VendorRecord.of('activity', item);
  const id = activity.int('id');
  const time = activity.time('activityTime').getTime() / 1000;
  if (events.length === 0) return { id, time };
  return { id, time, record: { type: 'activity', dedupeKey: `activity:${id}`, payload: item } };
}
