import { ConnectorError } from '../contract/connector-error';

type VendorObject = Record<string, unknown>;

function isObject(value: unknown): value is VendorObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Reads fields of one Automate record, throwing ConnectorError('invalid') that names the record
 * and the field, never its value (records hold user data). Automate's spec types many ids as
 * strings while paths take integers (api doc §3.3), so ids are read from either.
 */
export class AutomateRecord {
  private constructor(
    readonly label: string,
    private readonly fields: VendorObject,
  ) {}

  static of(label: string, value: unknown): AutomateRecord {
    if (!isObject(value))
      throw ConnectorError.invalid(
        `connectwise-automate ${label}: expected an object, got ${kindOf(value)}`,
      );
    return new AutomateRecord(label, value);
  }

  relabel(label: string): AutomateRecord {
    return new AutomateRecord(label, this.fields);
  }

  private fail(key: string, expected: string): never {
    throw ConnectorError.invalid(
      `connectwise-automate ${this.label}: ${key} must be ${expected}, got ${kindOf(this.fields[key])}`,
    );
  }

  private absent(key: string): boolean {
    return this.fields[key] === undefined || this.fields[key] === null;
  }

  /** A whole non-negative id, sent as a number or as a string of digits. */
  id(key: string): number {
    const value = this.fields[key];
    const number =
      typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0)
      this.fail(key, 'an id (integer or digits)');
    return number;
  }

  optId(key: string): number | undefined {
    return this.absent(key) ? undefined : this.id(key);
  }

  str(key: string): string {
    const value = this.fields[key];
    if (typeof value !== 'string' || value.trim() === '') this.fail(key, 'a non-empty string');
    return value;
  }

  /** Absent, null and blank read as undefined: Automate sends all three for "no value". */
  optStr(key: string): string | undefined {
    if (this.absent(key)) return undefined;
    const value = this.fields[key];
    if (typeof value !== 'string') this.fail(key, 'a string');
    return value.trim() === '' ? undefined : value;
  }

  optBool(key: string): boolean | undefined {
    if (this.absent(key)) return undefined;
    const value = this.fields[key];
    if (typeof value !== 'boolean') this.fail(key, 'a boolean');
    return value;
  }

  optNumber(key: string): number | undefined {
    if (this.absent(key)) return undefined;
    const value = this.fields[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(key, 'a number');
    return value;
  }

  /** An ISO-8601 date (api doc §3.3). */
  time(key: string): Date {
    const value = this.fields[key];
    const at = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(at)) this.fail(key, 'an ISO-8601 date');
    return new Date(at);
  }

  /**
   * Absent, null or blank is undefined. Automate writes "never" as a zero date on some fields
   * (0001-01-01 or 1970 in older agents); those read as undefined too.
   */
  optTime(key: string): Date | undefined {
    if (this.absent(key) || this.fields[key] === '') return undefined;
    const at = this.time(key);
    return at.getUTCFullYear() <= 1970 ? undefined : at;
  }

  optObject(key: string): AutomateRecord | undefined {
    if (this.absent(key)) return undefined;
    if (!isObject(this.fields[key])) this.fail(key, 'an object');
    return new AutomateRecord(`${this.label} ${key}`, this.fields[key] as VendorObject);
  }
}
