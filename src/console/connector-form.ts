import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateConnectorDto } from '../connector-instances/dto/create-connector.dto';
import { UpdateConnectorDto } from '../connector-instances/dto/update-connector.dto';
import { hasUnstorableChar } from '../common/storable';
import type { SettingsField } from './connector-form-schema';

/** Form keys of settings fields carry a prefix, so no setting can collide with name or csrf. */
export const SETTING = 'setting.';
/** The checkbox that removes a stored optional secret (an empty secret field keeps it). */
export const CLEAR = 'clear.';

export type FormMode = 'create' | 'edit';

/**
 * Problems keyed as the service names them: `name`, `pollIntervalSeconds`,
 * `settings.<field>`; problems about no one field are under GENERAL.
 */
export type FieldErrors = Record<string, string[]>;
export const GENERAL = '';

/** What a submitted form asks for, in the shapes CreateConnectorDto / UpdateConnectorDto take. */
export interface ConnectorFormInput {
  name: string;
  enabled: boolean;
  pollIntervalSeconds?: number;
  settings: Record<string, unknown>;
}

type Body = Record<string, unknown>;

function addError(errors: FieldErrors, key: string, message: string): void {
  (errors[key] ??= []).push(message);
}

/** One value of the urlencoded body; a key sent twice is refused rather than guessed at. */
function single(
  body: Body,
  key: string,
  errors: FieldErrors,
  errorKey: string,
): string | undefined {
  const raw = body[key];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') {
    addError(errors, errorKey, 'was sent more than once');
    return undefined;
  }
  if (hasUnstorableChar(raw)) {
    addError(errors, errorKey, 'contains a NUL character or an invalid Unicode surrogate');
    return undefined;
  }
  return raw;
}

/** Whole numbers become numbers; anything else stays text, so the validator names the field. */
function numberOrText(raw: string): number | string {
  return /^-?\d{1,15}$/.test(raw) ? Number(raw) : raw;
}

function lines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** `host group = client` per line; the first `=` splits, so a client name may hold one. */
function readMap(raw: string, onError: (message: string) => void): Record<string, string> {
  const map: Record<string, string> = Object.create(null);
  lines(raw).forEach((line, i) => {
    const at = line.indexOf('=');
    if (at <= 0) onError(`line ${i + 1} needs the form "name = value"`);
    else map[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return { ...map };
}

/**
 * One settings field from the body. `undefined` as a value (edit only) clears what is stored:
 * the service merges the given settings over the stored ones, so a key left out would keep it.
 */
function readSetting(
  field: SettingsField,
  body: Body,
  mode: FormMode,
  errors: FieldErrors,
): { given: false } | { given: true; value: unknown } {
  const key = `settings.${field.name}`;
  const raw = single(body, SETTING + field.name, errors, key);
  if (field.input === 'checkbox') return { given: true, value: raw !== undefined };
  if (field.secret) {
    // Write-only: an empty field keeps the stored secret, as the API's PATCH does.
    if (raw) return { given: true, value: raw };
    if (mode === 'edit' && body[CLEAR + field.name] !== undefined)
      return { given: true, value: undefined };
    return { given: false };
  }
  const text = raw?.trim() ?? '';
  if (text === '') {
    if (mode === 'create') return { given: false };
    // An emptied list field that has a default means "none", not "back to the default".
    if (field.input === 'list' && Array.isArray(field.defaultValue))
      return { given: true, value: [] };
    return { given: true, value: undefined };
  }
  switch (field.input) {
    case 'number':
      return { given: true, value: numberOrText(text) };
    case 'list':
      return {
        given: true,
        value: lines(text).map((item) => (field.integerItems ? numberOrText(item) : item)),
      };
    case 'map':
      return { given: true, value: readMap(text, (m) => addError(errors, key, m)) };
    default:
      return { given: true, value: text };
  }
}

/** The settings a submitted form holds, and the problems found before the service sees them. */
export function readSettings(
  fields: SettingsField[],
  body: Body,
  mode: FormMode,
  errors: FieldErrors,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of fields) {
    const read = readSetting(field, body, mode, errors);
    if (read.given) settings[field.name] = read.value;
  }
  return settings;
}

/** A list of DTO validation errors, keyed by property. */
function dtoErrors(dto: object, errors: FieldErrors): void {
  const problems = validateSync(dto, {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
  });
  for (const p of problems)
    for (const message of Object.values(p.constraints ?? {})) addError(errors, p.property, message);
}

/**
 * The whole form: instance fields and settings, checked with the same DTO the API's
 * ValidationPipe uses (the console calls the service directly, past that pipe).
 */
export function readConnectorForm(
  fields: SettingsField[],
  body: Body,
  target: { mode: FormMode; kind: string; pulls: boolean },
): { input: ConnectorFormInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = single(body, 'name', errors, 'name')?.trim() ?? '';
  const enabled = body.enabled !== undefined;
  const { mode, kind, pulls } = target;
  const pollText = pulls ? single(body, 'pollIntervalSeconds', errors, 'pollIntervalSeconds') : '';
  const poll = pollText?.trim() ? numberOrText(pollText.trim()) : undefined;
  const settings = readSettings(fields, body, mode, errors);
  const input = { name, enabled, ...(poll !== undefined ? { pollIntervalSeconds: poll } : {}) };
  const dto =
    mode === 'create'
      ? plainToInstance(CreateConnectorDto, { kind, ...input })
      : plainToInstance(UpdateConnectorDto, input);
  dtoErrors(dto, errors);
  return { input: { ...input, settings } as ConnectorFormInput, errors };
}

/**
 * The service's 400 message split by field. Settings problems come as
 * `settings.<field>: <message>` joined with "; " (connectors/contract/settings.ts).
 */
export function serviceErrors(message: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const part of message.split(/;\s+(?=settings\.)/)) {
    const m = /^settings\.([A-Za-z0-9_$]+)[^:\s]*:\s*(.+)$/s.exec(part.trim());
    if (m) addError(errors, `settings.${m[1]}`, m[2]);
    else if (part.trim()) addError(errors, GENERAL, part.trim());
  }
  return errors;
}
