import { createHash } from 'node:crypto';
import type { InboundRequest, RawRecord, WebhookVerdict } from '../contract/connector';
import { hasSwitchboardToken } from '../shared/webhook-signature';
import type { ZabbixWebhookBody } from './zabbix.types';
import { isId, isObj } from './zabbix.validate';
import { absent } from './zabbix.webhook-fields';

export const WEBHOOK_RECORD = 'webhook';

/** Returns the problems with a body, each naming its field; empty when it is usable. */
export function webhookProblems(body: unknown): string[] {
  if (!isObj(body)) return ['body: must be a JSON object'];
  const problems: string[] = [];
  if (typeof body.event_source !== 'string' || !/^[0-4]$/.test(body.event_source))
    problems.push('body.event_source: must be "0".."4" ({EVENT.SOURCE})');
  if (!isId(body.event_id)) problems.push('body.event_id: must be a numeric id ({EVENT.ID})');
  if (body.event_value !== '0' && body.event_value !== '1')
    problems.push('body.event_value: must be "0" or "1" ({EVENT.VALUE})');
  for (const key of Object.keys(body)) {
    const v = body[key];
    if (key !== 'event_tags' && v !== undefined && typeof v !== 'string')
      problems.push(`body.${key}: must be a string`);
  }
  const trigger = body.event_source === '0' && body.event_update_status !== '1';
  if (trigger && absent(body.host_id as string) && absent(body.host_host as string))
    problems.push('body.host_id or body.host_host: one is required for trigger events');
  return problems;
}

/**
 * Same fact, same key, whether it came by webhook or by pullHealth: a problem is its event id,
 * a recovery the OK event id. Updates have no id of their own, so their content is hashed.
 */
export function webhookDedupeKey(body: ZabbixWebhookBody): string {
  if (body.event_update_status === '1') {
    const parts = [
      body.event_update_action,
      body.event_update_message,
      body.event_update_user,
      body.event_update_date,
      body.event_update_time,
    ].map((p) => (absent(p) ? '' : p));
    const hash = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
    return `update:${body.event_id}:${hash}`;
  }
  if (body.event_value === '1') return `event:${body.event_id}`;
  return absent(body.event_recovery_id) || !isId(body.event_recovery_id)
    ? `recovery:${body.event_id}`
    : `event:${body.event_recovery_id}`;
}

/** Token check (X-Switchboard-Token, sent by the shipped media type), shape check, one record. */
export function handleZabbixWebhook(
  req: InboundRequest,
  secret: string | undefined,
): WebhookVerdict {
  if (!hasSwitchboardToken(req, secret))
    return { ok: false, status: 401, message: 'missing or wrong X-Switchboard-Token' };
  const problems = webhookProblems(req.body);
  if (problems.length > 0) return { ok: false, status: 400, message: problems.join('; ') };
  const body = req.body as ZabbixWebhookBody;
  // Discovery, autoregistration, internal and service events are not device health.
  if (body.event_source !== '0') return { ok: true, records: [] };
  const record: RawRecord = {
    type: WEBHOOK_RECORD,
    dedupeKey: webhookDedupeKey(body),
    payload: body,
  };
  return { ok: true, records: [record] };
}
