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
 * Reads fields of one vendor record, throwing ConnectorError('invalid') that names the record
 * and the field. Messages state the type found, never the value: records may hold user data.
 */
export class VendorRecord {
  private constructor(
    readonly label: string,
    private readonly fields: VendorObject,
  ) {}

  static of(label: string, value: unknown): VendorRecord {
    if (!isObject(value))
      throw ConnectorError.invalid(`ninjaone ${label}: expected an object, got ${kindOf(value)}`);
    return new VendorRecord(label, value);
  }

  /** The same record under a more precise label, e.g. once its id is known. */
  relabel(label: string): VendorRecord {
    return new VendorRecord(label, this.fields);
  }

  private fail(key: string, expected: string): never {
    throw ConnectorError.invalid(
      `ninjaone ${this.label}: ${key} must be ${expected}, got ${kindOf(this.fields[key])}`,
    );
  }

  private present(key: string): boolean {
    return this.fields[key] !== undefined && this.fields[key] !== null;
  }

  int(key: string): number {
    const value = this.fields[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(key, 'an integer');
    return value;
  }

  optInt(key: string): number | undefined {
    return this.present(key) ? this.int(key) : undefined;
  }

  str(key: string): string {
    const value = this.fields[key];
    if (typeof value !== 'string' || value.trim() === '') this.fail(key, 'a non-empty string');
    return value;
  }

  /** Absent, null and blank all read as undefined: the vendor uses them interchangeably. */
  optStr(key: string): string | undefined {
    const value = this.fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(key, 'a string');
    return value.trim() === '' ? undefined : value;
  }

  optBool(key: string): boolean | undefined {
    const value = this.fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(key, 'a boolean');
    return value;
  }

  optStrings(key: string): string[] | undefined {
    const value = this.fields[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      this.fail(key, 'an array of strings');
    return value as string[];
  }

  /** Epoch seconds (possibly fractional) as a Date. */
  time(key: string): Date {
    const value = this.fields[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      this.fail(key, 'epoch seconds');
    return new Date(Math.round(value * 1000));
  }

  optTime(key: string): Date | undefined {
    return this.present(key) ? this.time(key) : undefined;
  }

  optObject(key: string): VendorRecord | undefined {
    if (!this.present(key)) return undefined;
    if (!isObject(this.fields[key])) this.fail(key, 'an object');
    return new VendorRecord(`${this.label} ${key}`, this.fields[key] as VendorObject);
  }
}
