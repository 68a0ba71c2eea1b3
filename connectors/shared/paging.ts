import type { Page, RawRecord } from '../contract/connector';

/** A page that is the last one for now. */
export function lastPage(records: RawRecord[], cursor: string | null): Page {
  return { records, cursor, more: false };
}

/** Offset paging: another page exists when this one came back full. */
export function offsetPage(records: RawRecord[], offset: number, pageSize: number): Page {
  const full = records.length >= pageSize;
  return { records, cursor: full ? String(offset + records.length) : null, more: full };
}
