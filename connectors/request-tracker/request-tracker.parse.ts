import { ConnectorError } from '../contract/connector-error';
import type {
  RtCollection,
  RtCreated,
  RtQueue,
  RtTicket,
  RtTicketRecord,
  RtTransaction,
} from './request-tracker.types';

/**
 * Shape checks for what RT sends. Messages name the field and the expected type, never the
 * value, so they are safe to store.
 */

type Obj = Record<string, unknown>;

function fail(at: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw ConnectorError.invalid(`request-tracker: ${at} must be ${expected}, got ${got}`);
}

export function asObject(value: unknown, at: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(at, 'an object', value);
  return value as Obj;
}

function asArray(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) fail(at, 'a JSON array', value);
  return value;
}

/** RT ids come as strings in references and searches, as numbers on records. */
function id(o: Obj, at: string): void {
  const v = o.id;
  const ok =
    (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && v.length > 0);
  if (!ok) fail(`${at}.id`, 'an id', v);
}

function text(o: Obj, key: string, at: string): void {
  if (typeof o[key] !== 'string') fail(`${at}.${key}`, 'a string', o[key]);
}

function optionalDate(o: Obj, key: string, at: string): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v)))
    fail(`${at}.${key}`, 'an ISO date-time string', v);
}

function optionalRef(o: Obj, key: string, at: string): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  id(asObject(v, `${at}.${key}`), `${at}.${key}`);
}

export function asTicket(value: unknown, at = 'ticket'): RtTicket {
  const o = asObject(value, at);
  id(o, at);
  text(o, 'Subject', at);
  text(o, 'Status', at);
  for (const key of ['Queue', 'Owner', 'LastUpdatedBy']) optionalRef(o, key, at);
  for (const key of ['Created', 'LastUpdated', 'Resolved']) optionalDate(o, key, at);
  // A search's `fields=CustomFields` gives "" for a ticket with no custom field (RT 5.0.3).
  if (o.CustomFields === '') return { ...(o as unknown as RtTicket), CustomFields: [] };
  if (o.CustomFields !== undefined) {
    asArray(o.CustomFields, `${at}.CustomFields`).forEach((cf, i) => {
      const field = asObject(cf, `${at}.CustomFields[${i}]`);
      text(field, 'name', `${at}.CustomFields[${i}]`);
      asArray(field.values, `${at}.CustomFields[${i}].values`);
    });
  }
  return o as unknown as RtTicket;
}

export function asTransaction(value: unknown, at = 'transaction'): RtTransaction {
  const o = asObject(value, at);
  id(o, at);
  if (o.Data !== undefined && o.Data !== null && typeof o.Data !== 'string')
    fail(`${at}.Data`, 'a string', o.Data);
  return o as unknown as RtTransaction;
}

export function asCreated(value: unknown, at = 'created ticket'): RtCreated {
  const o = asObject(value, at);
  id(o, at);
  return o as unknown as RtCreated;
}

export function asQueue(value: unknown, at = 'queue'): RtQueue {
  const o = asObject(value, at);
  id(o, at);
  text(o, 'Name', at);
  if (o.TicketCustomFields !== undefined) asArray(o.TicketCustomFields, `${at}.TicketCustomFields`);
  return o as unknown as RtQueue;
}

/** A collection page with its items parsed, each error naming the index. */
export function asCollection<T>(
  value: unknown,
  at: string,
  parse: (item: unknown, at: string) => T,
): RtCollection<T> {
  const o = asObject(value, at);
  const items = asArray(o.items, `${at}.items`).map((item, i) => parse(item, `${at}.items[${i}]`));
  return { ...(o as unknown as RtCollection<unknown>), items };
}

export function asTicketRecord(value: unknown, at = 'ticket record'): RtTicketRecord {
  const o = asObject(value, at);
  const ticket = asTicket(o.ticket, `${at}.ticket`);
  for (const key of ['client', 'keyField', 'resolvedStatus'])
    if (o[key] !== undefined && typeof o[key] !== 'string')
      fail(`${at}.${key}`, 'a string', o[key]);
  return { ...(o as unknown as RtTicketRecord), ticket };
}
