import { ConnectorError } from '../contract/connector-error';

/**
 * Pull cursors are small JSON objects saying where the next request starts. The core persists
 * them after each page, so a crash resumes at the page that was not stored yet; they are
 * validated when read back (an unreadable cursor is `invalid`, never a silent restart).
 */

/** Inventory is walked whole each round: Clients, then Computers, by page number. */
export interface DevicesCursor {
  stage: 'clients' | 'computers';
  page: number;
}

/**
 * Patches: the history log since a watermark (epoch seconds), then, at most every sweep
 * interval, each Windows computer's missing updates. `sweptAt` is when the last sweep started.
 */
export type PatchesCursor =
  | { stage: 'history'; since: number; page: number; newest?: number; sweptAt?: number }
  | { stage: 'computers'; since: number; page: number; sweptAt: number }
  | {
      stage: 'updates';
      since: number;
      sweptAt: number;
      /** The Computers page the queue came from, and whether it was full (another follows). */
      computersPage: number;
      moreComputers: boolean;
      /** Computer ids still to read, the current one first, and its next MicrosoftUpdates page. */
      queue: number[];
      page: number;
    };

type Fields = Record<string, unknown>;

function parse(kind: string, text: string): Fields {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw ConnectorError.invalid(`connectwise-automate: unreadable ${kind} cursor`);
  return value as Fields;
}

function wholeNumber(kind: string, fields: Fields, key: string, min = 0): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw ConnectorError.invalid(`connectwise-automate: ${kind} cursor field ${key} is not valid`);
  return value;
}

function optWholeNumber(kind: string, fields: Fields, key: string): number | undefined {
  return fields[key] === undefined ? undefined : wholeNumber(kind, fields, key);
}

export function readDevicesCursor(text: string | null): DevicesCursor {
  if (text === null) return { stage: 'clients', page: 1 };
  const fields = parse('devices', text);
  if (fields.stage !== 'clients' && fields.stage !== 'computers')
    throw ConnectorError.invalid('connectwise-automate: devices cursor has an unknown stage');
  return { stage: fields.stage, page: wholeNumber('devices', fields, 'page', 1) };
}

export function readPatchesCursor(text: string | null, firstSince: number): PatchesCursor {
  if (text === null) return { stage: 'history', since: firstSince, page: 1 };
  const kind = 'patches';
  const fields = parse(kind, text);
  const since = wholeNumber(kind, fields, 'since');
  const page = wholeNumber(kind, fields, 'page', 1);
  switch (fields.stage) {
    case 'history':
      return {
        stage: 'history',
        since,
        page,
        newest: optWholeNumber(kind, fields, 'newest'),
        sweptAt: optWholeNumber(kind, fields, 'sweptAt'),
      };
    case 'computers':
      return { stage: 'computers', since, page, sweptAt: wholeNumber(kind, fields, 'sweptAt') };
    case 'updates': {
      const queue = fields.queue;
      if (
        !Array.isArray(queue) ||
        queue.length === 0 ||
        !queue.every((id) => Number.isSafeInteger(id) && (id as number) >= 0)
      )
        throw ConnectorError.invalid('connectwise-automate: patches cursor queue is not valid');
      if (typeof fields.moreComputers !== 'boolean')
        throw ConnectorError.invalid('connectwise-automate: patches cursor lacks moreComputers');
      return {
        stage: 'updates',
        since,
        page,
        sweptAt: wholeNumber(kind, fields, 'sweptAt'),
        computersPage: wholeNumber(kind, fields, 'computersPage', 1),
        moreComputers: fields.moreComputers,
        queue: queue as number[],
      };
    }
    default:
      throw ConnectorError.invalid('connectwise-automate: patches cursor has an unknown stage');
  }
}

/** JSON without undefined fields, so equal states give equal cursor strings. */
export function writeCursor(cursor: DevicesCursor | PatchesCursor): string {
  return JSON.stringify(cursor);
}
