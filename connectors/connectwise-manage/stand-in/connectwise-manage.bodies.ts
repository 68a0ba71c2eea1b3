import { isObject, parseJson, type StandInResponse } from '../../shared/stand-in/http-kit';
import { badRequest } from './connectwise-manage.list';

/**
 * Shape checks for POST/PATCH bodies, with PSA-style 400s (api doc §4–5). Unknown fields are
 * refused: PSA would likely ignore them, but here a typo in a connector should show.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reply: StandInResponse };

export interface Ref {
  id?: number;
  identifier?: string;
  name?: string;
}

export interface TicketCreate {
  summary: string;
  board?: Ref;
  company?: Ref;
  status?: Ref;
  priority?: Ref;
  externalXRef?: string;
  initialDescription?: string;
  initialInternalAnalysis?: string;
  initialResolution?: string;
}

export interface NoteCreate {
  text: string;
  detailDescriptionFlag?: boolean;
  internalAnalysisFlag?: boolean;
  resolutionFlag?: boolean;
  issueFlag?: boolean;
}

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

const TICKET_KEYS = [
  'summary',
  'recordType',
  'board',
  'company',
  'status',
  'priority',
  'contact',
  'severity',
  'impact',
  'externalXRef',
  'initialDescription',
  'initialInternalAnalysis',
  'initialResolution',
  'processNotifications',
  'skipCallback',
];
const NOTE_KEYS = [
  'text',
  'detailDescriptionFlag',
  'internalAnalysisFlag',
  'resolutionFlag',
  'issueFlag',
  'customerUpdatedFlag',
  'processNotifications',
];
const TEXT_KEYS = ['initialDescription', 'initialInternalAnalysis', 'initialResolution'] as const;

function fail<T>(message: string, field?: string): Parsed<T> {
  return { ok: false, reply: badRequest(message, field) };
}

function object(body: Buffer, keys: string[]): Parsed<Record<string, unknown>> {
  const parsed = parseJson(body);
  if (!parsed.ok || !isObject(parsed.value)) return fail('a JSON object body is expected');
  const unknown = Object.keys(parsed.value).find((k) => !keys.includes(k));
  if (unknown) return fail(`field ${unknown} is not supported by the stand-in`, unknown);
  return { ok: true, value: parsed.value };
}

function ref(value: unknown): Ref | undefined | 'bad' {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return 'bad';
  const { id, identifier, name } = value;
  if (id !== undefined && !Number.isInteger(id)) return 'bad';
  if (identifier !== undefined && typeof identifier !== 'string') return 'bad';
  if (name !== undefined && typeof name !== 'string') return 'bad';
  return { id: id as number | undefined, identifier, name };
}

export function ticketCreate(body: Buffer): Parsed<TicketCreate> {
  const o = object(body, TICKET_KEYS);
  if (!o.ok) return o;
  const v = o.value;
  if (typeof v.summary !== 'string' || v.summary.trim() === '')
    return fail('The summary field is required.', 'summary');
  if (v.summary.length > 100)
    return fail('Summary cannot be longer than 100 characters.', 'summary');
  if (v.recordType !== undefined && v.recordType !== 'ServiceTicket')
    return fail('The stand-in opens ServiceTicket records only.', 'recordType');
  const refs = {
    board: ref(v.board),
    company: ref(v.company),
    status: ref(v.status),
    priority: ref(v.priority),
  };
  const badRef = Object.entries(refs).find(([, r]) => r === 'bad');
  if (badRef) return fail(`The ${badRef[0]} field must be a reference object.`, badRef[0]);
  if (
    v.externalXRef !== undefined &&
    (typeof v.externalXRef !== 'string' || v.externalXRef.length > 100)
  )
    return fail('externalXRef must be a string of at most 100 characters.', 'externalXRef');
  for (const key of TEXT_KEYS)
    if (v[key] !== undefined && typeof v[key] !== 'string')
      return fail(`${key} must be a string.`, key);
  for (const key of ['processNotifications', 'skipCallback'])
    if (v[key] !== undefined && typeof v[key] !== 'boolean')
      return fail(`${key} must be a boolean.`, key);
  return {
    ok: true,
    value: {
      summary: v.summary,
      board: refs.board as Ref | undefined,
      company: refs.company as Ref | undefined,
      status: refs.status as Ref | undefined,
      priority: refs.priority as Ref | undefined,
      externalXRef: v.externalXRef as string | undefined,
      initialDescription: v.initialDescription as string | undefined,
      initialInternalAnalysis: v.initialInternalAnalysis as string | undefined,
      initialResolution: v.initialResolution as string | undefined,
    },
  };
}

export function noteCreate(body: Buffer): Parsed<NoteCreate> {
  const o = object(body, NOTE_KEYS);
  if (!o.ok) return o;
  const v = o.value;
  if (typeof v.text !== 'string' || v.text.trim() === '')
    return fail('The text field is required.', 'text');
  const flags: Record<string, boolean> = {};
  for (const key of NOTE_KEYS.slice(1)) {
    if (v[key] === undefined) continue;
    if (typeof v[key] !== 'boolean') return fail(`${key} must be a boolean.`, key);
    flags[key] = v[key] as boolean;
  }
  const { customerUpdatedFlag: _c, processNotifications: _p, ...noteFlags } = flags;
  return { ok: true, value: { text: v.text, ...noteFlags } };
}

/** The PATCH body is a JSON array of {op, path, value} (api doc §4.4). */
export function patchOperations(body: Buffer): Parsed<PatchOperation[]> {
  const parsed = parseJson(body);
  const list = parsed.ok ? parsed.value : undefined;
  if (!Array.isArray(list) || list.length === 0)
    return fail('a JSON array of patch operations is expected');
  const ops: PatchOperation[] = [];
  for (const item of list) {
    if (!isObject(item) || typeof item.op !== 'string' || typeof item.path !== 'string')
      return fail('each operation needs op and path');
    ops.push({ op: item.op, path: item.path, value: item.value });
  }
  return { ok: true, value: ops };
}
