import { SEVERITIES } from '../contract/canonical';
import { GENERIC_KINDS, type GenericEvent } from './generic.types';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const MAX_TEXT = 2000;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optionalString(o: Obj, key: string, at: string, problems: string[], max = 255): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'string') problems.push(`${at}.${key}: must be a string`);
  else if (v.length > max) problems.push(`${at}.${key}: longer than ${max} characters`);
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
      if (typeof patch.id !== 'string' || patch.id.trim() === '')
        problems.push(`${at}.patch.id: is required`);
      optionalString(patch, 'title', `${at}.patch`, problems, 500);
      const sev = patch.severity;
      if (sev !== undefined && !(SEVERITIES as readonly unknown[]).includes(sev)) {
        problems.push(`${at}.patch.severity: must be one of ${SEVERITIES.join(', ')}`);
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
    if (part && (typeof part.name !== 'string' || part.name.trim() === '')) {
      problems.push(`${at}.${named}.name: is required`);
    }
  }
}

/** Returns the problems of one event, each naming its field; empty when it is valid. */
export function validateGenericEvent(value: unknown, at: string): string[] {
  if (!isObj(value)) return [`${at}: must be an object`];
  const problems: string[] = [];
  const kind = value.kind;
  if (typeof kind !== 'string' || !(GENERIC_KINDS as readonly string[]).includes(kind)) {
    problems.push(`${at}.kind: must be one of ${GENERIC_KINDS.join(', ')}`);
  }
  const occurredAt = value.occurredAt;
  if (
    typeof occurredAt !== 'string' ||
    !ISO_8601.test(occurredAt) ||
    Number.isNaN(Date.parse(occurredAt))
  ) {
    problems.push(`${at}.occurredAt: must be an ISO-8601 date-time with a time zone`);
  }
  optionalString(value, 'eventId', at, problems);
  optionalString(value, 'client', at, problems, 200);
  optionalString(value, 'message', at, problems, MAX_TEXT);
  validateDevice(value, at, problems);
  if (typeof kind === 'string') validateKindParts(value, kind, at, problems);
  return problems;
}

export function asGenericEvent(value: unknown): GenericEvent {
  return value as GenericEvent;
}
