import { createHash } from 'node:crypto';
import type { InboundRequest, RawRecord, WebhookVerdict } from '../contract/connector';
import { hasSwitchboardToken } from '../shared/webhook-signature';
import { validateGenericEvent } from './generic.validate';

export const MAX_EVENTS_PER_REQUEST = 1000;

function dedupeKey(event: Record<string, unknown>): string {
  if (typeof event.eventId === 'string' && event.eventId !== '') return `id:${event.eventId}`;
  // No id: the same content is the same event.
  return `sha256:${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`;
}

/** Token check, shape check of every event (all-or-nothing), then one record per event. */
export function handleGenericWebhook(
  req: InboundRequest,
  secret: string | undefined,
  now: Date = new Date(),
): WebhookVerdict {
  if (!hasSwitchboardToken(req, secret)) {
    return {
      ok: false,
      status: 401,
      message:
        'missing or wrong webhook secret (X-Switchboard-Token header or token query parameter)',
    };
  }
  const many = Array.isArray(req.body);
  const events: unknown[] = many ? (req.body as unknown[]) : [req.body];
  if (events.length === 0)
    return { ok: false, status: 400, message: 'body: an empty array holds no event' };
  if (events.length > MAX_EVENTS_PER_REQUEST) {
    return {
      ok: false,
      status: 400,
      message: `body: at most ${MAX_EVENTS_PER_REQUEST} events per request`,
    };
  }
  const problems = events.flatMap((e, i) => validateGenericEvent(e, many ? `[${i}]` : 'body', now));
  if (problems.length > 0)
    return { ok: false, status: 400, message: problems.slice(0, 20).join('; ') };
  const records: RawRecord[] = events.map((e) => ({
    type: 'event',
    dedupeKey: dedupeKey(e as Record<string, unknown>),
    payload: e,
  }));
  return { ok: true, records };
}
