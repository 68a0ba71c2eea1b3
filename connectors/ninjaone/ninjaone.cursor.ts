import { ConnectorError } from '../contract/connector-error';

/**
 * Pull cursors are small JSON objects: each says where the next request starts. They are
 * persisted by the core between polls, so they are validated when read back.
 */

/** Inventory is walked in full each round: organizations, then devices (list `after` ids). */
export interface DevicesCursor {
  stream: 'organizations' | 'devices';
  after?: number;
}

/**
 * Patches: the install history since a watermark (epoch seconds), then the pending report.
 * `next` is the report cursor name; `newest` the latest installedAt seen this round.
 */
export interface PatchesCursor {
  stream: 'installs' | 'pending';
  since: number;
  next?: string;
  newest?: number;
}

/**
 * Activities: everything above `floorId` (or, on the first round, since `floorTime`) is new.
 * While walking back through a burst, `olderThan` is the next page's bound and `top` the
 * highest id seen, which becomes the floor once the walk meets it.
 */
export interface ActivitiesCursor {
  floorId?: number;
  floorTime?: number;
  olderThan?: number;
  top?: number;
}

type Fields = Record<string, unknown>;

function parse(kind: string, text: string): Fields {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw ConnectorError.invalid(`ninjaone: unreadable ${kind} cursor`);
  return value as Fields;
}

function optNumber(kind: string, fields: Fields, key: string): number | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw ConnectorError.invalid(`ninjaone: ${kind} cursor field ${key} must be a number`);
  return value;
}

export function readDevicesCursor(text: string | null): DevicesCursor {
  if (text === null) return { stream: 'organizations' };
  const fields = parse('devices', text);
  if (fields.stream !== 'organizations' && fields.stream !== 'devices')
    throw ConnectorError.invalid('ninjaone: devices cursor has an unknown stream');
  return { stream: fields.stream, after: optNumber('devices', fields, 'after') };
}

export function readPatchesCursor(text: string | null, firstSince: number): PatchesCursor {
  if (text === null) return { stream: 'installs', since: firstSince };
  const fields = parse('patches', text);
  if (fields.stream !== 'installs' && fields.stream !== 'pending')
    throw ConnectorError.invalid('ninjaone: patches cursor has an unknown stream');
  const since = optNumber('patches', fields, 'since');
  if (since === undefined) throw ConnectorError.invalid('ninjaone: patches cursor lacks since');
  if (fields.next !== undefined && typeof fields.next !== 'string')
    throw ConnectorError.invalid('ninjaone: patches cursor field next must be a string');
  return {
    stream: fields.stream,
    since,
    next: fields.next,
    newest: optNumber('patches', fields, 'newest'),
  };
}

export function readActivitiesCursor(
  text: string | null,
  firstFloorTime: number,
): ActivitiesCursor {
  if (text === null) return { floorTime: firstFloorTime };
  const fields = parse('activities', text);
  const cursor: ActivitiesCursor = {
    floorId: optNumber('activities', fields, 'floorId'),
    floorTime: optNumber('activities', fields, 'floorTime'),
    olderThan: optNumber('activities', fields, 'olderThan'),
    top: optNumber('activities', fields, 'top'),
  };
  if (cursor.floorId === undefined && cursor.floorTime === undefined)
    throw ConnectorError.invalid('ninjaone: activities cursor has no floor');
  return cursor;
}

/** JSON without undefined fields, so equal states give equal cursor strings. */
export function writeCursor(cursor: DevicesCursor | PatchesCursor | ActivitiesCursor): string {
  return JSON.stringify(cursor);
}
