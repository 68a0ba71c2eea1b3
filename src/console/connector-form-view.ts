import type { SettingsField } from './connector-form-schema';
import { CLEAR, GENERAL, SETTING, type FieldErrors, type FormMode } from './connector-form';

/** What a field shows: text for inputs, a flag for checkboxes. Secrets never have one. */
export type FieldDisplay = Record<string, string | boolean>;

/** One labelled control of the generated form, ready for the connector-field partial. */
export interface FieldView {
  key: string;
  label: string;
  description?: string;
  id: string;
  formName: string;
  control: 'input' | 'checkbox' | 'select' | 'textarea';
  type?: 'text' | 'password' | 'url' | 'number';
  value?: string;
  checked?: boolean;
  options?: { value: string; label: string; selected: boolean }[];
  min?: number;
  max?: number;
  required: boolean;
  /** The HTML `required` attribute: not for a stored secret, which may be left empty. */
  htmlRequired: boolean;
  secret: boolean;
  hint?: string;
  clear?: { id: string; formName: string };
  errors?: string[];
  describedBy: string;
}

export interface ErrorLine {
  href?: string;
  label?: string;
  message: string;
}

export const fieldId = (name: string) => `f-setting-${name}`;

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join('\n');
  if (typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k} = ${String(v)}`)
      .join('\n');
  return String(value);
}

/** Stored (edit) or default (new) settings as the form shows them; secrets are left out. */
export function displayFromSettings(
  fields: SettingsField[],
  settings: Record<string, unknown>,
): FieldDisplay {
  const out: FieldDisplay = {};
  for (const f of fields) {
    if (f.secret) continue;
    const value = settings[f.name] ?? f.defaultValue;
    out[f.name] = f.input === 'checkbox' ? value === true : text(value);
  }
  return out;
}

/** What was typed, shown again after a refused post; secrets are never echoed back. */
export function displayFromBody(
  fields: SettingsField[],
  body: Record<string, unknown>,
): FieldDisplay {
  const out: FieldDisplay = {};
  for (const f of fields) {
    if (f.secret) continue;
    const raw = body[SETTING + f.name];
    out[f.name] = f.input === 'checkbox' ? raw !== undefined : typeof raw === 'string' ? raw : '';
  }
  return out;
}

/** The default a field takes when left out, as text; undefined when it has none. */
function defaultText(f: SettingsField): string | undefined {
  if (f.defaultValue === undefined || f.input === 'checkbox' || f.secret) return undefined;
  if (Array.isArray(f.defaultValue))
    return f.defaultValue.length ? f.defaultValue.join(', ') : 'none';
  return text(f.defaultValue);
}

function defaultHint(f: SettingsField): string | undefined {
  const fallback = defaultText(f);
  return fallback === undefined ? undefined : `Default: ${fallback}.`;
}

function hintFor(f: SettingsField, mode: FormMode, stored: boolean): string | undefined {
  const parts: string[] = [];
  if (f.input === 'list') parts.push('One per line.');
  if (f.input === 'map') parts.push('One per line: name = value.');
  if (f.secret && mode === 'create') parts.push('Secret: stored encrypted, never shown again.');
  if (f.secret && mode === 'edit')
    parts.push(
      stored
        ? 'A value is stored (not shown). Leave this empty to keep it, or type a new one.'
        : 'Not set.',
    );
  if (f.conditional) parts.push('Whether it is needed depends on other fields.');
  const fallback = defaultHint(f);
  if (fallback) parts.push(fallback);
  return parts.length ? parts.join(' ') : undefined;
}

function controlFor(f: SettingsField): Pick<FieldView, 'control' | 'type'> {
  if (f.input === 'checkbox') return { control: 'checkbox' };
  if (f.input === 'select') return { control: 'select' };
  if (f.input === 'list' || f.input === 'map') return { control: 'textarea' };
  if (f.secret) return { control: 'input', type: 'password' };
  if (f.input === 'number') return { control: 'input', type: 'number' };
  return { control: 'input', type: f.input === 'url' ? 'url' : 'text' };
}

/** The form's fields: the schema, what to show in each, which secrets are stored, errors. */
export function fieldViews(
  fields: SettingsField[],
  display: FieldDisplay,
  options: { mode: FormMode; storedSecrets: string[]; errors: FieldErrors },
): FieldView[] {
  const stored = new Set(options.storedSecrets);
  return fields.map((f) => {
    const id = fieldId(f.name);
    const isStored = f.secret && stored.has(f.name);
    const errors = options.errors[`settings.${f.name}`];
    const hint = hintFor(f, options.mode, isStored);
    const shown = display[f.name];
    const value = typeof shown === 'string' ? shown : '';
    const described = [
      errors ? `${id}-error` : '',
      f.description ? `${id}-about` : '',
      hint ? `${id}-hint` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return {
      key: f.name,
      label: f.label,
      ...(f.description ? { description: f.description } : {}),
      id,
      formName: SETTING + f.name,
      ...controlFor(f),
      ...(f.secret ? {} : { value }),
      ...(f.input === 'checkbox' ? { checked: shown === true } : {}),
      ...(f.options
        ? {
            options: [
              ...(f.required ? [{ value: '', label: 'Choose…', selected: value === '' }] : []),
              ...f.options.map((o) => ({ value: o, label: o, selected: o === value })),
            ],
          }
        : {}),
      ...(f.min !== undefined ? { min: f.min } : {}),
      ...(f.max !== undefined ? { max: f.max } : {}),
      required: f.required,
      htmlRequired: f.required && !isStored,
      secret: f.secret,
      ...(hint ? { hint } : {}),
      ...(isStored && !f.required && options.mode === 'edit'
        ? { clear: { id: `${id}-clear`, formName: CLEAR + f.name } }
        : {}),
      ...(errors ? { errors } : {}),
      describedBy: described,
    };
  });
}

const INSTANCE_LABELS: Record<string, { label: string; id: string }> = {
  name: { label: 'Name', id: 'f-name' },
  enabled: { label: 'Enabled', id: 'f-enabled' },
  pollIntervalSeconds: { label: 'Poll interval (seconds)', id: 'f-poll' },
};

/** The errors above the form, each naming its field and linking to it. */
export function errorSummary(fields: SettingsField[], errors: FieldErrors): ErrorLine[] {
  const lines: ErrorLine[] = [];
  for (const [key, messages] of Object.entries(errors)) {
    const setting = key.startsWith('settings.') ? key.slice('settings.'.length) : null;
    const field = setting ? fields.find((f) => f.name === setting) : undefined;
    const target = setting
      ? { label: field?.label ?? setting, href: field ? `#${fieldId(setting)}` : undefined }
      : INSTANCE_LABELS[key]
        ? { label: INSTANCE_LABELS[key].label, href: `#${INSTANCE_LABELS[key].id}` }
        : key === GENERAL
          ? {}
          : { label: key };
    for (const message of messages)
      lines.push({
        ...(target.label ? { label: target.label } : {}),
        ...(target.href ? { href: target.href } : {}),
        message,
      });
  }
  return lines;
}

export interface SettingRow {
  key: string;
  label: string;
  value: string;
  secret: boolean;
  unset: boolean;
}

/** The stored settings, read-only: values of plain fields, only "set" or "not set" for secrets. */
export function settingRows(
  fields: SettingsField[],
  settings: Record<string, unknown>,
  secretsSet: string[],
): SettingRow[] {
  return fields.map((f) => {
    if (f.secret) {
      const set = secretsSet.includes(f.name);
      return {
        key: f.name,
        label: f.label,
        value: set ? 'set (not shown)' : 'not set',
        secret: true,
        unset: !set,
      };
    }
    const stored = settings[f.name];
    if (stored === undefined || stored === null) {
      const fallback = defaultText(f);
      return {
        key: f.name,
        label: f.label,
        value: fallback === undefined ? 'not set' : `not set (default: ${fallback})`,
        secret: false,
        unset: true,
      };
    }
    const value =
      typeof stored === 'boolean'
        ? stored
          ? 'yes'
          : 'no'
        : text(stored)
            .split('\n')
            .join(f.input === 'map' ? '; ' : ', ');
    return { key: f.name, label: f.label, value, secret: false, unset: false };
  });
}
