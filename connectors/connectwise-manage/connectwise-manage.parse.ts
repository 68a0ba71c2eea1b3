import { ConnectorError } from '../contract/connector-error';
import type {
  ManageBoardStatus,
  ManageCompany,
  ManageConfiguration,
  ManageConfigurationReference,
  ManageNote,
  ManageTicket,
} from './connectwise-manage.types';

/**
 * Shape checks for what the vendor sends. The messages name the field and the expected type,
 * never the value, so they are safe to store.
 */

type Obj = Record<string, unknown>;

function fail(at: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw ConnectorError.invalid(`connectwise-manage: ${at} must be ${expected}, got ${got}`);
}

export function asObject(value: unknown, at: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(at, 'an object', value);
  return value as Obj;
}

export function asArray(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) fail(at, 'a JSON array', value);
  return value;
}

function int(o: Obj, key: string, at: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${at}.${key}`, 'an integer', v);
  return v;
}

function text(o: Obj, key: string, at: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${at}.${key}`, 'a string', v);
  return v;
}

/** Optional fields: absent and null are both "not set". */
function optional(o: Obj, key: string, at: string, type: 'string' | 'boolean' | 'number'): void {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== type) fail(`${at}.${key}`, `a ${type}`, v);
}

function optionalReference(o: Obj, key: string, at: string): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  const ref = asObject(v, `${at}.${key}`);
  int(ref, 'id', `${at}.${key}`);
}

function optionalInfo(o: Obj, at: string): void {
  const v = o._info;
  if (v === undefined || v === null) return;
  const info = asObject(v, `${at}._info`);
  for (const key of ['lastUpdated', 'dateEntered']) {
    const date = info[key];
    if (date === undefined || date === null) continue;
    if (typeof date !== 'string' || Number.isNaN(Date.parse(date)))
      fail(`${at}._info.${key}`, 'an ISO date-time string', date);
  }
}

export function asTicket(value: unknown, at = 'ticket'): ManageTicket {
  const o = asObject(value, at);
  int(o, 'id', at);
  text(o, 'summary', at);
  for (const key of ['board', 'status', 'company', 'priority', 'owner'])
    optionalReference(o, key, at);
  for (const key of ['externalXRef', 'closedBy', 'closedDate', 'recordType'])
    optional(o, key, at, 'string');
  optional(o, 'closedFlag', at, 'boolean');
  optional(o, 'actualHours', at, 'number');
  optionalInfo(o, at);
  return o as unknown as ManageTicket;
}

export function asCompany(value: unknown, at = 'company'): ManageCompany {
  const o = asObject(value, at);
  int(o, 'id', at);
  text(o, 'identifier', at);
  text(o, 'name', at);
  optionalInfo(o, at);
  return o as unknown as ManageCompany;
}

export function asConfiguration(value: unknown, at = 'configuration'): ManageConfiguration {
  const o = asObject(value, at);
  int(o, 'id', at);
  text(o, 'name', at);
  for (const key of ['type', 'status', 'company']) optionalReference(o, key, at);
  for (const key of ['deviceIdentifier', 'serialNumber', 'ipAddress', 'osType', 'osInfo'])
    optional(o, key, at, 'string');
  optional(o, 'activeFlag', at, 'boolean');
  optionalInfo(o, at);
  return o as unknown as ManageConfiguration;
}

export function asConfigurationReference(
  value: unknown,
  at = 'configuration',
): ManageConfigurationReference {
  const o = asObject(value, at);
  int(o, 'id', at);
  optional(o, 'deviceIdentifier', at, 'string');
  return o as unknown as ManageConfigurationReference;
}

export function asBoardStatus(value: unknown, at = 'status'): ManageBoardStatus {
  const o = asObject(value, at);
  int(o, 'id', at);
  text(o, 'name', at);
  for (const key of ['inactive', 'closedStatus', 'defaultFlag']) optional(o, key, at, 'boolean');
  return o as unknown as ManageBoardStatus;
}

export function asNote(value: unknown, at = 'note'): ManageNote {
  const o = asObject(value, at);
  int(o, 'id', at);
  optional(o, 'text', at, 'string');
  return o as unknown as ManageNote;
}

/** Parses each element, naming its index in the message. */
export function asListOf<T>(
  value: unknown,
  at: string,
  parse: (item: unknown, at: string) => T,
): T[] {
  return asArray(value, at).map((item, i) => parse(item, `${at}[${i}]`));
}
