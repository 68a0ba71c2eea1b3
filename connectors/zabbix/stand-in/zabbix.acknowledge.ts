import { applicationError, idList, intValue, invalidParams, paramsObject } from './zabbix.params';
import type { ZbxAcknowledge, ZbxEvent } from './zabbix.state';

/**
 * event.acknowledge with Zabbix 6.0's rules (api doc §8): only the bits 1/2/4/8/16 exist in
 * 6.0, a message is required with bit 4, only problem events qualify, and the answer lists the
 * event ids as numbers (a quirk seen on the real 6.0.14).
 */

const CLOSE = 1;
const ACKNOWLEDGE = 2;
const MESSAGE = 4;
const SEVERITY = 8;
const UNACKNOWLEDGE = 16;
const VALID_BITS = CLOSE | ACKNOWLEDGE | MESSAGE | SEVERITY | UNACKNOWLEDGE;
/** acknowledges.message is varchar(2048). */
const MAX_MESSAGE = 2048;

export type RecordAcknowledge = (
  event: ZbxEvent,
  userid: string,
  fields: Partial<ZbxAcknowledge>,
) => void;

export function eventAcknowledge(
  params: unknown,
  events: ZbxEvent[],
  userid: string,
  record: RecordAcknowledge,
): unknown {
  const p = paramsObject(params, ['eventids', 'action', 'message', 'severity']);
  const action = intValue(p.action, '/action');
  if (action === undefined)
    throw invalidParams('Invalid parameter "/": the parameter "action" is missing.');
  if (
    action < 1 ||
    (action & ~VALID_BITS) !== 0 ||
    (action & ACKNOWLEDGE && action & UNACKNOWLEDGE)
  )
    throw invalidParams(`Incorrect value for field "action": unexpected value "${action}".`);
  const message = typeof p.message === 'string' ? p.message : undefined;
  if (p.message !== undefined && message === undefined)
    throw invalidParams('Invalid parameter "/message": a character string is expected.');
  if (action & MESSAGE && (message ?? '').trim() === '')
    throw invalidParams('Invalid parameter "/message": cannot be empty.');
  if (message !== undefined && Array.from(message).length > MAX_MESSAGE)
    throw invalidParams('Invalid parameter "/message": value is too long.');
  const severity = intValue(p.severity, '/severity');
  if (action & SEVERITY && (severity === undefined || severity < 0 || severity > 5))
    throw invalidParams('Invalid parameter "/severity": value must be one of 0-5.');
  const ids = idList(p.eventids, '/eventids') ?? [];
  const targets = ids.map((id) => events.find((e) => e.eventid === id && e.value === '1'));
  if (ids.length === 0 || targets.some((e) => e === undefined))
    throw applicationError('No permissions to referred object or it does not exist!');
  if (action & CLOSE)
    throw applicationError('Cannot close problem: trigger does not allow manual closing.');
  for (const event of targets as ZbxEvent[]) {
    const old = event.severity;
    if (action & ACKNOWLEDGE) event.acknowledged = '1';
    if (action & UNACKNOWLEDGE) event.acknowledged = '0';
    if (action & SEVERITY && severity !== undefined) event.severity = String(severity);
    record(event, userid, {
      action: String(action),
      message: action & MESSAGE ? (message ?? '') : '',
      old_severity: action & SEVERITY ? old : '0',
      new_severity: action & SEVERITY ? event.severity : '0',
    });
  }
  return { eventids: ids.map(Number) };
}
