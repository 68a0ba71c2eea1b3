import type { RawRecord } from '../contract/connector';
import type {
  AlertmanagerAlertRecord,
  AlertmanagerGettableAlert,
  AlertmanagerWebhookAlert,
  AlertmanagerWebhookMessage,
} from './alertmanager.types';
import { parseTime } from './alertmanager.validate';

/** The one raw record type: an alert, firing or resolved, from the webhook or the poll. */
export const ALERT_RECORD = 'alert';

/**
 * One alert occurrence is its fingerprint (its label set) and its `startsAt`; firing and
 * resolved are two facts of it. The webhook (seconds or nanoseconds) and the API (milliseconds)
 * write `startsAt` differently, so it is keyed as milliseconds: a firing alert seen by both
 * gets one key, and the many notifications of one group are stored once.
 */
export function alertDedupeKey(
  fingerprint: string,
  startsAt: string,
  status: 'firing' | 'resolved',
): string {
  const at = parseTime(startsAt);
  return `alert:${fingerprint}:${at ? at.toISOString() : startsAt}:${status}`;
}

function record(payload: AlertmanagerAlertRecord): RawRecord {
  return {
    type: ALERT_RECORD,
    dedupeKey: alertDedupeKey(payload.fingerprint, payload.startsAt, payload.status),
    payload,
  };
}

/** Go's zero time means "no end given": left out of the record. */
function endOf(endsAt: string | undefined): string | undefined {
  return parseTime(endsAt) ? endsAt : undefined;
}

export function fromWebhookAlert(
  alert: AlertmanagerWebhookAlert,
  message: AlertmanagerWebhookMessage,
): RawRecord {
  return record({
    via: 'webhook',
    status: alert.status,
    fingerprint: alert.fingerprint,
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    startsAt: alert.startsAt,
    ...(endOf(alert.endsAt) ? { endsAt: alert.endsAt } : {}),
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    ...(message.groupKey ? { groupKey: message.groupKey } : {}),
    ...(message.externalURL ? { externalURL: message.externalURL } : {}),
  });
}

/** A firing alert listed by GET /api/v2/alerts. */
export function fromListedAlert(alert: AlertmanagerGettableAlert): RawRecord {
  return record({
    via: 'poll',
    status: 'firing',
    fingerprint: alert.fingerprint,
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    startsAt: alert.startsAt,
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
  });
}

/** An alert the previous poll saw firing and this one no longer lists. */
export function missingAlert(
  seen: { fingerprint: string; startsAt: string; endsAt?: string; labels: Record<string, string> },
  now: Date,
  annotations: Record<string, string> = {},
): RawRecord {
  return record({
    via: 'poll',
    status: 'resolved',
    fingerprint: seen.fingerprint,
    labels: seen.labels,
    annotations,
    startsAt: seen.startsAt,
    ...(seen.endsAt ? { endsAt: seen.endsAt } : {}),
    missingSince: now.toISOString(),
  });
}
