import { isIP } from 'node:net';
import { PATCH_CATEGORIES, SEVERITIES } from '../contract/canonical';
import { GENERIC_KINDS, GENERIC_ORIGINS, type GenericEvent } from './generic.types';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const MAX_TEXT = 2000;
/** Dates a real event can carry: from 2000 up to a day ahead of us (clock skew), no further. */
const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_AHEAD_MS = 24 * 3_600_000;
/** Identifiers become matching keys and database values: no control or unpaired characters. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Free text (a message, a title) may hold control characters; a name or an id may not. */
function optionalString(
  o: Obj,
  key: string,
  at: string,
  problems: string[],
  max = 255,
  freeText = false,
): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'string') problems.push(`${at}.${key}: must be a string`);
  else if (v.length > max) problems.push(`${at}.${key}: longer than ${max} characters`);
  else if (!freeText && CONTROL.test(v))
    problems.push(`${at}.${key}: must not contain control characters`);
  else if (!freeText && LONE_SURROGATE.test(v))
    problems.push(`${at}.${key}: contains an invalid Unicode surrogate`);
}

/** A name the event needs: a non-empty string without control characters. */
function requiredName(o: Obj, key: string, at: string, problems: string[]): void {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') problems.push(`${at}.${key}: is required`);
  else optionalString(o, key, at, problems);
}

function validateDate(value: unknown, field: string, problems: string[], now?: Date): void {
  const ms = typeof value === 'string' && ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    problems.push(`${field}: must be an ISO-8601 date-time with a time zone`);
  } else if (ms < EARLIEST) {
    problems.push(`${field}: before 2000-01-01; check the sender's clock`);
  } else if (now && ms > now.getTime() + MAX_AHEAD_MS) {
    problems.push(`${field}: more than a day in the future; check the sender's clock`);
  }
}

function requiredObject(o: Obj, key: string, at: string, problems: string[]): Obj | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    problems.push(`${at}.${key}: is required for kind ${String(o.kind)}`);
    return undefined;
  }
  if (!isObj(v)) {
    problems.push(`${at}.${key}: must be an object`);
    return undefined;
  }
  return v;
}

function validateDevice(o: Obj, at: string, problems: string[]): void {
  const device = o.device;
  if (device === undefined || device === null) {
    problems.push(`${at}.device: is required`);
    return;
  }
  if (!isObj(device)) {
    problems.push(`${at}.device: must be an object`);
    return;
  }
  for (const key of ['hostname', 'fqdn', 'ip', 'serial', 'id'])
    optionalString(device, key, `${at}.device`, problems);
  optionalString(device, 'os', `${at}.device`, problems, 200);
  optionalString(device, 'role', `${at}.device`, problems, 100);
  // The address is a matching key: only an IPv4 or IPv6 address is one.
  if (typeof device.ip === 'string' && device.ip !== '' && isIP(device.ip.trim()) === 0)
    problems.push(`${at}.device.ip: must be an IPv4 or IPv6 address`);
  if (
    !['hostname', 'fqdn', 'ip', 'serial', 'id'].some(
      (k) => typeof device[k] === 'string' && device[k] !== '',
    )
  ) {
    problems.push(`${at}.device: needs at least one of hostname, fqdn, ip, serial, id`);
  }
}

function validateKindParts(o: Obj, kind: string, at: string, problems: string[]): void {
  if (kind.startsWith('patch.')) {
    const patch = requiredObject(o, 'patch', at, problems);
    if (patch) {
      requiredName(patch, 'id', `${at}.patch`, problems);
      optionalString(patch, 'title', `${at}.patch`, problems, 500, true);
      const sev = patch.severity;
      if (sev !== undefined && !(SEVERITIES as readonly unknown[]).includes(sev)) {
        problems.push(`${at}.patch.severity: must be one of ${SEVERITIES.join(', ')}`);
      }
      const category = patch.category;
      if (category !== undefined && !(PATCH_CATEGORIES as readonly unknown[]).includes(category)) {
        problems.push(`${at}.patch.category: must be one of ${PATCH_CATEGORIES.join(', ')}`);
      }
      if (patch.rebootRequired !== undefined && typeof patch.rebootRequired !== 'boolean') {
        problems.push(`${at}.patch.rebootRequired: must be a boolean`);
      }
    }
  }
  const named = kind.startsWith('service.')
    ? 'service'
    : kind.startsWith('check.')
      ? 'check'
      : undefined;
  if (named) {
    const part = requiredObject(o, named, at, problems);
    if (part) requiredName(part, 'name', `${at}.${named}`, problems);
  }
  // A service reported by a check script names the script as well.
  if (named !== 'check' && o.check !== undefined && o.check !== null) {
    if (!isObj(o.check)) problems.push(`${at}.check: must be an object`);
    else requiredName(o.check, 'name', `${at}.check`, problems);
  }
  if (o.lastBootAt !== undefined && o.lastBootAt !== null) {
    if (!kind.startsWith('reboot.'))
      problems.push(`${at}.lastBootAt: only reboot.pending and reboot.clear carry it`);
    else validateDate(o.lastBootAt, `${at}.lastBootAt`, problems);
  }
}

/** Returns the problems of one event, each naming its field; empty when it is valid. */
export function validateGenericEvent(value: unknown, at: string, now?: Date): string[] {
  if (!isObj(value)) return [`${at}: must be an object`];
  const problems: string[] = [];
  const kind = value.kind;
  if (typeof kind !== 'string' || !(GENERIC_KINDS as readonly string[]).includes(kind)) {
    problems.push(`${at}.kind: must be one of ${GENERIC_KINDS.join(', ')}`);
  }
  validateDate(value.occurredAt, `${at}.occurredAt`, problems, now);
  if (
    value.origin !== undefined &&
    value.origin !== null &&
    !(GENERIC_ORIGINS as readonly unknown[]).includes(value.origin)
  )
    problems.push(`${at}.origin: must be one of ${GENERIC_ORIGINS.join(', ')}`);
  optionalString(value, 'eventId', at, problems);
  optionalString(value, 'client', at, problems, 200);
  optionalString(value, 'message', at, problems, MAX_TEXT, true);
  validateDevice(value, at, problems);
  if (typeof kind === 'string') validateKindParts(value, kind, at, problems);
  return problems;
}

export function asGenericEvent(value: unknown): GenericEvent {
  return value as GenericEvent;
}
