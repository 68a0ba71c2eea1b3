import { json, type StandInRequest, type StandInResponse } from '../../shared/stand-in/http-kit';
import {
  compileConditions,
  ConditionsError,
  type FieldSpec,
  type FieldTable,
} from './connectwise-manage.conditions';
import type {
  CwCompany,
  CwConfiguration,
  CwNote,
  CwPriority,
  CwStatus,
  CwTicket,
} from './connectwise-manage.state';

/**
 * GET list endpoints: `conditions`, `orderBy`, navigable paging (`page`, `pageSize`, RFC 5988
 * `Link`), per api doc §3 and §9. Only the fields below can be filtered or sorted on; anything
 * else is a 400 so a connector mistake shows instead of being ignored.
 */

const int = <T>(get: (r: T) => unknown): FieldSpec<T> => ({ type: 'int', get });
const str = <T>(get: (r: T) => unknown): FieldSpec<T> => ({ type: 'string', get });
const bool = <T>(get: (r: T) => unknown): FieldSpec<T> => ({ type: 'bool', get });
const date = <T>(get: (r: T) => unknown): FieldSpec<T> => ({ type: 'date', get });

export const TICKET_FIELDS: FieldTable<CwTicket> = {
  id: int((t) => t.id),
  summary: str((t) => t.summary),
  recordType: str((t) => t.recordType),
  closedFlag: bool((t) => t.closedFlag),
  closedDate: date((t) => t.closedDate),
  closedBy: str((t) => t.closedBy),
  externalXRef: str((t) => t.externalXRef),
  lastUpdated: date((t) => t._info.lastUpdated),
  dateEntered: date((t) => t._info.dateEntered),
  'board/id': int((t) => t.board.id),
  'board/name': str((t) => t.board.name),
  'status/id': int((t) => t.status.id),
  'status/name': str((t) => t.status.name),
  'company/id': int((t) => t.company.id),
  'company/identifier': str((t) => t.company.identifier),
  'company/name': str((t) => t.company.name),
  'priority/id': int((t) => t.priority.id),
};

export const COMPANY_FIELDS: FieldTable<CwCompany> = {
  id: int((c) => c.id),
  identifier: str((c) => c.identifier),
  name: str((c) => c.name),
  lastUpdated: date((c) => c._info.lastUpdated),
  'status/id': int((c) => c.status.id),
  'status/name': str((c) => c.status.name),
};

export const CONFIGURATION_FIELDS: FieldTable<CwConfiguration> = {
  id: int((c) => c.id),
  name: str((c) => c.name),
  deviceIdentifier: str((c) => c.deviceIdentifier),
  serialNumber: str((c) => c.serialNumber),
  ipAddress: str((c) => c.ipAddress),
  activeFlag: bool((c) => c.activeFlag),
  lastUpdated: date((c) => c._info.lastUpdated),
  'type/id': int((c) => c.type.id),
  'type/name': str((c) => c.type.name),
  'company/id': int((c) => c.company.id),
  'company/identifier': str((c) => c.company.identifier),
  'company/name': str((c) => c.company.name),
};

export const STATUS_FIELDS: FieldTable<CwStatus> = {
  id: int((s) => s.id),
  name: str((s) => s.name),
  inactive: bool((s) => s.inactive),
  closedStatus: bool((s) => s.closedStatus),
  defaultFlag: bool((s) => s.defaultFlag),
};

export const PRIORITY_FIELDS: FieldTable<CwPriority> = {
  id: int((p) => p.id),
  name: str((p) => p.name),
};

/** `text contains "…"` is how the connector looks for a delivery marker before noting. */
export const NOTE_FIELDS: FieldTable<CwNote> = {
  id: int((n) => n.id),
  text: str((n) => n.text),
  dateCreated: date((n) => n.dateCreated),
};

export const REFERENCE_FIELDS: FieldTable<{ id: number; deviceIdentifier: string }> = {
  id: int((r) => r.id),
  deviceIdentifier: str((r) => r.deviceIdentifier),
};

/** Same body shape as PSA's 400s, so the connector surfaces our message. */
export function badRequest(message: string, field?: string): StandInResponse {
  const errors = field ? [{ code: 'InvalidField', message, resource: 'request', field }] : null;
  return json(400, { code: 'InvalidObject', message, errors });
}

/** The PSA maximum page size (api doc §9, C3). */
const MAX_PAGE_SIZE = 1000;
const LIST_PARAMS = ['conditions', 'orderBy', 'page', 'pageSize'];

function sorter<T>(orderBy: string, fields: FieldTable<T>): (a: T, b: T) => number {
  const keys = orderBy.split(',').map((part) => {
    const [name, dir = 'asc', extra] = part.trim().split(/\s+/);
    const key = Object.keys(fields).find((f) => f.toLowerCase() === name?.toLowerCase());
    if (!key || extra !== undefined || !/^(asc|desc)$/i.test(dir))
      throw new ConditionsError(`orderBy: cannot order by "${part.trim()}"`);
    return { spec: fields[key], sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { spec, sign } of keys) {
      const x = spec.get(a);
      const y = spec.get(b);
      const c =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x ?? '').localeCompare(String(y ?? ''));
      if (c !== 0) return c * sign;
    }
    return 0;
  };
}

function pageLink(req: StandInRequest, page: number, rel: string): string {
  const query = new URLSearchParams(req.query);
  query.set('page', String(page));
  return `<${req.origin}${req.path}?${query.toString()}>; rel="${rel}"`;
}

function positive(text: string | null, fallback: number): number {
  if (text === null) return fallback;
  return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : NaN;
}

export function listResponse<T>(
  req: StandInRequest,
  rows: T[],
  fields: FieldTable<T>,
): StandInResponse {
  const unknown = [...new Set(req.query.keys())].filter((k) => !LIST_PARAMS.includes(k));
  if (unknown.length > 0)
    return badRequest(`parameter not supported by the stand-in: ${unknown.join(', ')}`);
  const page = positive(req.query.get('page'), 1);
  const size = Math.min(positive(req.query.get('pageSize'), 25), MAX_PAGE_SIZE);
  if (Number.isNaN(page) || Number.isNaN(size))
    return badRequest('page and pageSize must be positive integers');
  let selected: T[];
  try {
    const test = compileConditions(req.query.get('conditions') ?? '', fields);
    selected = rows.filter(test).sort(sorter(req.query.get('orderBy') ?? 'id asc', fields));
  } catch (err) {
    if (err instanceof ConditionsError) return badRequest(err.message, 'conditions');
    throw err;
  }
  const last = Math.max(1, Math.ceil(selected.length / size));
  const links = [pageLink(req, 1, 'first')];
  if (page > 1) links.push(pageLink(req, Math.min(page - 1, last), 'prev'));
  if (page < last) links.push(pageLink(req, page + 1, 'next'));
  links.push(pageLink(req, last, 'last'));
  const body = selected.slice((page - 1) * size, page * size);
  return json(200, body, { Link: links.join(', ') });
}
