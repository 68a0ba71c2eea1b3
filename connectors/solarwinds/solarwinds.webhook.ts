import { createHash } from 'node:crypto';
import type { HealthSeen } from '../contract/canonical';
import type { InboundRequest, RawRecord, WebhookVerdict } from '../contract/connector';
import { hasSwitchboardToken } from '../shared/webhook-signature';
import { alertTarget, toHealthFromAlert, type AlertTarget } from './solarwinds.mapper';
import { ALERT_ACTION_RECORD, alertKey } from './solarwinds.records';
import { parseSwisDate } from './solarwinds.time';
import type { SwisAlertActionBody, SwisAlertActionRecord } from './solarwinds.types';
import { isObj } from './solarwinds.validate';

const FIELDS: readonly (keyof SwisAlertActionBody)[] = [
  'event_type',
  'alert_id',
  'alert_name',
  'alert_object_id',
  'alert_active_id',
  'severity',
  'object_type',
  'entity_type',
  'message',
  'details_url',
  'acknowledge_url',
  'entity_caption',
  'entity_status',
  'node_caption',
  'node_id',
  'triggered_at',
];

/** A variable Orion did not resolve stays as its own text (`${N=…}`); empty means none too. */
export function absent(value: string | undefined): boolean {
  if (value === undefined) return true;
  const text = value.trim();
  return text === '' || text.startsWith('${');
}

function value(body: SwisAlertActionBody, key: keyof SwisAlertActionBody): string | undefined {
  const v = body[key];
  return absent(v) ? undefined : v!.trim();
}

const isId = (v: string | undefined): v is string => v !== undefined && /^\d{1,18}$/.test(v);

/**
 * AlertObjectID: the `alert_object_id` variable (seen only in third-party integrations), else the
 * `ObjID=` of the acknowledge URL, which PagerTree's integration reads the same way.
 */
export function alertObjectIdOf(body: SwisAlertActionBody): string | undefined {
  const direct = value(body, 'alert_object_id');
  if (isId(direct)) return direct;
  const match = /[?&]ObjID=(\d{1,18})\b/i.exec(value(body, 'acknowledge_url') ?? '');
  return match ? match[1] : undefined;
}

/** The problems with a body, each naming its field; empty when it is usable. */
export function alertActionProblems(body: unknown): string[] {
  if (!isObj(body)) return ['body: must be a JSON object'];
  const problems: string[] = [];
  for (const key of FIELDS) {
    if (body[key] !== undefined && typeof body[key] !== 'string')
      problems.push(`body.${key}: must be a string`);
  }
  if (problems.length > 0) return problems;
  const b = body as unknown as SwisAlertActionBody;
  const event = typeof b.event_type === 'string' ? b.event_type.trim().toUpperCase() : '';
  if (event !== 'TRIGGER' && event !== 'RESET')
    problems.push('body.event_type: must be "TRIGGER" or "RESET"');
  if (!isId(value(b, 'alert_active_id')) && !isId(alertObjectIdOf(b)))
    problems.push(
      'body.alert_active_id or body.alert_object_id: one must be a numeric id (${N=Alerting;M=AlertActiveID})',
    );
  if (value(b, 'node_id') !== undefined && !isId(value(b, 'node_id')))
    problems.push('body.node_id: must be a numeric NodeID');
  if (!value(b, 'node_id') && !value(b, 'node_caption'))
    problems.push('body.node_id or body.node_caption: one is required to find the device');
  return problems;
}

/**
 * The same key as the poll for the same occurrence (AlertActiveID + trigger/reset). Without an
 * AlertActiveID the occurrence is the alert object and its trigger time, hashed.
 */
export function alertActionKey(body: SwisAlertActionBody): string {
  const what = body.event_type.trim().toUpperCase() === 'RESET' ? 'reset' : 'trigger';
  const active = value(body, 'alert_active_id');
  if (isId(active)) return alertKey(active, what);
  const parts = [alertObjectIdOf(body), value(body, 'alert_id'), value(body, 'triggered_at')];
  const hash = createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 24);
  return `alert-object:${alertObjectIdOf(body)}:${hash}:${what}`;
}

/** Token (X-Switchboard-Token header or ?token=), shape, one record stamped with its arrival. */
export function handleAlertAction(
  req: InboundRequest,
  secret: string | undefined,
  now: Date,
): WebhookVerdict {
  if (!hasSwitchboardToken(req, secret))
    return {
      ok: false,
      status: 401,
      message: 'missing or wrong token (X-Switchboard-Token or ?token=)',
    };
  const problems = alertActionProblems(req.body);
  if (problems.length > 0) return { ok: false, status: 400, message: problems.join('; ') };
  const body = req.body as SwisAlertActionBody;
  const payload: SwisAlertActionRecord = { body, receivedAt: now.toISOString() };
  const record: RawRecord = { type: ALERT_ACTION_RECORD, dedupeKey: alertActionKey(body), payload };
  return { ok: true, records: [record] };
}

/** entity_type (a SWQL variable: Orion.Nodes, Orion.APM.Component …) first, else ObjectType text. */
function targetOf(body: SwisAlertActionBody): AlertTarget {
  const entity = value(body, 'entity_type');
  if (entity) return alertTarget(entity);
  const objectType = value(body, 'object_type') ?? '';
  if (/^node$/i.test(objectType)) return 'device';
  if (/component/i.test(objectType)) return 'service';
  return 'check';
}

export function toHealthFromAlertAction(record: SwisAlertActionRecord): HealthSeen[] {
  const { body } = record;
  const trigger = body.event_type.trim().toUpperCase() === 'TRIGGER';
  const received = new Date(record.receivedAt);
  // The reset's own time is not in the body; the trigger time's format is UNCONFIRMED.
  const occurredAt = (trigger && parseSwisDate(value(body, 'triggered_at'))) || received;
  return toHealthFromAlert({
    target: targetOf(body),
    problem: trigger,
    nodeId: value(body, 'node_id'),
    nodeCaption: value(body, 'node_caption'),
    entityCaption: value(body, 'entity_caption'),
    alertName: value(body, 'alert_name'),
    alertActiveId: value(body, 'alert_active_id'),
    alertObjectId: alertObjectIdOf(body),
    severity: value(body, 'severity'),
    occurredAt,
    message: value(body, 'message'),
  });
}
