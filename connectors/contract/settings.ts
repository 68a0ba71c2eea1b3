import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ClassConstructor<T> = new (...args: any[]) => T;

const SECRET_KEY = Symbol('switchboard:secret');
const DESCRIPTION_KEY = Symbol('switchboard:description');

/** Marks a settings field as a credential: encrypted at rest, write-only, redacted. */
export function Secret(): PropertyDecorator {
  return (target, key) => {
    const list: string[] = Reflect.getMetadata(SECRET_KEY, target) ?? [];
    Reflect.defineMetadata(SECRET_KEY, [...list, String(key)], target);
  };
}

/** A human description of a settings field, shown in the API's connector kinds listing. */
export function Describe(text: string): PropertyDecorator {
  return (target, key) => {
    const map: Record<string, string> = Reflect.getMetadata(DESCRIPTION_KEY, target) ?? {};
    Reflect.defineMetadata(DESCRIPTION_KEY, { ...map, [String(key)]: text }, target);
  };
}

export function secretFields(cls: ClassConstructor<object>): string[] {
  return Reflect.getMetadata(SECRET_KEY, cls.prototype) ?? [];
}

export function fieldDescriptions(cls: ClassConstructor<object>): Record<string, string> {
  return Reflect.getMetadata(DESCRIPTION_KEY, cls.prototype) ?? {};
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'SettingsError';
  }
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `settings.${path}: ${m}`);
    return [...own, ...describe(e.children ?? [], path)];
  });
}

/** Validates plain settings into the connector's class; the messages name each bad field. */
export function parseSettings<S extends object>(cls: ClassConstructor<S>, plain: unknown): S {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new SettingsError(['settings: must be an object']);
  }
  const instance = plainToInstance(cls, plain, { exposeDefaultValues: true });
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new SettingsError(describe(errors));
  return instance;
}
