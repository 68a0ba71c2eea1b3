import { createHash } from 'node:crypto';
import type { PagingMessage } from '../contract/connector';
import { clip, oneLine } from '../shared/notify';
import type { PagerDutyEvent } from './pagerduty.types';

/** PagerDuty's limits for the two fields whose length it checks. */
export const MAX_SUMMARY = 1024;
export const MAX_DEDUP_KEY = 255;

/** The incident key, or (when longer than PagerDuty takes) a stable hash of it. */
export function toDedupKey(incidentKey: string): string {
  if (incidentKey.length <= MAX_DEDUP_KEY) return incidentKey;
  return `sha256:${createHash('sha256').update(incidentKey).digest('hex')}`;
}

/**
 * One Events API v2 event per message: opened and recurred trigger (a recurrence on an open
 * alert adds a trigger log entry, on a resolved one opens a new alert), mitigating acknowledges,
 * resolved resolves. All carry the incident key as dedup_key.
 */
export function toPagerDutyEvent(message: PagingMessage, routingKey: string): PagerDutyEvent {
  const dedupKey = toDedupKey(message.incidentKey);
  if (message.event === 'mitigating' || message.event === 'resolved') {
    const action = message.event === 'mitigating' ? 'acknowledge' : 'resolve';
    return { routing_key: routingKey, event_action: action, dedup_key: dedupKey };
  }
  const details: Record<string, string> = { text: message.text };
  if (message.client) details.client = message.client;
  if (message.device) details.device = message.device;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: clip(oneLine(message.summary), MAX_SUMMARY),
      source: message.device || message.client || 'switchboard',
      severity: message.severity,
      custom_details: details,
    },
    links: [{ href: message.link, text: 'Incident in Switchboard' }],
    client: 'Switchboard',
    client_url: message.link,
  };
}
