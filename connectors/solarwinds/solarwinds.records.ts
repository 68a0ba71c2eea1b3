import { createHash } from 'node:crypto';

/** Raw record types this connector stores (RawRecord.type). */
export const NODE_RECORD = 'node';
export const ACTIVE_ALERT_RECORD = 'alert-active';
export const ALERT_HISTORY_RECORD = 'alert-history';
export const NODE_STATUS_RECORD = 'node-status';
export const COMPONENT_STATUS_RECORD = 'component-status';
export const ALERT_ACTION_RECORD = 'alert-action';

/**
 * One alert occurrence is one AlertActiveID (a new trigger of the same alert on the same object
 * gets a new one); its trigger and its reset are two facts. The poll (active snapshot or
 * history) and the alert action POST build the same key for the same fact, so whichever
 * arrives second is a duplicate in the inbox.
 */
export function alertKey(alertActiveId: number | string, what: 'trigger' | 'reset'): string {
  return `alert:${alertActiveId}:${what}`;
}

/** A node record changes when its content does; the key names that version. */
export function versionKey(kind: string, id: number, payload: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(payload)).digest('hex').slice(0, 16);
  return `${kind}:${id}:${hash}`;
}

/** A status transition: its sequence number makes a later down/up of the same object new. */
export function statusKey(kind: string, id: number, seq: number, state: 'down' | 'up'): string {
  return `${kind}:${id}:${seq}:${state}`;
}
