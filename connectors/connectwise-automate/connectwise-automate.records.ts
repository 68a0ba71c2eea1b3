import { createHash } from 'node:crypto';
import type { CanonicalEvent } from '../contract/canonical';
import type { RawRecord } from '../contract/connector';
import { mapRecord, toStartupEvents, type AutomateRecordType } from './connectwise-automate.mapper';
import { AutomateRecord } from './connectwise-automate.validate';

/**
 * Inbox records built from Automate rows. Each row is normalized here once, so a malformed page
 * fails as a whole before anything is stored, and rows that mean nothing canonical (an
 * installed update, an unfinished history row) are never stored.
 */

/** Hash of what we map, minus the contact time: a new version only when something we use changed. */
function versionOf(events: CanonicalEvent[]): string {
  const stable = events.map((e) => ({ ...e, occurredAt: undefined }));
  return createHash('sha256').update(JSON.stringify(stable)).digest('hex').slice(0, 16);
}

function record(type: AutomateRecordType, dedupeKey: string, payload: unknown): RawRecord {
  return { type, dedupeKey, payload };
}

/** A client: keyed by id and content version. */
export function clientRecord(item: unknown): RawRecord {
  const id = AutomateRecord.of('client', item).id('Id');
  return record('client', `client:${id}:${versionOf(mapRecord('client', item))}`, item);
}

/**
 * A computer gives two records: the device snapshot (id + content version) and, when it has
 * one, its last start-up (id + time), so a reboot is stored once however often it is read.
 */
export function computerRecords(item: unknown): RawRecord[] {
  const id = AutomateRecord.of('computer', item).id('Id');
  const device = mapRecord('computer', item);
  const records = [record('computer', `computer:${id}:${versionOf(device)}`, item)];
  const [startup] = toStartupEvents(item);
  if (startup)
    records.push(record('computer-startup', `computer-startup:${startup.sourceId}`, item));
  return records;
}

/** A history row never changes; its key is the event's own id. */
export function patchHistoryRecord(item: unknown): { record?: RawRecord; at?: Date } {
  const [event] = mapRecord('patch-history', item);
  if (!event || event.type !== 'patch') return {};
  return {
    record: record('patch-history', `patch-history:${event.sourceId}`, item),
    at: event.occurredAt,
  };
}

/** A missing update is new again when its status moves (pending → approved → failed). */
export function microsoftUpdateRecord(item: unknown): RawRecord | undefined {
  const [event] = mapRecord('microsoft-update', item);
  if (!event || event.type !== 'patch') return undefined;
  return record('microsoft-update', `microsoft-update:${event.sourceId}:${event.status}`, item);
}
