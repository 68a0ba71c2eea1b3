import { getMetadataStorage } from 'class-validator';
import {
  fieldDescriptions,
  secretFields,
  type ClassConstructor,
} from '../../connectors/contract/settings';

/** How one settings value is typed in: the form control it gets. */
export type FieldInput = 'text' | 'url' | 'number' | 'checkbox' | 'select' | 'list' | 'map';

/** One field of a connector's settings, as the settings class declares it. */
export interface SettingsField {
  name: string;
  label: string;
  description?: string;
  input: FieldInput;
  /** Encrypted at rest and write-only: never shown, never filled in. */
  secret: boolean;
  /** Must be given: not optional, not conditional, and without a default. */
  required: boolean;
  /** Validated only in some combinations (class-validator's ValidateIf). */
  conditional: boolean;
  /** For `select`: the allowed values. */
  options?: string[];
  /** For `list`: whether each line is a whole number. */
  integerItems?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  /** The value the settings class gives when the field is left out. */
  defaultValue?: unknown;
}

const ACRONYMS: Record<string, string> = {
  id: 'ID',
  ids: 'IDs',
  url: 'URL',
  api: 'API',
  kb: 'KB',
  smtp: 'SMTP',
  tls: 'TLS',
};

/** `rollbackScriptId` → "Rollback script ID". */
export function humanLabel(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
  if (words.length === 0) return name;
  words[0] = words[0].charAt(0).toUpperCase() + words[0].slice(1);
  return words.join(' ');
}

/** The part of class-validator's ValidationMetadata this reads. */
interface Rule {
  propertyName: string;
  type: string;
  name?: string;
  each: boolean;
  constraints?: unknown[];
}

/** The first number constraint of a rule (Min, Max, MaxLength carry one). */
function bound(rules: Rule[], name: string): number | undefined {
  const rule = rules.find((r) => r.name === name && !r.each);
  const value = rule?.constraints?.[0];
  return typeof value === 'number' ? value : undefined;
}

function inputFor(rules: Rule[]): Pick<SettingsField, 'input' | 'options' | 'integerItems'> {
  const has = (name: string, each = false) => rules.some((r) => r.name === name && r.each === each);
  if (has('isBoolean')) return { input: 'checkbox' };
  const isIn = rules.find((r) => r.name === 'isIn' && !r.each);
  if (isIn && Array.isArray(isIn.constraints?.[0]))
    return { input: 'select', options: (isIn.constraints[0] as unknown[]).map(String) };
  if (has('isArray')) return { input: 'list', integerItems: has('isInt', true) };
  if (has('isObject')) return { input: 'map' };
  if (has('isInt') || has('isNumber')) return { input: 'number' };
  if (has('isUrl')) return { input: 'url' };
  return { input: 'text' };
}

/**
 * A connector's settings class read as a list of fields, in declaration order: the type of
 * each from its class-validator decorators, the description from @Describe, secrets from
 * @Secret, defaults from a fresh instance. The form is generated from this, so a new connector
 * gets its console form without console code.
 */
export function settingsFields(cls: ClassConstructor<object>): SettingsField[] {
  const metadata: Rule[] = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const byName = new Map<string, Rule[]>();
  for (const m of metadata) {
    const list = byName.get(m.propertyName) ?? [];
    list.push(m);
    byName.set(m.propertyName, list);
  }
  const secrets = new Set(secretFields(cls));
  const descriptions = fieldDescriptions(cls);
  const defaults = new cls() as Record<string, unknown>;
  return [...byName.entries()].map(([name, rules]) => {
    const optional = rules.some((r) => r.name === 'isOptional');
    const conditional = rules.some((r) => r.type === 'conditionalValidation' && !optional);
    const defaultValue = defaults[name];
    const kind = inputFor(rules);
    return {
      name,
      label: humanLabel(name),
      ...(descriptions[name] ? { description: descriptions[name] } : {}),
      ...kind,
      secret: secrets.has(name),
      required:
        !optional && !conditional && defaultValue === undefined && kind.input !== 'checkbox',
      conditional,
      ...(bound(rules, 'min') !== undefined ? { min: bound(rules, 'min') } : {}),
      ...(bound(rules, 'max') !== undefined ? { max: bound(rules, 'max') } : {}),
      ...(bound(rules, 'maxLength') !== undefined ? { maxLength: bound(rules, 'maxLength') } : {}),
      ...(defaultValue !== undefined ? { defaultValue } : {}),
    };
  });
}
